import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { awsRedrive, RedriveRefusedError } from "../../../../shared/adapters/aws/redriveTargets.ts";
import type { RedriveStep } from "../../../../shared/domain/deadLetters/replayPlan.ts";
import { TEST_CLIENT_CONFIG } from "../../../support/awsClients.ts";
import { INGEST_ARN } from "../../domain/deadLetters/fixtures.ts";

const lambdaClient = new LambdaClient(TEST_CLIENT_CONFIG);
const eventBridgeClient = new EventBridgeClient(TEST_CLIENT_CONFIG);
const kinesisClient = new KinesisClient(TEST_CLIENT_CONFIG);
const lambda = mockClient(lambdaClient);
const eventBridge = mockClient(eventBridgeClient);

const invoke: RedriveStep = { kind: "invoke", functionName: INGEST_ARN, payload: { a: 1 } };
const putEvent: RedriveStep = {
  kind: "put-event",
  source: "plantwatch",
  detailType: "Alarm State Change",
  detail: { alarmId: "oven-overheat:oven-3", replayTo: "plantwatch-dev-webhook-teams" },
  resources: [],
};

describe("awsRedrive", () => {
  afterEach(() => {
    lambda.reset();
    eventBridge.reset();
  });

  it("refuses an Invoke that Lambda answered with anything but 202 (it ran synchronously, or not at all)", async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    const run = awsRedrive({ lambda: lambdaClient, kinesis: kinesisClient, eventBridge: eventBridgeClient });

    await expect(run(invoke)).rejects.toThrow(
      new RedriveRefusedError(`Invoke ${INGEST_ARN} answered 200, not 202`),
    );
    expect(lambda.commandCalls(InvokeCommand)[0]?.args[0].input).toMatchObject({ InvocationType: "Event" });
  });

  it("refuses a put without a bus before calling EventBridge", async () => {
    const run = awsRedrive({ lambda: lambdaClient, kinesis: kinesisClient, eventBridge: eventBridgeClient });

    await expect(run(putEvent)).rejects.toThrow(/no event bus/);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it("refuses a put whose entry failed, naming EventBridge's error code", async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded." }],
    });
    const run = awsRedrive({
      lambda: lambdaClient,
      kinesis: kinesisClient,
      eventBridge: eventBridgeClient,
      eventBusName: "plantwatch",
    });

    await expect(run(putEvent)).rejects.toThrow(
      "PutEvents to plantwatch failed: ThrottlingException: Rate exceeded.",
    );
  });

  it("passes an SDK error through, for the caller to classify", async () => {
    lambda.on(InvokeCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const run = awsRedrive({ lambda: lambdaClient, kinesis: kinesisClient, eventBridge: eventBridgeClient });

    await expect(run(invoke)).rejects.toMatchObject({ name: "AccessDeniedException" });
  });
});
