import type { TelemetryRuleEvent } from "../../contracts/telemetryRule.ts";
import { THING_NAME_PATTERN } from "../../contracts/telemetryTopic.ts";
import type {
  DeadLetter,
  EventBridgeTargetFailure,
  IotRuleError,
  LambdaFailure,
  SchedulerFailure,
  StreamBatchFailure,
  StreamBatchPointer,
} from "./deadLetter.ts";

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
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;
const KINESIS_STREAM_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[A-Za-z0-9_.-]+$/;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const API_DESTINATION_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:api-destination\//;
const RULE_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:rule\/(?:[^/]+\/)?([^/]+)$/;

export function planReplay(letter: DeadLetter, options: { readonly forceDelete: boolean }): ReplayPlan {
  switch (letter.kind) {
    case "lambda-failure":
      return planLambdaFailure(letter);
    case "stream-batch":
      return planStreamBatch(letter);
    case "iot-rule-error":
      return planIotRuleError(letter);
    case "eventbridge-target":
      return planEventBridgeTarget(letter);
    case "scheduler":
      return planScheduler(letter);
    case "unknown":
      return options.forceDelete
        ? { action: "remove", reason: "unknown shape, deleted with --force-delete" }
        : { action: "keep", reason: `unknown shape (${letter.reason}); --force-delete removes it` };
  }
}

function planLambdaFailure(letter: LambdaFailure): ReplayPlan {
  const functionName = invokableFunction(letter.functionArn);
  if (functionName === undefined) return keep(`${letter.functionArn} is not a Lambda function ARN`);
  return redrive({ kind: "invoke", functionName, payload: letter.requestPayload });
}

function planStreamBatch(letter: StreamBatchFailure): ReplayPlan {
  const functionName = invokableFunction(letter.functionArn);
  if (functionName === undefined) return keep(`${letter.functionArn} is not a Lambda function ARN`);
  if (!KINESIS_STREAM_ARN.test(letter.batch.streamArn)) {
    return keep(`${letter.batch.streamArn} is not a Kinesis stream ARN`);
  }
  return redrive({ kind: "invoke-stream-batch", functionName, batch: letter.batch });
}

/**
 * Rebuilds what the failed rule's SQL produced from the original message, for each failed Lambda
 * action (shared/contracts/telemetryRule.ts and lifecycleRule.ts define the SQL).
 */
function planIotRuleError(letter: IotRuleError): ReplayPlan {
  const event = ruleEvent(letter);
  if (typeof event === "string") return keep(event);
  const steps: RedriveStep[] = [];
  for (const failure of letter.failures) {
    if (!/^lambda/i.test(failure.failedAction)) {
      return keep(`${failure.failedAction} on ${failure.failedResource} is not a Lambda action`);
    }
    // IoT names the function by ARN; a bare name is taken as it is.
    const functionName =
      invokableFunction(failure.failedResource) ??
      (FUNCTION_NAME.test(failure.failedResource) ? failure.failedResource : undefined);
    if (functionName === undefined) return keep(`${failure.failedResource} is not a Lambda function`);
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

function planEventBridgeTarget(letter: EventBridgeTargetFailure): ReplayPlan {
  const functionName = invokableFunction(letter.targetArn);
  if (functionName !== undefined) return redrive({ kind: "invoke", functionName, payload: letter.event.raw });
  if (API_DESTINATION_ARN.test(letter.targetArn)) {
    const ruleName = RULE_ARN.exec(letter.ruleArn)?.[1];
    if (ruleName === undefined) return keep(`RULE_ARN ${letter.ruleArn} is not an EventBridge rule ARN`);
    const { source, detailType, detail, resources } = letter.event;
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

function planScheduler(_letter: SchedulerFailure): ReplayPlan {
  // Invoking the sweep from here would only run, once more, what the schedule runs every minute
  // anyway; if the schedule keeps failing, new dead letters and the DLQ alarm say so.
  return { action: "remove", reason: SUPERSEDED };
}

/**
 * The name to invoke for a function ARN: `$LATEST` is dropped (it is what an unqualified call runs,
 * and what the function's policies name); a version or alias is kept, so the same code runs again.
 */
export function invokableFunction(arn: string): string | undefined {
  if (!LAMBDA_FUNCTION_ARN.test(arn)) return undefined;
  return arn.endsWith(":$LATEST") ? arn.slice(0, -":$LATEST".length) : arn;
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
