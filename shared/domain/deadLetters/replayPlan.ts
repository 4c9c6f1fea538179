import { ALARM_NOTIFICATION_DETAIL_TYPE } from "../../contracts/alarmNotification.ts";
import type { TelemetryRuleEvent } from "../../contracts/telemetryRule.ts";
import { THING_NAME_PATTERN } from "../../contracts/telemetryTopic.ts";
import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_EVENT_SOURCE,
  ALARM_REMINDER_DETAIL_TYPE,
} from "../alarms/alarmEvent.ts";
import type {
  DeadLetter,
  EventBridgeTargetFailure,
  EventBusFailure,
  IotRuleError,
  LambdaFailure,
  SchedulerFailure,
  StreamBatchFailure,
  StreamBatchPointer,
} from "./deadLetter.ts";
import { type ReplayAllowlist, senderPrincipal } from "./replayAllowlist.ts";

/** One call that hands a dead letter's event to where it was going. */
export type RedriveStep =
  | {
      readonly kind: "invoke";
      /** A function ARN or name, as Lambda's Invoke takes it; always invoked asynchronously. */
      readonly functionName: string;
      readonly payload: unknown;
    }
  | {
      /**
       * Reads the batch's records back from the stream and invokes the function (asynchronously)
       * with them as a Kinesis event, in as many invocations as Lambda's payload limit needs.
       */
      readonly kind: "invoke-stream-batch";
      readonly functionName: string;
      readonly batch: StreamBatchPointer;
    }
  | {
      readonly kind: "put-event";
      readonly source: string;
      readonly detailType: string;
      /** The original detail with `replayTo`, so that only the named rule matches it again. */
      readonly detail: Readonly<Record<string, unknown>>;
      readonly resources: readonly string[];
    };

/**
 * What `dlq replay` does with a message: re-drive it (then delete it once every step succeeded),
 * remove it without a re-drive, or keep it in the queue.
 */
export type ReplayPlan =
  | { readonly action: "redrive"; readonly steps: readonly RedriveStep[] }
  | { readonly action: "remove"; readonly reason: string }
  | { readonly action: "keep"; readonly reason: string };

/** The detail field that restricts a re-published event to one rule (the webhook rules honour it). */
export const REPLAY_TO_FIELD = "replayTo";

export const SUPERSEDED =
  "superseded by the next occurrence: the schedule runs every minute and an occurrence carries no data of its own";

const LAMBDA_FUNCTION_ARN =
  /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?$/;
const API_DESTINATION_ARN = /^arn:(aws[a-z-]*):events:([a-z0-9-]+):(\d{12}):api-destination\//;
const RULE_ARN = /^arn:(aws[a-z-]*):events:([a-z0-9-]+):(\d{12}):rule\/(?:([^/]+)\/)?([^/]+)$/;

/** What the stack's functions put on the alarm bus. */
const BUS_DETAIL_TYPES: readonly string[] = [
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_REMINDER_DETAIL_TYPE,
  ALARM_NOTIFICATION_DETAIL_TYPE,
];

/** Which of the stack's functions each kind of dead letter may be re-driven to. */
type FunctionRole = keyof ReplayAllowlist["functions"];

export interface ReplayOptions {
  readonly forceDelete: boolean;
  /** This stack's targets and senders (replayAllowlist.ts): a dead letter naming anything else is kept. */
  readonly allowlist: ReplayAllowlist;
}

export function planReplay(letter: DeadLetter, options: ReplayOptions): ReplayPlan {
  const { allowlist } = options;
  if (letter.kind === "unknown") {
    return options.forceDelete
      ? { action: "remove", reason: "unknown shape, deleted with --force-delete" }
      : { action: "keep", reason: `unknown shape (${letter.reason}); --force-delete removes it` };
  }
  // Removing costs nothing but the message: only a re-drive needs to trust who sent it.
  if (letter.kind === "scheduler") return planScheduler(letter);
  const sender = senderProblem(letter, allowlist);
  if (sender !== undefined) return keep(sender);
  switch (letter.kind) {
    case "lambda-failure":
      return planLambdaFailure(letter, allowlist);
    case "stream-batch":
      return planStreamBatch(letter, allowlist);
    case "iot-rule-error":
      return planIotRuleError(letter, allowlist);
    case "eventbridge-target":
      return planEventBridgeTarget(letter, allowlist);
    case "eventbridge-bus":
      return planEventBusFailure(letter);
  }
}

/**
 * Why the message may not come from where its kind says, if it may not. Functions, IoT rules and
 * the schedule send with the stack's roles, whose ids the stack publishes. EventBridge sends rule
 * targets' dead letters as the service, under an AWS-owned id that is published nowhere; for those
 * the queue policy (only the stack's roles among IAM callers) is what keeps forgeries out, and a
 * role of the stack sending one is itself a sign of forgery.
 */
function senderProblem(letter: Exclude<DeadLetter, { kind: "unknown" }>, allowlist: ReplayAllowlist) {
  if (letter.senderId === undefined) return "SQS reported no SenderId for it";
  const principal = senderPrincipal(letter.senderId);
  const stackRole = allowlist.senderIds.has(principal);
  if (letter.kind === "eventbridge-target" || letter.kind === "eventbridge-bus") {
    return stackRole
      ? `sent by ${letter.senderId}, a role of this stack; EventBridge sends these itself`
      : undefined;
  }
  return stackRole
    ? undefined
    : `sent by ${letter.senderId}, which is none of the roles that send failures to this queue (stack output DeadLetterSenderIds)`;
}

function planLambdaFailure(letter: LambdaFailure, allowlist: ReplayAllowlist): ReplayPlan {
  const functionName = stackFunction(letter.functionArn, allowlist, [
    "ingest",
    "evaluate",
    "sweep",
    "notify",
  ]);
  if (typeof functionName !== "string") return keep(functionName.problem);
  return redrive({ kind: "invoke", functionName, payload: letter.requestPayload });
}

function planStreamBatch(letter: StreamBatchFailure, allowlist: ReplayAllowlist): ReplayPlan {
  const functionName = stackFunction(letter.functionArn, allowlist, ["ingest", "evaluate"]);
  if (typeof functionName !== "string") return keep(functionName.problem);
  if (allowlist.telemetryStreamArn === undefined || letter.batch.streamArn !== allowlist.telemetryStreamArn) {
    return keep(`${letter.batch.streamArn} is not this stack's telemetry stream`);
  }
  return redrive({ kind: "invoke-stream-batch", functionName, batch: letter.batch });
}

/**
 * Rebuilds what the failed rule's SQL produced from the original message, for each failed Lambda
 * action (shared/contracts/telemetryRule.ts and lifecycleRule.ts define the SQL).
 */
function planIotRuleError(letter: IotRuleError, allowlist: ReplayAllowlist): ReplayPlan {
  if (!allowlist.topicRules.includes(letter.ruleName)) {
    return keep(
      `rule ${letter.ruleName} is not one of this stack's IoT rules (${allowlist.topicRules.join(", ")})`,
    );
  }
  const event = ruleEvent(letter);
  if (typeof event === "string") return keep(event);
  const steps: RedriveStep[] = [];
  for (const failure of letter.failures) {
    if (!/^lambda/i.test(failure.failedAction)) {
      return keep(`${failure.failedAction} on ${failure.failedResource} is not a Lambda action`);
    }
    const functionName = stackFunction(failure.failedResource, allowlist, ["ingest", "evaluate"]);
    if (typeof functionName !== "string") return keep(functionName.problem);
    steps.push({ kind: "invoke", functionName, payload: event });
  }
  return { action: "redrive", steps };
}

/** The rule's output for the message, or why it cannot be rebuilt. */
function ruleEvent(letter: IotRuleError): TelemetryRuleEvent | Record<string, unknown> | string {
  if (letter.ruleName.endsWith("_telemetry")) {
    // The rule's filter is `<root>/+/telemetry` (Basic Ingest topics add a `$aws/rules/<rule>/` prefix):
    // the thing name is always the level before the last, whatever the configured root.
    const levels = letter.topic.split("/");
    const thingName = levels.at(-2) ?? "";
    if (levels.at(-1) !== "telemetry" || !THING_NAME_PATTERN.test(thingName)) {
      return `topic ${letter.topic} is not a telemetry topic (<root>/<thingName>/telemetry)`;
    }
    // IoT's `timestamp()` is lost with the message. SQS's SentTimestamp is when the error action
    // parked it, moments after IoT received it (the Lambda action fails at once or after a short
    // retry); the time of the replay could be days later and would misplace samples without `ts`.
    if (letter.sentAt === undefined) return "the message has no SentTimestamp to stand for receivedAt";
    return {
      payload: letter.base64OriginalPayload,
      thingName,
      receivedAt: letter.sentAt,
      ...(letter.clientId === undefined ? {} : { clientId: letter.clientId }),
    };
  }
  if (letter.ruleName.endsWith("_lifecycle")) {
    // `SELECT *`: the event is the payload itself, a JSON object published by IoT Core.
    const payload = parseObject(Buffer.from(letter.base64OriginalPayload, "base64").toString("utf8"));
    return payload ?? "the lifecycle rule's original payload is not a JSON object";
  }
  return `rule ${letter.ruleName} is not a plantwatch rule (<deployment>_telemetry or <deployment>_lifecycle)`;
}

/**
 * The notify function gets its alarm event again; a webhook gets its `Alarm Notification` put on
 * the stack's bus again, for its own rule only. Nothing else is re-published: a forged event of
 * another type would reach every rule on the bus.
 */
function planEventBridgeTarget(letter: EventBridgeTargetFailure, allowlist: ReplayAllowlist): ReplayPlan {
  const rule = RULE_ARN.exec(letter.ruleArn);
  if (rule === null) return keep(`RULE_ARN ${letter.ruleArn} is not an EventBridge rule ARN`);
  const [, partition, region, account, bus = "default", ruleName = ""] = rule;
  if (!inStack({ partition, region, account }, allowlist) || bus !== allowlist.eventBusName) {
    return keep(`rule ${letter.ruleArn} is not on this stack's bus ${allowlist.eventBusName}`);
  }
  const { source, detailType, detail, resources } = letter.event;
  if (source !== ALARM_EVENT_SOURCE) return keep(`the event's source ${source} is not ${ALARM_EVENT_SOURCE}`);
  if (LAMBDA_FUNCTION_ARN.test(letter.targetArn)) {
    const functionName = stackFunction(letter.targetArn, allowlist, ["notify"]);
    if (typeof functionName !== "string") return keep(functionName.problem);
    if (detailType !== ALARM_EVENT_DETAIL_TYPE && detailType !== ALARM_REMINDER_DETAIL_TYPE) {
      return keep(`the notify function does not take ${detailType} events`);
    }
    return redrive({ kind: "invoke", functionName, payload: letter.event.raw });
  }
  const destination = API_DESTINATION_ARN.exec(letter.targetArn);
  if (destination !== null) {
    const [, destinationPartition, destinationRegion, destinationAccount] = destination;
    const webhookRules = `${allowlist.stackName}-webhook-`;
    if (
      !inStack(
        { partition: destinationPartition, region: destinationRegion, account: destinationAccount },
        allowlist,
      ) ||
      !ruleName.startsWith(webhookRules)
    ) {
      return keep(
        `target ${letter.targetArn} of rule ${ruleName} is not one of this stack's webhooks (${webhookRules}*)`,
      );
    }
    if (detailType !== ALARM_NOTIFICATION_DETAIL_TYPE) {
      return keep(`webhook rules send ${ALARM_NOTIFICATION_DETAIL_TYPE} events, not ${detailType}`);
    }
    return redrive({
      kind: "put-event",
      source,
      detailType,
      detail: { ...detail, [REPLAY_TO_FIELD]: ruleName },
      resources,
    });
  }
  return keep(`target ${letter.targetArn} is neither a Lambda function nor an API destination`);
}

/**
 * The event reached no rule: put it on the bus again as it was (addressed to one rule if it was a
 * replay), once the bus works. Only the plantwatch events the stack's own functions put there.
 */
function planEventBusFailure(letter: EventBusFailure): ReplayPlan {
  const { source, detailType, detail, resources } = letter.event;
  if (source !== ALARM_EVENT_SOURCE) return keep(`the event's source ${source} is not ${ALARM_EVENT_SOURCE}`);
  if (!BUS_DETAIL_TYPES.includes(detailType)) {
    return keep(`${detailType} is not an event this stack puts on its bus (${BUS_DETAIL_TYPES.join(", ")})`);
  }
  return redrive({ kind: "put-event", source, detailType, detail, resources });
}

function planScheduler(_letter: SchedulerFailure): ReplayPlan {
  // Invoking the sweep from here would only run, once more, what the schedule runs every minute
  // anyway; if the schedule keeps failing, new dead letters and the DLQ alarm say so.
  return { action: "remove", reason: SUPERSEDED };
}

/**
 * The name to invoke for a function ARN, if it names one of `roles` among the stack's functions
 * in the stack's account and region: `$LATEST` is dropped (it is what an unqualified call runs,
 * and what the function's policies name); a version or alias is kept, so the same code runs again.
 */
function stackFunction(
  arn: string,
  allowlist: ReplayAllowlist,
  roles: readonly FunctionRole[],
): string | { readonly problem: string } {
  const match = LAMBDA_FUNCTION_ARN.exec(arn);
  if (match === null) return { problem: `${arn} is not a Lambda function ARN` };
  const [, partition, region, account, name = ""] = match;
  const names = roles.map((role) => allowlist.functions[role]);
  if (!inStack({ partition, region, account }, allowlist) || !names.includes(name)) {
    return { problem: `${arn} is not this stack's ${roles.join(" or ")} function (${names.join(", ")})` };
  }
  return arn.endsWith(":$LATEST") ? arn.slice(0, -":$LATEST".length) : arn;
}

function inStack(
  place: { readonly partition?: string; readonly region?: string; readonly account?: string },
  allowlist: ReplayAllowlist,
): boolean {
  return (
    place.partition === allowlist.partition &&
    place.region === allowlist.region &&
    place.account === allowlist.account
  );
}

function redrive(step: RedriveStep): ReplayPlan {
  return { action: "redrive", steps: [step] };
}

function keep(reason: string): ReplayPlan {
  return { action: "keep", reason: `cannot replay: ${reason}` };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
