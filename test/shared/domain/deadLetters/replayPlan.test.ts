import { describe, expect, it } from "vitest";
import { classifyDeadLetter } from "../../../../shared/domain/deadLetters/deadLetter.ts";
import {
  invokableFunction,
  planReplay,
  SUPERSEDED,
} from "../../../../shared/domain/deadLetters/replayPlan.ts";
import {
  ALARM_EVENT,
  type DeadLetterFixture,
  EVALUATE_ARN,
  handWritten,
  INGEST_ARN,
  ingestBatchFailure,
  iotBasicIngestError,
  iotLifecycleError,
  iotTelemetryError,
  LIFECYCLE_EVENT,
  lambdaFailure,
  NOTIFY_ARN,
  notifyTargetFailure,
  received,
  STREAM_ARN,
  schedulerFailure,
  streamBatchFailure,
  TELEMETRY_PAYLOAD_BASE64,
  TELEMETRY_RULE_EVENT,
  WEBHOOK_RULE,
  webhookTargetFailure,
} from "./fixtures.ts";

const SENT = 1_764_072_191_000;

function plan(fixture: DeadLetterFixture, options = { forceDelete: false }) {
  return planReplay(classifyDeadLetter(received(fixture, { sentTimestamp: SENT })), options);
}

function patched(fixture: DeadLetterFixture, change: Record<string, unknown>): DeadLetterFixture {
  return { ...fixture, body: JSON.stringify({ ...(JSON.parse(fixture.body) as object), ...change }) };
}

describe("planReplay", () => {
  it("invokes the function of a Lambda failure record with its original event, unqualified for $LATEST", () => {
    expect(plan(lambdaFailure)).toEqual({
      action: "redrive",
      steps: [{ kind: "invoke", functionName: INGEST_ARN, payload: TELEMETRY_RULE_EVENT }],
    });
  });

  it("reads a discarded stream batch back and invokes its function, unqualified for $LATEST", () => {
    expect(plan(ingestBatchFailure)).toEqual({
      action: "redrive",
      steps: [
        {
          kind: "invoke-stream-batch",
          functionName: INGEST_ARN,
          batch: {
            streamArn: STREAM_ARN,
            shardId: "shardId-000000000001",
            startSequenceNumber: "49628139210948183734528409328453523425632473869374586882",
            endSequenceNumber: "49628139210948183734528409331975567873107396453618221058",
            batchSize: 500,
          },
        },
      ],
    });
  });

  it("keeps a stream batch whose stream is not a Kinesis stream", () => {
    const letter = streamBatchFailure({
      shardId: "shardId-000000000000",
      startSequenceNumber: "1",
      endSequenceNumber: "2",
      batchSize: 2,
      streamArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2026-11-25T00:00:00.000",
    });

    expect(plan(letter)).toEqual({
      action: "keep",
      reason: expect.stringMatching(/is not a Kinesis stream ARN/),
    });
  });

  it("rebuilds the telemetry rule's event for each failed action, receivedAt from SentTimestamp", () => {
    const event = {
      payload: TELEMETRY_PAYLOAD_BASE64,
      thingName: "oven-3",
      receivedAt: SENT,
      clientId: "oven-3",
    };

    expect(plan(iotTelemetryError)).toEqual({
      action: "redrive",
      steps: [
        { kind: "invoke", functionName: INGEST_ARN, payload: event },
        { kind: "invoke", functionName: EVALUATE_ARN, payload: event },
      ],
    });
  });

  it("takes the thing name from a Basic Ingest topic too", () => {
    const result = plan(iotBasicIngestError);

    expect(result.action === "redrive" && result.steps[0]).toMatchObject({
      functionName: EVALUATE_ARN,
      payload: { thingName: "press-7", clientId: "press-7" },
    });
  });

  it("rebuilds the lifecycle rule's event (SELECT *): the original JSON payload", () => {
    expect(plan(iotLifecycleError)).toEqual({
      action: "redrive",
      steps: [{ kind: "invoke", functionName: EVALUATE_ARN, payload: LIFECYCLE_EVENT }],
    });
  });

  it("invokes the notify function with the event EventBridge could not deliver", () => {
    expect(plan(notifyTargetFailure)).toEqual({
      action: "redrive",
      steps: [{ kind: "invoke", functionName: NOTIFY_ARN, payload: ALARM_EVENT }],
    });
  });

  it("puts a webhook's event on the bus again, addressed to its rule only", () => {
    expect(plan(webhookTargetFailure)).toEqual({
      action: "redrive",
      steps: [
        {
          kind: "put-event",
          source: "plantwatch",
          detailType: "Alarm State Change",
          detail: { ...ALARM_EVENT.detail, replayTo: WEBHOOK_RULE },
          resources: [],
        },
      ],
    });
  });

  it("removes a Scheduler dead letter as superseded by the next sweep", () => {
    expect(plan(schedulerFailure)).toEqual({ action: "remove", reason: SUPERSEDED });
  });

  it("keeps an unknown message, and removes it only with --force-delete", () => {
    expect(plan(handWritten)).toMatchObject({
      action: "keep",
      reason: expect.stringMatching(/^unknown shape/),
    });
    expect(plan(handWritten, { forceDelete: true })).toMatchObject({ action: "remove" });
  });

  it.each([
    [
      "a topic that is not a telemetry topic",
      patched(iotTelemetryError, { topic: "dt/plantwatch/oven-3/status" }),
      /not a telemetry topic/,
    ],
    [
      "a thing name IoT would not allow",
      patched(iotTelemetryError, { topic: "dt/plantwatch/oven 3/telemetry" }),
      /not a telemetry topic/,
    ],
    [
      "a rule that is not plantwatch's",
      patched(iotTelemetryError, { ruleName: "someone_elses_rule" }),
      /not a plantwatch rule/,
    ],
    [
      "a failed action that is not Lambda",
      patched(iotTelemetryError, {
        failures: [{ failedAction: "S3Action", failedResource: "bucket", errorMessage: "NoSuchBucket" }],
      }),
      /S3Action on bucket is not a Lambda action/,
    ],
    [
      "a lifecycle payload that is not JSON",
      patched(iotLifecycleError, { base64OriginalPayload: Buffer.from("offline").toString("base64") }),
      /not a JSON object/,
    ],
    [
      "a Lambda record naming something that is not a function",
      patched(lambdaFailure, {
        requestContext: {
          ...JSON.parse(lambdaFailure.body).requestContext,
          functionArn: "arn:aws:sqs:eu-west-1:123456789012:q",
        },
      }),
      /is not a Lambda function ARN/,
    ],
    [
      "an EventBridge target that is neither a function nor an API destination",
      {
        ...notifyTargetFailure,
        messageAttributes: {
          ...notifyTargetFailure.messageAttributes,
          TARGET_ARN: "arn:aws:sqs:eu-west-1:123456789012:q",
        },
      },
      /neither a Lambda function nor an API destination/,
    ],
    [
      "an API destination whose RULE_ARN is not a rule",
      {
        ...webhookTargetFailure,
        messageAttributes: {
          ...webhookTargetFailure.messageAttributes,
          RULE_ARN: "arn:aws:events:eu-west-1:123456789012:event-bus/plantwatch",
        },
      },
      /is not an EventBridge rule ARN/,
    ],
  ])("keeps %s, saying why it cannot be replayed", (_case, fixture, reason) => {
    const result = plan(fixture);

    expect(result.action).toBe("keep");
    expect(result.action === "keep" && result.reason).toMatch(/^cannot replay: /);
    expect(result.action === "keep" && result.reason).toMatch(reason);
  });

  it("keeps a telemetry error without SentTimestamp rather than invent receivedAt", () => {
    const letter = classifyDeadLetter({ ...received(iotTelemetryError), attributes: {} });

    expect(planReplay(letter, { forceDelete: false })).toMatchObject({
      action: "keep",
      reason: expect.stringMatching(/no SentTimestamp/),
    });
  });
});

describe("invokableFunction", () => {
  it.each([
    [`${INGEST_ARN}:$LATEST`, INGEST_ARN],
    [INGEST_ARN, INGEST_ARN],
    [`${INGEST_ARN}:7`, `${INGEST_ARN}:7`],
    [`${INGEST_ARN}:live`, `${INGEST_ARN}:live`],
    ["arn:aws:events:eu-west-1:123456789012:rule/x", undefined],
    ["plantwatch-dev-Ingest", undefined],
  ])("%s -> %s", (arn, expected) => {
    expect(invokableFunction(arn)).toBe(expected);
  });
});
