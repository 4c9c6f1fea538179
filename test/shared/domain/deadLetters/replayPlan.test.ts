import { describe, expect, it } from "vitest";
import { classifyDeadLetter } from "../../../../shared/domain/deadLetters/deadLetter.ts";
import { replayAllowlistOf } from "../../../../shared/domain/deadLetters/replayAllowlist.ts";
import { planReplay, SUPERSEDED } from "../../../../shared/domain/deadLetters/replayPlan.ts";
import {
  ALARM_EVENT,
  ALARM_NOTIFICATION_EVENT,
  ALLOWLIST,
  API_DESTINATION_ARN,
  busFailure,
  type DeadLetterFixture,
  EVALUATE_ARN,
  EVENTBRIDGE_SENDER,
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
  ROLE_IDS,
  received,
  STACK_ID,
  STACK_OUTPUTS,
  STREAM_ARN,
  schedulerFailure,
  streamBatchFailure,
  TELEMETRY_PAYLOAD_BASE64,
  TELEMETRY_RULE_EVENT,
  WEBHOOK_RULE,
  webhookTargetFailure,
} from "./fixtures.ts";

const SENT = 1_764_072_191_000;

function plan(fixture: DeadLetterFixture, options = { forceDelete: false, allowlist: ALLOWLIST }) {
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

  it("keeps a stream batch whose stream is not this stack's telemetry stream", () => {
    const letter = streamBatchFailure({
      shardId: "shardId-000000000000",
      startSequenceNumber: "1",
      endSequenceNumber: "2",
      batchSize: 2,
      streamArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/2026-11-25T00:00:00.000",
    });

    expect(plan(letter)).toEqual({
      action: "keep",
      reason: expect.stringMatching(/is not this stack's telemetry stream/),
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
          detailType: "Alarm Notification",
          detail: { ...ALARM_NOTIFICATION_EVENT.detail, replayTo: WEBHOOK_RULE },
          resources: [],
        },
      ],
    });
  });

  it("puts an event the bus could not process back on the bus as it was, for every rule", () => {
    expect(plan(busFailure)).toEqual({
      action: "redrive",
      steps: [
        {
          kind: "put-event",
          source: "plantwatch",
          detailType: "Alarm State Change",
          detail: ALARM_EVENT.detail,
          resources: [],
        },
      ],
    });
  });

  it.each([
    ["another source", { ...ALARM_EVENT, source: "aws.ec2" }, /source aws.ec2 is not plantwatch/],
    [
      "a detail type the stack never puts",
      { ...ALARM_EVENT, "detail-type": "Payroll Run" },
      /Payroll Run is not an event this stack puts on its bus/,
    ],
  ])("keeps a bus dead letter with %s", (_case, event, reason) => {
    const result = plan({ ...busFailure, body: JSON.stringify(event) });

    expect(result.action === "keep" && result.reason).toMatch(reason);
  });

  it("removes a Scheduler dead letter as superseded by the next sweep", () => {
    expect(plan(schedulerFailure)).toEqual({ action: "remove", reason: SUPERSEDED });
  });

  it("keeps an unknown message, and removes it only with --force-delete", () => {
    expect(plan(handWritten)).toMatchObject({
      action: "keep",
      reason: expect.stringMatching(/^unknown shape/),
    });
    expect(plan(handWritten, { forceDelete: true, allowlist: ALLOWLIST })).toMatchObject({
      action: "remove",
    });
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
      /rule someone_elses_rule is not one of this stack's IoT rules/,
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
    const letter = classifyDeadLetter({
      ...received(iotTelemetryError),
      attributes: { SenderId: `${ROLE_IDS.telemetryRule}:5e6f7a8b` },
    });

    expect(planReplay(letter, { forceDelete: false, allowlist: ALLOWLIST })).toMatchObject({
      action: "keep",
      reason: expect.stringMatching(/no SentTimestamp/),
    });
  });
});

/**
 * A dead letter is data: anyone who can send to the queue writes it. These are the plans an attacker
 * would need replay (with the operator's credentials) to carry out.
 */
describe("planReplay keeps what is not this stack's", () => {
  const OTHER_ACCOUNT = "210987654321";
  const withSender = (fixture: DeadLetterFixture, senderId: string): DeadLetterFixture => ({
    ...fixture,
    senderId,
  });
  const lambdaRecordFor = (functionArn: string) =>
    patched(lambdaFailure, {
      requestContext: { ...JSON.parse(lambdaFailure.body).requestContext, functionArn },
    });
  const eventBridgeLetter = (
    fixture: DeadLetterFixture,
    attributes: Record<string, string>,
    event?: Record<string, unknown>,
  ): DeadLetterFixture => ({
    ...fixture,
    ...(event === undefined ? {} : { body: JSON.stringify(event) }),
    messageAttributes: { ...fixture.messageAttributes, ...attributes },
  });

  it.each([
    [
      "a function in another account",
      lambdaRecordFor(`arn:aws:lambda:eu-west-1:${OTHER_ACCOUNT}:function:plantwatch-dev-Ingest`),
      /is not this stack's ingest or evaluate or sweep or notify function/,
    ],
    [
      "another function of this account",
      lambdaRecordFor("arn:aws:lambda:eu-west-1:123456789012:function:payroll-export"),
      /payroll-export is not this stack's/,
    ],
    [
      "this stack's function in another region",
      lambdaRecordFor("arn:aws:lambda:us-east-1:123456789012:function:plantwatch-dev-Ingest"),
      /is not this stack's/,
    ],
    [
      "a stream batch read from another stream of this account",
      streamBatchFailure({
        shardId: "shardId-000000000000",
        startSequenceNumber: "1",
        endSequenceNumber: "2",
        batchSize: 2,
        streamArn: "arn:aws:kinesis:eu-west-1:123456789012:stream/customer-orders",
      }),
      /customer-orders is not this stack's telemetry stream/,
    ],
    [
      "a stream batch handed to a function that does not consume the stream",
      streamBatchFailure(
        { shardId: "shardId-000000000000", startSequenceNumber: "1", endSequenceNumber: "2", batchSize: 2 },
        { functionArn: NOTIFY_ARN },
      ),
      /is not this stack's ingest or evaluate function/,
    ],
    [
      "an IoT rule error naming another function",
      patched(iotTelemetryError, {
        failures: [
          {
            failedAction: "LambdaAction",
            failedResource: "arn:aws:lambda:eu-west-1:123456789012:function:payroll-export",
            errorMessage: "throttled",
          },
        ],
      }),
      /payroll-export is not this stack's ingest or evaluate function/,
    ],
    [
      "an IoT rule error naming a function by bare name",
      patched(iotTelemetryError, {
        failures: [{ failedAction: "LambdaAction", failedResource: "payroll-export", errorMessage: "x" }],
      }),
      /payroll-export is not a Lambda function ARN/,
    ],
    [
      "an IoT rule error from another deployment's telemetry rule",
      patched(iotTelemetryError, { ruleName: "plantwatch_prod_telemetry" }),
      /rule plantwatch_prod_telemetry is not one of this stack's IoT rules/,
    ],
    [
      "a forged alarm event for a webhook rule (it would page on-call)",
      eventBridgeLetter(webhookTargetFailure, {}, ALARM_EVENT),
      /webhook rules send Alarm Notification events, not Alarm State Change/,
    ],
    [
      "a webhook re-drive to a rule that is not a webhook's",
      eventBridgeLetter(webhookTargetFailure, {
        RULE_ARN: "arn:aws:events:eu-west-1:123456789012:rule/plantwatch/plantwatch-dev-notify",
      }),
      /is not one of this stack's webhooks \(plantwatch-dev-webhook-\*\)/,
    ],
    [
      "a rule on another bus",
      eventBridgeLetter(webhookTargetFailure, {
        RULE_ARN: `arn:aws:events:eu-west-1:123456789012:rule/default/${WEBHOOK_RULE}`,
      }),
      /is not on this stack's bus plantwatch/,
    ],
    [
      "a rule in another account",
      eventBridgeLetter(webhookTargetFailure, {
        RULE_ARN: `arn:aws:events:eu-west-1:${OTHER_ACCOUNT}:rule/plantwatch/${WEBHOOK_RULE}`,
      }),
      /is not on this stack's bus/,
    ],
    [
      "an event of another source",
      eventBridgeLetter(notifyTargetFailure, {}, { ...ALARM_EVENT, source: "aws.ec2" }),
      /source aws.ec2 is not plantwatch/,
    ],
    [
      "an EventBridge letter invoking another function",
      eventBridgeLetter(notifyTargetFailure, {
        TARGET_ARN: "arn:aws:lambda:eu-west-1:123456789012:function:payroll-export",
      }),
      /is not this stack's notify function/,
    ],
    [
      "a telemetry error sent by an IAM user of the account",
      withSender(iotTelemetryError, "AIDAOPERATORUSER00001"),
      /sent by AIDAOPERATORUSER00001, which is none of the roles that send failures/,
    ],
    [
      "a Lambda record whose session name imitates a stack role",
      withSender(lambdaFailure, `AROASOMEOTHERROLE0001:${ROLE_IDS.ingest}`),
      /none of the roles that send failures/,
    ],
    [
      "an EventBridge letter sent by one of the stack's roles",
      withSender(notifyTargetFailure, `${ROLE_IDS.notify}:plantwatch-dev-Notify`),
      /a role of this stack; EventBridge sends these itself/,
    ],
  ])("%s", (_case, fixture, reason) => {
    const result = plan(fixture);

    expect(result).toEqual({ action: "keep", reason: expect.stringMatching(/^cannot replay: /) });
    expect(result.action === "keep" && result.reason).toMatch(reason);
  });

  it("keeps a message SQS reported no sender for", () => {
    const letter = classifyDeadLetter({
      ...received(lambdaFailure),
      attributes: { SentTimestamp: String(SENT) },
    });

    expect(planReplay(letter, { forceDelete: false, allowlist: ALLOWLIST })).toEqual({
      action: "keep",
      reason: "cannot replay: SQS reported no SenderId for it",
    });
  });

  it("re-drives EventBridge's own dead letters whatever its (unpublished) sender id", () => {
    expect(plan(withSender(webhookTargetFailure, EVENTBRIDGE_SENDER)).action).toBe("redrive");
    expect(plan(withSender(webhookTargetFailure, "AIDASOMEOTHERAWSID001")).action).toBe("redrive");
    expect(API_DESTINATION_ARN).toContain(":123456789012:");
  });
});

describe("replayAllowlistOf", () => {
  it("reads the stack's partition, region and account from its id, and its targets from its outputs", () => {
    expect(replayAllowlistOf(STACK_ID, STACK_OUTPUTS)).toEqual(ALLOWLIST);
  });

  it("has no stream outside stream mode", () => {
    const { TelemetryStreamArn: _, ...direct } = STACK_OUTPUTS;

    expect(replayAllowlistOf(STACK_ID, direct)).not.toHaveProperty("telemetryStreamArn");
  });

  it("names the outputs a stack deployed before replay checked its targets lacks", () => {
    const { DeadLetterSenderIds: _, LifecycleRuleName: __, ...old } = STACK_OUTPUTS;

    expect(replayAllowlistOf(STACK_ID, old)).toEqual({
      missing: ["LifecycleRuleName", "DeadLetterSenderIds"],
    });
  });

  it("refuses an id that is not a stack ARN", () => {
    expect(replayAllowlistOf("plantwatch-dev", STACK_OUTPUTS)).toEqual({
      missing: ["a CloudFormation stack ARN (got plantwatch-dev)"],
    });
  });
});
