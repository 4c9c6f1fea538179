import * as z from "zod";
import { PlantwatchError } from "../../errors.ts";

/**
 * The five kinds of message the deployment's one dead-letter queue receives (C6), and `unknown` for
 * anything else. Pure: it reads a received SQS message and says what it is, nothing more.
 */
export const DEAD_LETTER_KINDS = [
  "lambda-failure",
  "stream-batch",
  "iot-rule-error",
  "eventbridge-target",
  "eventbridge-bus",
  "scheduler",
  "unknown",
] as const;
export type DeadLetterKind = (typeof DEAD_LETTER_KINDS)[number];

/** An SQS message as received, reduced to what classification reads. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly body: string;
  /** System attributes as SQS returns them (strings): SentTimestamp, ApproximateReceiveCount, ... */
  readonly attributes: Readonly<Record<string, string>>;
  /** The string message attributes (EventBridge and Scheduler put their error details there). */
  readonly messageAttributes: Readonly<Record<string, string>>;
}

interface DeadLetterBase {
  readonly messageId: string;
  /** When SQS received it (SentTimestamp, epoch ms), if it said. */
  readonly sentAt?: number;
  readonly receiveCount?: number;
  /** Who sent it, as SQS recorded it (`SenderId`: `<role id>:<session>` for a role). */
  readonly senderId?: string;
  /** What failed to receive it: a function, a rule target, a schedule target. */
  readonly target: string;
  /** Why, as the sending service put it. */
  readonly error: string;
}

/** A Lambda asynchronous invocation record sent to the on-failure destination. */
export interface LambdaFailure extends DeadLetterBase {
  readonly kind: "lambda-failure";
  readonly functionArn: string;
  readonly requestPayload: unknown;
}

/** Where a discarded stream batch lies: the records themselves stay in the stream, until retention. */
export interface StreamBatchPointer {
  readonly streamArn: string;
  readonly shardId: string;
  /** The batch's first and last sequence numbers (decimal strings), both included. */
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly batchSize: number;
}

/**
 * A batch a Kinesis event source mapping discarded after its retries (`RetryAttemptsExhausted`) or
 * because its records grew too old (`RecordAgeExceeded`): a pointer into the stream, no data.
 */
export interface StreamBatchFailure extends DeadLetterBase {
  readonly kind: "stream-batch";
  readonly functionArn: string;
  readonly condition: string;
  readonly batch: StreamBatchPointer;
}

export interface IotActionFailure {
  readonly failedAction: string;
  readonly failedResource: string;
  readonly errorMessage: string;
}

/** An IoT rule error-action message: one per rule and message, naming every action that failed. */
export interface IotRuleError extends DeadLetterBase {
  readonly kind: "iot-rule-error";
  readonly ruleName: string;
  readonly topic: string;
  readonly clientId?: string;
  readonly base64OriginalPayload: string;
  readonly failures: readonly IotActionFailure[];
}

/** The fields of an EventBridge event a re-drive needs; the body holds the whole event. */
export interface EventBridgeEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly resources: readonly string[];
  /** The event exactly as it was delivered (a Lambda target receives this). */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** An event an EventBridge rule could not deliver to one of its targets. */
export interface EventBridgeTargetFailure extends DeadLetterBase {
  readonly kind: "eventbridge-target";
  readonly ruleArn: string;
  readonly targetArn: string;
  readonly event: EventBridgeEvent;
}

/**
 * An event the alarm bus itself could not process (a non-retriable error, such as its KMS key
 * disabled): it reached no rule at all.
 */
export interface EventBusFailure extends DeadLetterBase {
  readonly kind: "eventbridge-bus";
  readonly event: EventBridgeEvent;
}

/** An occurrence of an EventBridge Scheduler schedule that could not invoke its target. */
export interface SchedulerFailure extends DeadLetterBase {
  readonly kind: "scheduler";
  readonly scheduleArn?: string;
  readonly targetArn: string;
}

export interface UnknownDeadLetter extends DeadLetterBase {
  readonly kind: "unknown";
  /** Why it matched none of the known shapes. */
  readonly reason: string;
}

export type DeadLetter =
  | LambdaFailure
  | StreamBatchFailure
  | IotRuleError
  | EventBridgeTargetFailure
  | EventBusFailure
  | SchedulerFailure
  | UnknownDeadLetter;

const lambdaRecordSchema = z.object({
  version: z.string(),
  timestamp: z.string(),
  requestContext: z.object({
    requestId: z.string(),
    functionArn: z.string().startsWith("arn:"),
    condition: z.string(),
    approximateInvokeCount: z.number(),
  }),
  // Present even when the event was `null`; its absence means the record is not one.
  requestPayload: z.unknown().refine((value) => value !== undefined, "requestPayload is missing"),
  responseContext: z
    .object({ statusCode: z.number().optional(), functionError: z.string().optional() })
    .loose()
    .optional(),
  responsePayload: z.unknown().optional(),
});

const SEQUENCE_NUMBER = /^\d{1,128}$/;

const streamBatchSchema = z.object({
  requestContext: z.object({
    functionArn: z.string().startsWith("arn:"),
    condition: z.string(),
    approximateInvokeCount: z.number(),
  }),
  responseContext: z.object({ functionError: z.string().optional() }).loose().optional(),
  KinesisBatchInfo: z.object({
    shardId: z.string().min(1),
    startSequenceNumber: z.string().regex(SEQUENCE_NUMBER),
    endSequenceNumber: z.string().regex(SEQUENCE_NUMBER),
    batchSize: z.number(),
    streamArn: z.string().startsWith("arn:"),
  }),
});

const iotErrorSchema = z.object({
  ruleName: z.string().min(1),
  topic: z.string().min(1),
  cloudwatchTraceId: z.string().optional(),
  clientId: z.string().optional(),
  base64OriginalPayload: z.base64(),
  failures: z
    .array(z.object({ failedAction: z.string(), failedResource: z.string(), errorMessage: z.string() }))
    .min(1),
});

const eventSchema = z
  .object({
    source: z.string().min(1),
    "detail-type": z.string().min(1),
    detail: z.record(z.string(), z.unknown()),
    resources: z.array(z.string()).optional(),
  })
  .loose();

/** The fields a re-drive needs from an event as EventBridge delivered it. */
function eventOf(data: z.infer<typeof eventSchema>): EventBridgeEvent {
  return {
    source: data.source,
    detailType: data["detail-type"],
    detail: data.detail,
    resources: data.resources ?? [],
    raw: data,
  };
}

/** What kind of dead letter a received message is; never throws, whatever the body. */
export function classifyDeadLetter(message: ReceivedMessage): DeadLetter {
  const base = baseOf(message);
  const attributes = message.messageAttributes;
  const errorCode = attributes.ERROR_CODE;
  const targetArn = attributes.TARGET_ARN;
  const error = [errorCode, attributes.ERROR_MESSAGE].filter(Boolean).join(": ");

  // EventBridge and Scheduler leave the body as they would have delivered it and put the error
  // details in message attributes; a rule ARN tells the two apart.
  if (errorCode !== undefined && targetArn !== undefined) {
    const ruleArn = attributes.RULE_ARN;
    if (ruleArn === undefined) {
      return {
        ...base,
        kind: "scheduler",
        targetArn,
        target: targetArn,
        error,
        ...(attributes.SCHEDULE_ARN === undefined ? {} : { scheduleArn: attributes.SCHEDULE_ARN }),
      };
    }
    const event = eventSchema.safeParse(parseJson(message.body));
    if (!event.success) {
      return unknown(
        base,
        "EventBridge dead letter whose body is not an event with source, detail-type and detail",
        {
          target: targetArn,
          error,
        },
      );
    }
    return {
      ...base,
      kind: "eventbridge-target",
      ruleArn,
      targetArn,
      target: targetArn,
      error,
      event: eventOf(event.data),
    };
  }

  const body = parseJson(message.body);
  if (body === undefined) return unknown(base, "the body is not JSON and there are no error attributes");

  // What the bus's own dead-letter config sends: the event as it was put, no rule or target (AWS
  // documents no attributes for it; ERROR_CODE/ERROR_MESSAGE are read when present).
  const busEvent = targetArn === undefined ? eventSchema.safeParse(body) : undefined;
  if (busEvent?.success) {
    return {
      ...base,
      kind: "eventbridge-bus",
      target: attributes.EVENT_BUS_ARN ?? "event bus",
      error: error || "the event bus could not process the event",
      event: eventOf(busEvent.data),
    };
  }

  const stream = streamBatchSchema.safeParse(body);
  if (stream.success) {
    const { requestContext, responseContext, KinesisBatchInfo: info } = stream.data;
    const batch: StreamBatchPointer = {
      streamArn: info.streamArn,
      shardId: info.shardId,
      startSequenceNumber: info.startSequenceNumber,
      endSequenceNumber: info.endSequenceNumber,
      batchSize: info.batchSize,
    };
    return {
      ...base,
      kind: "stream-batch",
      functionArn: requestContext.functionArn,
      condition: requestContext.condition,
      batch,
      target: requestContext.functionArn,
      error: `${lambdaError(requestContext, responseContext?.functionError, undefined)}; ${describeBatch(batch)}`,
    };
  }

  const record = lambdaRecordSchema.safeParse(body);
  if (record.success) {
    const { requestContext, responseContext, responsePayload } = record.data;
    return {
      ...base,
      kind: "lambda-failure",
      functionArn: requestContext.functionArn,
      requestPayload: record.data.requestPayload,
      target: requestContext.functionArn,
      error: lambdaError(requestContext, responseContext?.functionError, responsePayload),
    };
  }

  const iot = iotErrorSchema.safeParse(body);
  if (iot.success) {
    return {
      ...base,
      kind: "iot-rule-error",
      ruleName: iot.data.ruleName,
      topic: iot.data.topic,
      ...(iot.data.clientId === undefined ? {} : { clientId: iot.data.clientId }),
      base64OriginalPayload: iot.data.base64OriginalPayload,
      failures: iot.data.failures,
      target: iot.data.failures.map((failure) => failure.failedResource).join(", "),
      error: iot.data.failures
        .map((failure) => `${failure.failedAction}: ${failure.errorMessage}`)
        .join("; "),
    };
  }

  return unknown(base, "JSON that is neither a Lambda failure record nor an IoT rule error message");
}

function baseOf(message: ReceivedMessage) {
  const sentAt = integerAttribute(message.attributes.SentTimestamp);
  const receiveCount = integerAttribute(message.attributes.ApproximateReceiveCount);
  const senderId = message.attributes.SenderId;
  return {
    messageId: message.messageId,
    ...(sentAt === undefined ? {} : { sentAt }),
    ...(receiveCount === undefined ? {} : { receiveCount }),
    ...(senderId === undefined ? {} : { senderId }),
  };
}

function unknown(
  base: ReturnType<typeof baseOf>,
  reason: string,
  details: { target?: string; error?: string } = {},
): UnknownDeadLetter {
  return { ...base, kind: "unknown", reason, target: details.target ?? "-", error: details.error || reason };
}

/** "RetriesExhausted after 3 attempts: Error: boom", from what the record says. */
function lambdaError(
  context: { condition: string; approximateInvokeCount: number },
  functionError: string | undefined,
  responsePayload: unknown,
): string {
  const attempts = `${context.condition} after ${context.approximateInvokeCount} attempt(s)`;
  const payload = responsePayload as { errorType?: unknown; errorMessage?: unknown } | null | undefined;
  const detail = [payload?.errorType, payload?.errorMessage].filter((part) => typeof part === "string");
  if (detail.length > 0) return `${attempts}: ${detail.join(": ")}`;
  return functionError === undefined ? attempts : `${attempts}: ${functionError} error`;
}

/** "500 record(s) of shardId-000000000001, sequence numbers 4962... to 4962...". */
export function describeBatch(batch: StreamBatchPointer): string {
  return `${batch.batchSize} record(s) of ${batch.shardId}, sequence numbers ${batch.startSequenceNumber} to ${batch.endSequenceNumber}`;
}

function integerAttribute(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The batch's records are no longer (all) in the stream: its retention ran out before the replay.
 * Nothing can bring them back; the dead letter stays as the record that they were lost.
 */
export class StreamBatchExpiredError extends PlantwatchError {
  readonly batch: StreamBatchPointer;

  constructor(batch: StreamBatchPointer, reason: string, options: { cause?: unknown } = {}) {
    super(`the records of ${batch.shardId} are no longer in the stream: ${reason}`, options);
    this.name = "StreamBatchExpiredError";
    this.batch = batch;
  }
}
