/**
 * Where `dlq replay` may send a dead letter, and who may have sent it: this stack's functions,
 * stream, rules and roles, read from the stack (its id and outputs), never from the message. A
 * dead letter is data anyone able to send to the queue could have written; replay runs with the
 * operator's credentials, so every target it calls must be one this stack owns.
 */
export interface ReplayAllowlist {
  readonly stackName: string;
  /** Partition, region and account of the stack: every ARN a re-drive calls must be in them. */
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The stack's functions by role in the pipeline. */
  readonly functions: {
    readonly ingest: string;
    readonly evaluate: string;
    readonly sweep: string;
    readonly notify: string;
  };
  /** Stream mode only. */
  readonly telemetryStreamArn?: string;
  readonly topicRules: readonly string[];
  readonly eventBusName: string;
  /** Unique ids (AROA…) of the roles that send failures to the queue. */
  readonly senderIds: ReadonlySet<string>;
}

/** The stack outputs the allowlist is built from (keys of infra/stackOutputs.ts). */
export const ALLOWLIST_OUTPUTS = {
  ingest: "IngestFunctionName",
  evaluate: "EvaluateFunctionName",
  sweep: "SweepFunctionName",
  notify: "NotifyFunctionName",
  telemetryRule: "TelemetryRuleName",
  lifecycleRule: "LifecycleRuleName",
  eventBus: "EventBusName",
  senderIds: "DeadLetterSenderIds",
  telemetryStream: "TelemetryStreamArn",
} as const;

const STACK_ARN = /^arn:(aws[a-z-]*):cloudformation:([a-z0-9-]+):(\d{12}):stack\/([^/]+)\//;

/**
 * The allowlist of a stack from its id (`arn:…:cloudformation:<region>:<account>:stack/<name>/<uuid>`)
 * and outputs, or the outputs it lacks (a stack deployed before `dlq replay` checked targets).
 */
export function replayAllowlistOf(
  stackId: string,
  outputs: Readonly<Record<string, string>>,
): ReplayAllowlist | { readonly missing: readonly string[] } {
  const stack = STACK_ARN.exec(stackId);
  if (stack === null) return { missing: [`a CloudFormation stack ARN (got ${stackId})`] };
  const [, partition = "", region = "", account = "", stackName = ""] = stack;
  const required = Object.entries(ALLOWLIST_OUTPUTS).filter(([name]) => name !== "telemetryStream");
  const missing = required.map(([, key]) => key).filter((key) => !outputs[key]);
  if (missing.length > 0) return { missing };
  const output = (key: string) => outputs[key] ?? "";
  const streamArn = outputs[ALLOWLIST_OUTPUTS.telemetryStream];
  return {
    stackName,
    partition,
    region,
    account,
    functions: {
      ingest: output(ALLOWLIST_OUTPUTS.ingest),
      evaluate: output(ALLOWLIST_OUTPUTS.evaluate),
      sweep: output(ALLOWLIST_OUTPUTS.sweep),
      notify: output(ALLOWLIST_OUTPUTS.notify),
    },
    ...(streamArn ? { telemetryStreamArn: streamArn } : {}),
    topicRules: [output(ALLOWLIST_OUTPUTS.telemetryRule), output(ALLOWLIST_OUTPUTS.lifecycleRule)],
    eventBusName: output(ALLOWLIST_OUTPUTS.eventBus),
    senderIds: new Set(
      output(ALLOWLIST_OUTPUTS.senderIds)
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  };
}

/**
 * The principal of an SQS `SenderId`: a role's messages carry `<role id>:<session name>`, and the
 * session name is the sender's to choose, so only the part before the colon identifies it.
 */
export function senderPrincipal(senderId: string): string {
  const colon = senderId.indexOf(":");
  return colon === -1 ? senderId : senderId.slice(0, colon);
}
