import { describe, expect, it } from "vitest";
import { classifyDeadLetter } from "../../../../shared/domain/deadLetters/deadLetter.ts";
import {
  ALARM_NOTIFICATION_EVENT,
  API_DESTINATION_ARN,
  busFailure,
  EVALUATE_ARN,
  handWritten,
  INGEST_ARN,
  ingestBatchFailure,
  iotLifecycleError,
  iotTelemetryError,
  lambdaEventAgeExceeded,
  lambdaFailure,
  notifyTargetFailure,
  received,
  STREAM_ARN,
  SWEEP_ARN,
  schedulerFailure,
  streamBatchFailure,
  TELEMETRY_PAYLOAD_BASE64,
  TELEMETRY_RULE_EVENT,
  WEBHOOK_RULE_ARN,
  webhookTargetFailure,
} from "./fixtures.ts";

describe("classifyDeadLetter", () => {
  it("reads a Lambda on-failure record: function, original event, condition and the function's error", () => {
    const letter = classifyDeadLetter(received(lambdaFailure, { sentTimestamp: 1_000, receiveCount: 4 }));

    expect(letter).toMatchObject({
      kind: "lambda-failure",
      functionArn: `${INGEST_ARN}:$LATEST`,
      requestPayload: TELEMETRY_RULE_EVENT,
      target: `${INGEST_ARN}:$LATEST`,
      sentAt: 1_000,
      receiveCount: 4,
    });
    expect(letter.error).toBe(
      "RetriesExhausted after 3 attempt(s): IngestIncompleteError: 1 sample(s) of 1 message(s) were not stored before the deadline; retrying",
    );
  });

  it("reads a Lambda record without a response (the event grew too old before a successful attempt)", () => {
    const letter = classifyDeadLetter(received(lambdaEventAgeExceeded));

    expect(letter.kind).toBe("lambda-failure");
    expect(letter.error).toBe("EventAgeExceeded after 1 attempt(s)");
  });

  it("reads a stream batch an event source mapping discarded: the function, the condition and where the records lie", () => {
    const letter = classifyDeadLetter(received(ingestBatchFailure));

    expect(letter).toMatchObject({
      kind: "stream-batch",
      functionArn: `${INGEST_ARN}:$LATEST`,
      target: `${INGEST_ARN}:$LATEST`,
      condition: "RetryAttemptsExhausted",
      batch: {
        streamArn: STREAM_ARN,
        shardId: "shardId-000000000001",
        startSequenceNumber: "49628139210948183734528409328453523425632473869374586882",
        endSequenceNumber: "49628139210948183734528409331975567873107396453618221058",
        batchSize: 500,
      },
    });
    expect(letter.error).toBe(
      "RetryAttemptsExhausted after 11 attempt(s): Unhandled error; 500 record(s) of shardId-000000000001, " +
        "sequence numbers 49628139210948183734528409328453523425632473869374586882 to 49628139210948183734528409331975567873107396453618221058",
    );
  });

  it("reads a stream batch whose records grew older than the mapping's maximum age", () => {
    const letter = classifyDeadLetter(
      received(
        streamBatchFailure(
          { shardId: "shardId-000000000000", startSequenceNumber: "1", endSequenceNumber: "2", batchSize: 2 },
          { functionArn: EVALUATE_ARN, condition: "RecordAgeExceeded" },
        ),
      ),
    );

    expect(letter).toMatchObject({
      kind: "stream-batch",
      condition: "RecordAgeExceeded",
      target: EVALUATE_ARN,
    });
    expect(letter.error).toMatch(
      /^RecordAgeExceeded after 4 attempt\(s\): Unhandled error; 2 record\(s\) of shardId-000000000000/,
    );
  });

  it("reads an IoT rule error message with every failed action", () => {
    const letter = classifyDeadLetter(received(iotTelemetryError));

    expect(letter).toMatchObject({
      kind: "iot-rule-error",
      ruleName: "plantwatch_dev_telemetry",
      topic: "dt/plantwatch/oven-3/telemetry",
      clientId: "oven-3",
      base64OriginalPayload: TELEMETRY_PAYLOAD_BASE64,
      target: `${INGEST_ARN}, ${EVALUATE_ARN}`,
    });
    expect(letter.kind === "iot-rule-error" && letter.failures).toHaveLength(2);
    expect(letter.error).toMatch(/^LambdaAction: Failed to invoke lambda function.*; LambdaAction: /);
  });

  it("reads an EventBridge target dead letter: the event in the body, the details in message attributes", () => {
    const letter = classifyDeadLetter(received(webhookTargetFailure));

    expect(letter).toMatchObject({
      kind: "eventbridge-target",
      ruleArn: WEBHOOK_RULE_ARN,
      targetArn: API_DESTINATION_ARN,
      target: API_DESTINATION_ARN,
      event: {
        source: "plantwatch",
        detailType: "Alarm Notification",
        detail: ALARM_NOTIFICATION_EVENT.detail,
        resources: [],
        raw: ALARM_NOTIFICATION_EVENT,
      },
    });
    expect(letter.error).toBe(
      "SDK_CLIENT_ERROR: Unable to invoke ApiDestination endpoint: The endpoint responded with 503 Service Unavailable.",
    );
  });

  it("reads an event the alarm bus itself could not process: the event in the body, no rule or target", () => {
    const letter = classifyDeadLetter(received(busFailure));

    expect(letter).toMatchObject({
      kind: "eventbridge-bus",
      target: "event bus",
      error: "KMS_KEY_DISABLED: The customer managed key of the event bus is disabled.",
      event: { source: "plantwatch", detailType: "Alarm State Change", resources: [] },
    });
  });

  it("tells a Scheduler dead letter from an EventBridge one by the missing rule ARN", () => {
    const letter = classifyDeadLetter(received(schedulerFailure));

    expect(letter).toMatchObject({
      kind: "scheduler",
      targetArn: SWEEP_ARN,
      scheduleArn: expect.stringContaining(":schedule/"),
      error: "TooManyRequestsException: Rate Exceeded.",
    });
  });

  it.each([
    ["a body that is not JSON", handWritten.body, {}, /not JSON/],
    ["a JSON array", "[1, 2]", {}, /neither a Lambda failure record nor an IoT rule error/],
    [
      "a Lambda record without requestPayload",
      withoutField(lambdaFailure.body, "requestPayload"),
      {},
      /neither/,
    ],
    [
      "a stream batch record whose sequence number is not a number",
      replaceField(ingestBatchFailure.body, "KinesisBatchInfo", {
        ...(JSON.parse(ingestBatchFailure.body) as { KinesisBatchInfo: object }).KinesisBatchInfo,
        startSequenceNumber: "latest",
      }),
      {},
      /neither/,
    ],
    ["an IoT message without failures", withoutField(iotTelemetryError.body, "failures"), {}, /neither/],
    [
      "an IoT message whose payload is not base64",
      replaceField(iotLifecycleError.body, "base64OriginalPayload", "not base64!"),
      {},
      /neither/,
    ],
    [
      "an EventBridge dead letter whose body is not an event",
      "{}",
      notifyTargetFailure.messageAttributes,
      /not an event with source, detail-type and detail/,
    ],
  ])("calls %s unknown, with the reason", (_case, body, messageAttributes, reason) => {
    const letter = classifyDeadLetter(received({ body, messageAttributes }));

    expect(letter.kind).toBe("unknown");
    expect(letter.kind === "unknown" && letter.reason).toMatch(reason);
  });

  it("leaves age and receive count out when SQS did not return them", () => {
    const letter = classifyDeadLetter({
      messageId: "m-1",
      body: lambdaFailure.body,
      attributes: {},
      messageAttributes: {},
    });

    expect(letter).not.toHaveProperty("sentAt");
    expect(letter).not.toHaveProperty("receiveCount");
  });
});

function withoutField(json: string, field: string): string {
  const { [field]: _removed, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify(rest);
}

function replaceField(json: string, field: string, value: unknown): string {
  return JSON.stringify({ ...(JSON.parse(json) as Record<string, unknown>), [field]: value });
}
