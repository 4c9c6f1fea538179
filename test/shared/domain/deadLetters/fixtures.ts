import type { ReceivedMessage } from "../../../../shared/domain/deadLetters/deadLetter.ts";
import type { ReplayAllowlist } from "../../../../shared/domain/deadLetters/replayAllowlist.ts";

/**
 * Realistic dead letters of each kind, shaped after AWS's documentation of each sender (Lambda
 * on-failure destination records, the IoT rule error action message, EventBridge and Scheduler
 * dead-letter message attributes) with plantwatch's own names and events.
 */
export interface DeadLetterFixture {
  readonly body: string;
  readonly messageAttributes: Readonly<Record<string, string>>;
  /** SQS's SenderId: the sending role's unique id and session, or the service's own id. */
  readonly senderId?: string;
}

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
export const INGEST_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:plantwatch-dev-Ingest`;
export const EVALUATE_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:plantwatch-dev-Evaluate`;
export const NOTIFY_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:plantwatch-dev-Notify`;
export const SWEEP_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:plantwatch-dev-Sweep`;
export const WEBHOOK_RULE = "plantwatch-dev-webhook-teams";
export const WEBHOOK_RULE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:rule/plantwatch/${WEBHOOK_RULE}`;
export const API_DESTINATION_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:api-destination/plantwatch-dev-teams/5b3c2a8e-7d41-4f0e-9c1a-3e2d8f6b9a70`;
export const STREAM_ARN = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/plantwatch-dev-TelemetryStream`;

/** Unique ids of the stack's roles that send failures (the DeadLetterSenderIds output). */
export const ROLE_IDS = {
  ingest: "AROAINGESTROLE0000001",
  evaluate: "AROAEVALUATEROLE00001",
  sweep: "AROASWEEPROLE00000001",
  notify: "AROANOTIFYROLE0000001",
  telemetryRule: "AROATELEMETRYRULE0001",
  lifecycleRule: "AROALIFECYCLERULE0001",
  schedule: "AROASCHEDULEROLE00001",
} as const;
/** EventBridge delivers rule targets' dead letters as itself, under an id of AWS's own. */
export const EVENTBRIDGE_SENDER = "AIDAEVENTBRIDGESERVICE";

/** What `dlq replay` trusts in the stack these fixtures come from. */
export const ALLOWLIST: ReplayAllowlist = {
  stackName: "plantwatch-dev",
  partition: "aws",
  region: REGION,
  account: ACCOUNT,
  functions: {
    ingest: "plantwatch-dev-Ingest",
    evaluate: "plantwatch-dev-Evaluate",
    sweep: "plantwatch-dev-Sweep",
    notify: "plantwatch-dev-Notify",
  },
  telemetryStreamArn: STREAM_ARN,
  topicRules: ["plantwatch_dev_telemetry", "plantwatch_dev_lifecycle"],
  eventBusName: "plantwatch",
  senderIds: new Set(Object.values(ROLE_IDS)),
};

/** The same as stack outputs, with the stack's id. */
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/plantwatch-dev/0d0b8f30-ca11-11f0-9f41-0a1b2c3d4e5f`;
export const STACK_OUTPUTS = {
  IngestFunctionName: ALLOWLIST.functions.ingest,
  EvaluateFunctionName: ALLOWLIST.functions.evaluate,
  SweepFunctionName: ALLOWLIST.functions.sweep,
  NotifyFunctionName: ALLOWLIST.functions.notify,
  TelemetryRuleName: "plantwatch_dev_telemetry",
  LifecycleRuleName: "plantwatch_dev_lifecycle",
  EventBusName: "plantwatch",
  DeadLetterSenderIds: Object.values(ROLE_IDS).join(","),
  TelemetryStreamArn: STREAM_ARN,
};

/** A C2 payload as a device publishes it. */
export const TELEMETRY_PAYLOAD = JSON.stringify({
  ts: 1_764_072_189_500,
  seq: 42,
  metrics: { temperature: 262.4 },
});
export const TELEMETRY_PAYLOAD_BASE64 = Buffer.from(TELEMETRY_PAYLOAD).toString("base64");

/** What the telemetry rule's SQL produced for it. */
export const TELEMETRY_RULE_EVENT = {
  payload: TELEMETRY_PAYLOAD_BASE64,
  thingName: "oven-3",
  receivedAt: 1_764_072_190_000,
  clientId: "oven-3",
};

/** The ingest function gave up on a telemetry event after Lambda's two retries. */
export const lambdaFailure: DeadLetterFixture = {
  body: JSON.stringify({
    version: "1.0",
    timestamp: "2026-11-25T12:03:14.512Z",
    requestContext: {
      requestId: "c7f3a1de-8b0e-4c59-9a51-2f4f0d6e7a10",
      functionArn: `${INGEST_ARN}:$LATEST`,
      condition: "RetriesExhausted",
      approximateInvokeCount: 3,
    },
    requestPayload: TELEMETRY_RULE_EVENT,
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: {
      errorType: "IngestIncompleteError",
      errorMessage: "1 sample(s) of 1 message(s) were not stored before the deadline; retrying",
      trace: ["IngestIncompleteError: 1 sample(s) ...", "    at ingest (/var/task/index.mjs:1:2345)"],
    },
  }),
  messageAttributes: {},
  senderId: `${ROLE_IDS.ingest}:plantwatch-dev-Ingest`,
};

/** An event that waited longer than the maximum event age: Lambda sends no response. */
export const lambdaEventAgeExceeded: DeadLetterFixture = {
  body: JSON.stringify({
    version: "1.0",
    timestamp: "2026-11-25T18:03:14.000Z",
    requestContext: {
      requestId: "0d9e4f7a-2b6c-4e1d-8a3f-5c7b9d1e2f30",
      functionArn: `${EVALUATE_ARN}:$LATEST`,
      condition: "EventAgeExceeded",
      approximateInvokeCount: 1,
    },
    requestPayload: { clientId: "oven-3", timestamp: 1_764_072_000_000, eventType: "disconnected" },
  }),
  messageAttributes: {},
  senderId: `${ROLE_IDS.evaluate}:plantwatch-dev-Evaluate`,
};

/** Where a discarded batch lies in the telemetry stream. */
export interface StreamBatchLocation {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly batchSize: number;
  readonly streamArn?: string;
}

/**
 * What a Kinesis event source mapping sends its on-failure destination when it discards a batch:
 * the invocation's context and a pointer into the stream, no data.
 */
export function streamBatchFailure(
  location: StreamBatchLocation,
  options: { readonly functionArn?: string; readonly condition?: string } = {},
): DeadLetterFixture {
  const condition = options.condition ?? "RetryAttemptsExhausted";
  return {
    body: JSON.stringify({
      requestContext: {
        requestId: "3b8d6c1e-0f2a-4e7b-9c5d-7a1f2e3b4c5d",
        functionArn: options.functionArn ?? `${INGEST_ARN}:$LATEST`,
        condition,
        approximateInvokeCount: condition === "RecordAgeExceeded" ? 4 : 11,
      },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      version: "1.0",
      timestamp: "2026-11-25T12:00:00.000Z",
      KinesisBatchInfo: {
        shardId: location.shardId,
        startSequenceNumber: location.startSequenceNumber,
        endSequenceNumber: location.endSequenceNumber,
        approximateArrivalOfFirstRecord: "2026-11-25T11:58:01.512Z",
        approximateArrivalOfLastRecord: "2026-11-25T11:58:02.004Z",
        batchSize: location.batchSize,
        streamArn: location.streamArn ?? STREAM_ARN,
      },
    }),
    messageAttributes: {},
    senderId: `${options.functionArn?.includes("Evaluate") ? ROLE_IDS.evaluate : ROLE_IDS.ingest}:session`,
  };
}

/** A batch of 500 records the ingest function failed on until its retries ran out. */
export const ingestBatchFailure = streamBatchFailure({
  shardId: "shardId-000000000001",
  startSequenceNumber: "49628139210948183734528409328453523425632473869374586882",
  endSequenceNumber: "49628139210948183734528409331975567873107396453618221058",
  batchSize: 500,
});

const LAMBDA_THROTTLED =
  "Failed to invoke lambda function. Received Server error from Lambda. The error code is 429";

/** Both actions of the telemetry rule failed for one message. */
export const iotTelemetryError: DeadLetterFixture = {
  body: JSON.stringify({
    ruleName: "plantwatch_dev_telemetry",
    topic: "dt/plantwatch/oven-3/telemetry",
    cloudwatchTraceId: "7e146a2c-95b5-6caf-98b9-50e3969734c7",
    clientId: "oven-3",
    base64OriginalPayload: TELEMETRY_PAYLOAD_BASE64,
    failures: [
      { failedAction: "LambdaAction", failedResource: INGEST_ARN, errorMessage: LAMBDA_THROTTLED },
      { failedAction: "LambdaAction", failedResource: EVALUATE_ARN, errorMessage: LAMBDA_THROTTLED },
    ],
  }),
  messageAttributes: {},
  senderId: `${ROLE_IDS.telemetryRule}:5e6f7a8b`,
};

/** The same through Basic Ingest (the topic keeps its `$aws/rules/<rule>/` prefix), one action failed. */
export const iotBasicIngestError: DeadLetterFixture = {
  body: JSON.stringify({
    ruleName: "plantwatch_dev_telemetry",
    topic: "$aws/rules/plantwatch_dev_telemetry/dt/plantwatch/press-7/telemetry",
    cloudwatchTraceId: "1c2d3e4f-5a6b-7c8d-9e0f-a1b2c3d4e5f6",
    clientId: "press-7",
    base64OriginalPayload: TELEMETRY_PAYLOAD_BASE64,
    failures: [
      { failedAction: "LambdaAction", failedResource: EVALUATE_ARN, errorMessage: LAMBDA_THROTTLED },
    ],
  }),
  messageAttributes: {},
  senderId: `${ROLE_IDS.telemetryRule}:5e6f7a8b`,
};

export const LIFECYCLE_EVENT = {
  clientId: "oven-3",
  timestamp: 1_764_072_300_000,
  eventType: "disconnected",
  sessionIdentifier: "00000000-0000-0000-0000-000000000000",
  principalIdentifier: "c0ffee",
  clientInitiatedDisconnect: false,
  disconnectReason: "MQTT_KEEP_ALIVE_TIMEOUT",
  versionNumber: 7,
};

export const iotLifecycleError: DeadLetterFixture = {
  body: JSON.stringify({
    ruleName: "plantwatch_dev_lifecycle",
    topic: "$aws/events/presence/disconnected/oven-3",
    cloudwatchTraceId: "9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4",
    clientId: "iotmanagedclient",
    base64OriginalPayload: Buffer.from(JSON.stringify(LIFECYCLE_EVENT)).toString("base64"),
    failures: [
      {
        failedAction: "LambdaAction",
        failedResource: EVALUATE_ARN,
        errorMessage:
          "Failed to invoke lambda function. Received Server error from Lambda. The error code is 500",
      },
    ],
  }),
  messageAttributes: {},
  senderId: `${ROLE_IDS.lifecycleRule}:9d2c4b1a`,
};

/** A C5 event as EventBridge delivers it to a rule's targets. */
export const ALARM_EVENT = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "Alarm State Change",
  source: "plantwatch",
  account: ACCOUNT,
  time: "2026-11-25T12:03:10Z",
  region: REGION,
  resources: [],
  detail: {
    version: "1",
    alarmId: "oven-overheat:oven-3",
    rule: { id: "oven-overheat", name: "Oven temperature too high", severity: "critical", kind: "threshold" },
    device: { thingName: "oven-3", site: "plant-1", line: "line-2" },
    state: {
      value: "ACTIVE",
      previous: "NORMAL",
      reason: "temperature 262.4 > 250 for 60s",
      timestamp: "2026-11-25T12:03:10.000Z",
    },
    trigger: { metric: "temperature", value: 262.4, sampleTime: "2026-11-25T12:03:09.500Z" },
  },
};

/** The notify function's `Alarm Notification` for that event, as the webhook rules receive it. */
export const ALARM_NOTIFICATION_EVENT = {
  ...ALARM_EVENT,
  id: "9f1c2b3a-4d5e-4f60-8a7b-1c2d3e4f5a6b",
  "detail-type": "Alarm Notification",
  detail: {
    version: "1",
    alarmId: "oven-overheat:oven-3",
    eventKey: "oven-overheat:oven-3|ACTIVE|2026-11-25T12:03:10.000Z",
    kind: "transition",
    severity: "critical",
    channel: "page",
    state: "ACTIVE",
    thingName: "oven-3",
    site: "plant-1",
    line: "line-2",
    payloads: {
      slack: { text: "CRITICAL oven-3: Oven temperature too high" },
      teams: { type: "message", attachments: [] },
      pagerduty: { event_action: "trigger", dedup_key: "oven-overheat:oven-3" },
      json: { source: "plantwatch", detail: ALARM_EVENT.detail },
    },
  },
};

/** The webhook's endpoint kept answering 503 until EventBridge gave up. */
export const webhookTargetFailure: DeadLetterFixture = {
  senderId: EVENTBRIDGE_SENDER,
  body: JSON.stringify(ALARM_NOTIFICATION_EVENT),
  messageAttributes: {
    RULE_ARN: WEBHOOK_RULE_ARN,
    TARGET_ARN: API_DESTINATION_ARN,
    ERROR_CODE: "SDK_CLIENT_ERROR",
    ERROR_MESSAGE:
      "Unable to invoke ApiDestination endpoint: The endpoint responded with 503 Service Unavailable.",
    EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
    RETRY_ATTEMPTS: "185",
  },
};

/** EventBridge could not invoke the notify function (throttled past the retry policy). */
export const notifyTargetFailure: DeadLetterFixture = {
  senderId: EVENTBRIDGE_SENDER,
  body: JSON.stringify(ALARM_EVENT),
  messageAttributes: {
    RULE_ARN: `arn:aws:events:${REGION}:${ACCOUNT}:rule/plantwatch/plantwatch-dev-notify`,
    TARGET_ARN: NOTIFY_ARN,
    ERROR_CODE: "THROTTLING",
    ERROR_MESSAGE: "Rate Exceeded.",
    EXHAUSTED_RETRY_CONDITION: "MaximumEventAgeInSeconds",
    RETRY_ATTEMPTS: "12",
  },
};

/** An alarm event the bus could not process: its key was disabled when notify's event arrived. */
export const busFailure: DeadLetterFixture = {
  senderId: EVENTBRIDGE_SENDER,
  body: JSON.stringify(ALARM_EVENT),
  messageAttributes: {
    ERROR_CODE: "KMS_KEY_DISABLED",
    ERROR_MESSAGE: "The customer managed key of the event bus is disabled.",
  },
};

/** A sweep occurrence EventBridge Scheduler could not deliver. */
export const schedulerFailure: DeadLetterFixture = {
  senderId: `${ROLE_IDS.schedule}:f3e1c2d4a5b6`,
  body: "{}",
  messageAttributes: {
    SCHEDULE_ARN: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/plantwatch-dev-SweepScheduleGroup/sweep`,
    TARGET_ARN: SWEEP_ARN,
    ERROR_CODE: "TooManyRequestsException",
    ERROR_MESSAGE: "Rate Exceeded.",
    EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
    RETRY_ATTEMPTS: "2",
  },
};

/** Something a person sent to the queue by hand. */
export const handWritten: DeadLetterFixture = {
  body: "please re-run oven-3",
  messageAttributes: {},
  senderId: "AIDAOPERATORUSER00001",
};

/** The fixture as a received message, for the pure functions. */
export function received(
  fixture: DeadLetterFixture,
  system: {
    readonly messageId?: string;
    readonly sentTimestamp?: number;
    readonly receiveCount?: number;
  } = {},
): ReceivedMessage {
  return {
    messageId: system.messageId ?? "5fea7756-0ea4-451a-a703-a558b933e274",
    body: fixture.body,
    attributes: {
      SentTimestamp: String(system.sentTimestamp ?? 1_764_072_191_000),
      ApproximateReceiveCount: String(system.receiveCount ?? 1),
      ...(fixture.senderId === undefined ? {} : { SenderId: fixture.senderId }),
    },
    messageAttributes: fixture.messageAttributes,
  };
}
