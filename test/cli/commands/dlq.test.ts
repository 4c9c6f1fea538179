import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DlqDependencies, dlqCommand } from "../../../cli/commands/dlq.ts";
import {
  ALARM_EVENT,
  ALARM_NOTIFICATION_EVENT,
  type DeadLetterFixture,
  EVALUATE_ARN,
  handWritten,
  INGEST_ARN,
  iotTelemetryError,
  lambdaFailure,
  NOTIFY_ARN,
  notifyTargetFailure,
  STACK_OUTPUTS,
  schedulerFailure,
  streamBatchFailure,
  TELEMETRY_PAYLOAD_BASE64,
  TELEMETRY_RULE_EVENT,
  WEBHOOK_RULE,
  webhookTargetFailure,
} from "../../shared/domain/deadLetters/fixtures.ts";
import { type CliRun, runCli } from "../../support/cliHarness.ts";
import { type FakeDeployment, startFakeDeployment } from "../../support/fakeDeployment.ts";
import {
  type FakeEventBridge,
  localEventBridgeClient,
  startFakeEventBridge,
} from "../../support/fakeEventBridge.ts";
import { type FakeKinesis, localKinesisClient, startFakeKinesis } from "../../support/fakeKinesis.ts";
import { type FakeLambda, localLambdaClient, startFakeLambda } from "../../support/fakeLambda.ts";
import { type FakeSqs, localSqsClient, startFakeSqs } from "../../support/fakeSqs.ts";
import { manualClock } from "../../support/testClock.ts";

const NOW = Date.parse("2026-11-25T14:00:00.000Z");
/** The commands see this time only: message ages are measured against it. */
const clock = manualClock(NOW);
const BUS = STACK_OUTPUTS.EventBusName;

describe("plantwatch dlq", () => {
  let sqs: FakeSqs;
  let kinesis: FakeKinesis;
  let lambda: FakeLambda;
  let eventBridge: FakeEventBridge;
  /** The stack: replay trusts only its outputs' functions, stream, rules and roles. */
  let stack: FakeDeployment;

  beforeAll(async () => {
    [lambda, eventBridge, stack] = await Promise.all([
      startFakeLambda(),
      startFakeEventBridge(),
      startFakeDeployment({
        stackName: "plantwatch-dev",
        outputs: { ...STACK_OUTPUTS },
        alarmActionSummary: undefined,
        subscriptions: [],
        ingest: () => ({ payload: null }),
        rules: {},
        queue: { visible: 0, inFlight: 0 },
      }),
    ]);
  });
  beforeEach(async () => {
    // A fresh queue and stream per test; the Lambda and EventBridge fakes are read by what each test sent.
    [sqs, kinesis] = await Promise.all([startFakeSqs(), startFakeKinesis()]);
    return () => Promise.all([sqs.stop(), kinesis.stop()]).then(() => undefined);
  });
  afterAll(async () => {
    await Promise.all([lambda.stop(), eventBridge.stop(), stack.stop()]);
  });

  /** Runs `plantwatch dlq ...` in this process against the fakes, with a terminal only if `interactive`. */
  async function plantwatchDlq(
    args: readonly string[],
    terminal: { interactive?: boolean; answer?: boolean; target?: readonly string[] } = {},
  ): Promise<CliRun> {
    const dependencies: DlqDependencies = {
      clients: () => ({
        sqs: localSqsClient(sqs.endpoint),
        lambda: localLambdaClient(lambda.endpoint),
        kinesis: localKinesisClient(kinesis.endpoint),
        eventBridge: localEventBridgeClient(eventBridge.endpoint),
        cloudFormation: stack.clients().cloudFormation,
      }),
      now: clock.now,
    };
    const target = terminal.target ?? ["--queue-url", sqs.queueUrl];
    return runCli((io) => dlqCommand(io, dependencies), [...args, ...target], terminal);
  }

  function park(fixture: DeadLetterFixture, sentTimestamp = NOW - 3 * 3_600_000 - 5 * 60_000): string {
    return sqs.send({ ...fixture, sentTimestamp });
  }

  /** What the fakes received during `run`. */
  async function watching(run: () => Promise<CliRun>) {
    const invocationsBefore = lambda.requests.length;
    const putEventsBefore = eventBridge.putEventsRequests().length;
    const result = await run();
    return {
      ...result,
      invocations: lambda.requests.slice(invocationsBefore),
      putEvents: eventBridge.putEventsRequests().slice(putEventsBefore),
    };
  }

  const remaining = () => sqs.messages().map((message) => message.messageId);
  const operations = () => sqs.requests.map((request) => request.operation);

  describe("list", () => {
    it("prints id, age, kind, target, error and receive count of every message, then makes them visible again", async () => {
      const ids = [
        park(lambdaFailure),
        park(iotTelemetryError, NOW - 45_000),
        park(webhookTargetFailure, NOW - 2 * 86_400_000 - 4 * 3_600_000),
        park(schedulerFailure, NOW - 12 * 60_000),
        park(handWritten),
      ];

      const { code, stdout } = await plantwatchDlq(["list"]);

      expect(code).toBe(0);
      const lines = stdout.trimEnd().split("\n");
      expect(lines[0]).toBe(`${sqs.queueUrl}: 5 message(s)`);
      expect(lines[1]).toMatch(/^MESSAGE ID\s+AGE\s+KIND\s+TARGET\s+ERROR\s+RECEIVES$/);
      const row = (id: string) => lines.find((line) => line.startsWith(id)) ?? "";
      expect(row(ids[0] as string)).toMatch(
        /3h 5m\s+lambda-failure\s+function:plantwatch-dev-Ingest:\$LATEST\s+RetriesExhausted after 3 attempt\(s\): IngestIncompleteError: .*…\s+1$/,
      );
      expect(row(ids[1] as string)).toMatch(
        /45s\s+iot-rule-error\s+function:plantwatch-dev-Ingest, function:plantwatch-dev-Evaluate\s+LambdaAction: /,
      );
      expect(row(ids[2] as string)).toMatch(
        /2d 4h\s+eventbridge-target\s+api-destination\/plantwatch-dev-teams\/\S+\s+SDK_CLIENT_ERROR: /,
      );
      expect(row(ids[3] as string)).toMatch(
        /12m\s+scheduler\s+function:plantwatch-dev-Sweep\s+TooManyRequestsException: Rate Exceeded\.\s+1$/,
      );
      expect(row(ids[4] as string)).toMatch(/unknown\s+-\s+the body is not JSON/);

      const receive = sqs.requests.find((request) => request.operation === "ReceiveMessage")?.body;
      expect(receive).toMatchObject({
        VisibilityTimeout: 30,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      });
      expect(sqs.messages().every((message) => message.visible)).toBe(true);
      expect(operations()).not.toContain("DeleteMessage");
    });

    it("prints a JSON array that parses, with every field and the age in seconds", async () => {
      const id = park(webhookTargetFailure, NOW - 90_000);
      park(handWritten);

      const { code, stdout } = await plantwatchDlq(["list", "--json"]);

      expect(code).toBe(0);
      const entries = JSON.parse(stdout) as Record<string, unknown>[];
      expect(entries).toHaveLength(2);
      expect(entries.find((entry) => entry.messageId === id)).toMatchObject({
        kind: "eventbridge-target",
        ageSeconds: 90,
        sentAt: new Date(NOW - 90_000).toISOString(),
        receiveCount: 1,
        ruleArn: expect.stringContaining(WEBHOOK_RULE),
        event: { detailType: "Alarm Notification" },
      });
    });

    it("says so for an empty queue, and --json prints []", async () => {
      expect((await plantwatchDlq(["list"])).stdout).toBe(`${sqs.queueUrl}: 0 message(s)\n`);
      expect(JSON.parse((await plantwatchDlq(["list", "--json"])).stdout)).toEqual([]);
    });

    it("receives at most --max messages, ten per request, and says there may be more", async () => {
      for (let index = 0; index < 13; index++) park(lambdaFailure);

      const { stdout } = await plantwatchDlq(["list", "--max", "11"]);

      expect(stdout.split("\n")[0]).toBe(`${sqs.queueUrl}: 11 message(s) (--max reached; there may be more)`);
      const receives = sqs.requests.filter((request) => request.operation === "ReceiveMessage");
      expect(receives.map((request) => request.body.MaxNumberOfMessages)).toEqual([10, 1]);
    });

    it.each(["0", "1001", "ten"])("refuses --max %s", async (max) => {
      const { code, stderr } = await plantwatchDlq(["list", "--max", max]);

      expect(code).toBe(1);
      expect(stderr).toMatch(/expected a whole number from 1 to 1000/);
      expect(sqs.requests).toHaveLength(0);
    });

    it("exits 2 with the service's error when the queue may not be read", async () => {
      sqs.fail("ReceiveMessage", "accessDenied");

      const { code, stderr } = await plantwatchDlq(["list"]);

      expect(code).toBe(2);
      expect(stderr).toMatch(/not authorized to perform: sqs:ReceiveMessage/);
    });

    it("needs --queue-url with --endpoint, which has no stack outputs", async () => {
      const { code, stderr } = await plantwatchDlq(["list"], { target: ["--endpoint", sqs.endpoint] });

      expect(code).toBe(1);
      expect(stderr).toMatch(/--endpoint needs --queue-url/);
    });
  });

  describe("replay", () => {
    it("re-drives each kind where it was going, deletes it, and keeps the unknown one", async () => {
      const failed = park(lambdaFailure);
      const iot = park(iotTelemetryError, 1_764_072_191_000);
      const notify = park(notifyTargetFailure);
      const webhook = park(webhookTargetFailure);
      const scheduled = park(schedulerFailure);
      const unknown = park(handWritten);

      const { code, stdout, stderr, invocations, putEvents } = await watching(() =>
        plantwatchDlq(["replay", "--yes"]),
      );

      expect(invocations).toEqual([
        { functionName: INGEST_ARN, invocationType: "Event", payload: TELEMETRY_RULE_EVENT, status: 202 },
        ...[INGEST_ARN, EVALUATE_ARN].map((functionName) => ({
          functionName,
          invocationType: "Event",
          payload: {
            payload: TELEMETRY_PAYLOAD_BASE64,
            thingName: "oven-3",
            receivedAt: 1_764_072_191_000,
            clientId: "oven-3",
          },
          status: 202,
        })),
        { functionName: NOTIFY_ARN, invocationType: "Event", payload: ALARM_EVENT, status: 202 },
      ]);
      expect(putEvents).toEqual([
        {
          Entries: [
            {
              EventBusName: BUS,
              Source: "plantwatch",
              DetailType: "Alarm Notification",
              Detail: JSON.stringify({ ...ALARM_NOTIFICATION_EVENT.detail, replayTo: WEBHOOK_RULE }),
              Resources: [],
            },
          ],
        },
      ]);
      expect(remaining()).toEqual([unknown]);
      expect(sqs.messages()[0]?.visible).toBe(true);
      // The plan lists each message first; its outcome is the last line that starts with its id.
      const outcome = (id: string) => stdout.split("\n").findLast((line) => line.startsWith(id)) ?? "";
      for (const id of [failed, iot, notify, webhook]) expect(outcome(id)).toMatch(/\sreplayed\s/);
      expect(outcome(scheduled)).toMatch(/\sremoved\s+superseded by the next occurrence/);
      expect(outcome(unknown)).toMatch(/\skept\s+unknown shape .*--force-delete removes it/);
      expect(stderr).toMatch(/Replayed 4, removed 1, kept 1, failed 0, expired 0; 1 stay in the queue\./);
      expect(code).toBe(1);
    });

    it("exits 0 when every selected message is gone; --kind leaves the others untouched and visible", async () => {
      const unknown = park(handWritten);
      const scheduled = park(schedulerFailure);
      const failed = park(lambdaFailure);

      const { code, invocations } = await watching(() =>
        plantwatchDlq(["replay", "--yes", "--kind", "lambda-failure", "--kind", "scheduler"]),
      );

      expect(code).toBe(0);
      expect(invocations.map((invocation) => invocation.functionName)).toEqual([INGEST_ARN]);
      expect(remaining()).toEqual([unknown]);
      expect(sqs.messages()[0]).toMatchObject({ visible: true, receiveCount: 1 });
      expect([scheduled, failed].some((id) => remaining().includes(id))).toBe(false);
    });

    it("keeps a message whose re-drive failed, deletes the others, and exits 1", async () => {
      const iot = park(iotTelemetryError);
      const failed = park(lambdaFailure);
      lambda.fail("throttled", { where: (functionName) => functionName === EVALUATE_ARN });

      const { code, stdout, invocations } = await watching(() => plantwatchDlq(["replay", "--yes"]));

      expect(code).toBe(1);
      expect(remaining()).toEqual([iot]);
      expect(sqs.messages()[0]?.visible).toBe(true);
      expect(invocations.map(({ functionName, status }) => [functionName, status])).toEqual([
        [INGEST_ARN, 202],
        [EVALUATE_ARN, 429],
        [INGEST_ARN, 202],
      ]);
      const line = stdout.split("\n").findLast((candidate) => candidate.startsWith(iot)) ?? "";
      expect(line).toMatch(
        /failed\s+invoke .*plantwatch-dev-Evaluate \(async\) failed: TooManyRequestsException: .* \(after 1 of 2 step\(s\) succeeded\)/,
      );
      expect(stdout).toMatch(new RegExp(`${failed}\\s+lambda-failure\\s+replayed`));
    });

    it("keeps a webhook event that EventBridge did not accept", async () => {
      const webhook = park(webhookTargetFailure);
      eventBridge.failEntries("InternalFailure", {
        where: (detail) => (detail as { replayTo?: string }).replayTo === WEBHOOK_RULE,
      });

      const { code, stdout } = await plantwatchDlq(["replay", "--yes"]);

      expect(code).toBe(1);
      expect(remaining()).toEqual([webhook]);
      expect(stdout).toMatch(
        /failed\s+put "Alarm Notification" event for rule plantwatch-dev-webhook-teams failed: PutEvents to plantwatch failed: InternalFailure/,
      );
    });

    it("exits 2 when the functions may not be invoked, keeping the messages", async () => {
      const failed = park(lambdaFailure);
      lambda.fail("accessDenied");

      const { code, stdout } = await plantwatchDlq(["replay", "--yes"]);

      expect(code).toBe(2);
      expect(remaining()).toEqual([failed]);
      expect(stdout).toMatch(/AccessDeniedException: .*not authorized/);
    });

    it("reports a message re-driven but not deleted: it stays, and a later replay sends it again", async () => {
      const failed = park(lambdaFailure);
      sqs.refuseDelete(failed);

      const { code, stdout, invocations } = await watching(() => plantwatchDlq(["replay", "--yes"]));

      expect(code).toBe(1);
      expect(invocations).toHaveLength(1);
      expect(remaining()).toEqual([failed]);
      expect(stdout).toMatch(/failed\s+re-driven, but not deleted: .* \(a later replay sends it again\)/);
    });

    it("--dry-run shows the plan and changes nothing: no call, no delete, every message visible", async () => {
      const ids = [
        park(lambdaFailure),
        park(webhookTargetFailure),
        park(schedulerFailure),
        park(handWritten),
      ];

      const { code, stdout, invocations, putEvents } = await watching(() =>
        plantwatchDlq(["replay", "--dry-run"]),
      );

      expect(code).toBe(0);
      expect(invocations).toHaveLength(0);
      expect(putEvents).toHaveLength(0);
      expect(operations()).not.toContain("DeleteMessage");
      expect(remaining()).toEqual(ids);
      expect(sqs.messages().every((message) => message.visible)).toBe(true);
      expect(stdout).toMatch(
        /re-drive: invoke arn:aws:lambda:eu-west-1:123456789012:function:plantwatch-dev-Ingest \(async\)/,
      );
      expect(stdout).toMatch(
        /re-drive: put "Alarm Notification" event for rule plantwatch-dev-webhook-teams/,
      );
      expect(stdout).toMatch(/remove: superseded/);
      expect(stdout).toMatch(/keep: unknown shape/);
      expect(stdout).toMatch(/Dry run: nothing was re-driven or deleted\./);
    });

    it("without a terminal, refuses to run without --yes before receiving anything", async () => {
      park(lambdaFailure);

      const { code, stderr } = await plantwatchDlq(["replay"]);

      expect(code).toBe(1);
      expect(stderr).toMatch(/pass --yes/);
      expect(sqs.requests).toHaveLength(0);
    });

    it("asks at a terminal; no leaves everything in the queue and visible", async () => {
      const id = park(lambdaFailure);

      const { code, questions, stderr, invocations } = await watching(() =>
        plantwatchDlq(["replay"], { interactive: true, answer: false }),
      );

      expect(questions).toEqual(["Replay these 1 message(s)? [y/N] "]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/cancelled/);
      expect(invocations).toHaveLength(0);
      expect(remaining()).toEqual([id]);
      expect(sqs.messages()[0]?.visible).toBe(true);
    });

    it("replays at a terminal when the answer is yes", async () => {
      park(lambdaFailure);

      const { code } = await plantwatchDlq(["replay"], { interactive: true, answer: true });

      expect(code).toBe(0);
      expect(remaining()).toEqual([]);
    });

    it("--id replays only the messages named, and an --id not received exits 1", async () => {
      const chosen = park(lambdaFailure);
      const other = park(lambdaFailure);

      const { code, stderr } = await plantwatchDlq(["replay", "--yes", "--id", chosen, "--id", "no-such-id"]);

      expect(remaining()).toEqual([other]);
      expect(stderr).toMatch(/no-such-id: not among the 2 message\(s\) received/);
      expect(code).toBe(1);
    });

    it("--force-delete removes a message of unknown shape without a re-drive", async () => {
      park(handWritten);

      const { code, invocations } = await watching(() =>
        plantwatchDlq(["replay", "--yes", "--force-delete"]),
      );

      expect(code).toBe(0);
      expect(invocations).toHaveLength(0);
      expect(remaining()).toEqual([]);
    });

    it("--json prints the outcomes as an array that parses", async () => {
      const id = park(schedulerFailure);

      const { stdout } = await plantwatchDlq(["replay", "--yes", "--json"]);

      expect(JSON.parse(stdout)).toEqual([
        {
          messageId: id,
          kind: "scheduler",
          status: "removed",
          stays: false,
          detail: expect.stringMatching(/^superseded/),
        },
      ]);
    });

    it("refuses an unknown --kind", async () => {
      const { code, stderr } = await plantwatchDlq(["replay", "--yes", "--kind", "webhook"]);

      expect(code).toBe(1);
      expect(stderr).toMatch(
        /Allowed choices are lambda-failure, stream-batch, iot-rule-error, eventbridge-target, eventbridge-bus, scheduler, unknown/,
      );
    });

    it("refuses to run against --endpoint: a local endpoint has no stack to trust", async () => {
      park(webhookTargetFailure);
      park(lambdaFailure);

      const { code, stderr, invocations } = await watching(() =>
        plantwatchDlq(["replay", "--yes"], {
          target: ["--endpoint", sqs.endpoint, "--queue-url", sqs.queueUrl],
        }),
      );

      expect(code).toBe(1);
      expect(stderr).toMatch(/re-drives only to the stack's own functions, stream and rules.*--endpoint/);
      expect(invocations).toHaveLength(0);
      expect(operations()).not.toContain("ReceiveMessage");
    });

    it("keeps what someone planted: another account's function, a forged page, a foreign sender", async () => {
      const otherAccount = park({
        ...lambdaFailure,
        body: lambdaFailure.body.replaceAll("123456789012", "210987654321"),
      });
      const forgedPage = park({ ...webhookTargetFailure, body: JSON.stringify(ALARM_EVENT) });
      const byAUser = park({ ...iotTelemetryError, senderId: "AIDAOPERATORUSER00001" });
      const genuine = park(lambdaFailure);

      const { code, stdout, invocations, putEvents } = await watching(() =>
        plantwatchDlq(["replay", "--yes"]),
      );

      expect(code).toBe(1);
      expect(invocations.map((invocation) => invocation.functionName)).toEqual([INGEST_ARN]);
      expect(putEvents).toHaveLength(0);
      expect(remaining()).toEqual([otherAccount, forgedPage, byAUser]);
      expect(remaining()).not.toContain(genuine);
      const planned = (id: string) => stdout.split("\n").find((line) => line.startsWith(id)) ?? "";
      expect(planned(otherAccount)).toMatch(
        /keep: cannot replay: arn:aws:lambda:eu-west-1:210987654321:function:plantwatch-dev-Ingest:\$LATEST is not this stack's/,
      );
      expect(planned(forgedPage)).toMatch(
        /keep: cannot replay: webhook rules send Alarm Notification events/,
      );
      expect(planned(byAUser)).toMatch(/keep: cannot replay: sent by AIDAOPERATORUSER00001/);
    });

    it("shows control characters and escape sequences in the plan as escapes, never raw", async () => {
      const spoofed = park({
        ...iotTelemetryError,
        body: iotTelemetryError.body.replace(
          "plantwatch_dev_telemetry",
          "x\\u001b[2K\\u001b[1Gre-drive: invoke plantwatch-dev-Ingest\\u202e",
        ),
      });

      const { stdout } = await plantwatchDlq(["replay", "--dry-run"]);

      expect(stdout).not.toContain("\u001b");
      expect(stdout).not.toContain("\u202e");
      expect(stdout.split("\n").find((line) => line.startsWith(spoofed))).toMatch(
        /keep: cannot replay: rule x\\x1b\[2K\\x1b\[1Gre-drive: invoke plantwatch-dev-Ingest\\u202e is not one of this stack's IoT rules/,
      );
    });

    it("re-drives nothing, and receives nothing, from a stack deployed before replay checked its targets", async () => {
      const { DeadLetterSenderIds: _, ...outputs } = STACK_OUTPUTS;
      stack.state.outputs = outputs;
      park(lambdaFailure);
      try {
        const { code, stderr, invocations } = await watching(() => plantwatchDlq(["replay", "--yes"]));

        expect(code).toBe(2);
        expect(stderr).toMatch(/stack plantwatch-dev lacks DeadLetterSenderIds.*deploy the current version/);
        expect(invocations).toHaveLength(0);
        expect(operations()).not.toContain("ReceiveMessage");
      } finally {
        stack.state.outputs = { ...STACK_OUTPUTS };
      }
    });
  });

  describe("stream batches", () => {
    const SHARD = "shardId-000000000001";
    const ARRIVED = Date.parse("2026-11-25T11:58:01.500Z");

    /** Telemetry rule events as the stream holds them, one per thing and index. */
    function ruleEvents(count: number, padding = 0) {
      return Array.from({ length: count }, (_, index) => ({
        partitionKey: `oven-${index}`,
        arrivedAt: ARRIVED + index,
        data: JSON.stringify({
          payload: Buffer.from(JSON.stringify({ seq: index, pad: "x".repeat(padding) })).toString("base64"),
          thingName: `oven-${index}`,
          receivedAt: ARRIVED + index,
        }),
      }));
    }

    /** Puts a record before and after `records`, and a dead letter naming exactly `records`. */
    function discardedBatch(records: ReturnType<typeof ruleEvents>, functionArn = `${INGEST_ARN}:$LATEST`) {
      kinesis.put(SHARD, ruleEvents(1));
      const sequenceNumbers = kinesis.put(SHARD, records);
      kinesis.put(SHARD, ruleEvents(1));
      const location = {
        shardId: SHARD,
        startSequenceNumber: sequenceNumbers[0] ?? "",
        endSequenceNumber: sequenceNumbers.at(-1) ?? "",
        batchSize: records.length,
        streamArn: kinesis.streamArn,
      };
      return { id: park(streamBatchFailure(location, { functionArn })), sequenceNumbers, location };
    }

    const kinesisOperations = () => kinesis.requests.map((request) => request.operation);

    it("list shows the kind, the function, the condition and where the records lie", async () => {
      const { id, location } = discardedBatch(ruleEvents(3));

      const { code, stdout } = await plantwatchDlq(["list"]);

      expect(code).toBe(0);
      const row = stdout.split("\n").find((line) => line.startsWith(id)) ?? "";
      expect(row).toMatch(
        /3h 5m\s+stream-batch\s+function:plantwatch-dev-Ingest:\$LATEST\s+RetryAttemptsExhausted after 11 attempt\(s\): Unhandled error; 3 record/,
      );
      const [entry] = JSON.parse((await plantwatchDlq(["list", "--json"])).stdout) as Record<
        string,
        unknown
      >[];
      expect(entry).toMatchObject({
        kind: "stream-batch",
        condition: "RetryAttemptsExhausted",
        batch: location,
      });
      expect(kinesis.requests).toHaveLength(0);
    });

    it("replay reads exactly the batch's records, re-invokes the function with them in order, and deletes the message", async () => {
      const records = ruleEvents(5);
      const { id, sequenceNumbers } = discardedBatch(records, `${EVALUATE_ARN}:$LATEST`);
      kinesis.pageSize(2);

      const { code, stdout, invocations } = await watching(() => plantwatchDlq(["replay", "--yes"]));

      expect(code).toBe(0);
      expect(remaining()).toEqual([]);
      expect(invocations).toHaveLength(1);
      expect(invocations[0]).toMatchObject({
        functionName: EVALUATE_ARN,
        invocationType: "Event",
        status: 202,
      });
      expect(invocations[0]?.payload).toEqual({
        Records: records.map((record, index) => ({
          eventSource: "aws:kinesis",
          eventSourceARN: kinesis.streamArn,
          eventID: `${SHARD}:${sequenceNumbers[index]}`,
          eventName: "aws:kinesis:record",
          eventVersion: "1.0",
          invokeIdentityArn: EVALUATE_ARN,
          awsRegion: "eu-west-1",
          kinesis: {
            kinesisSchemaVersion: "1.0",
            partitionKey: record.partitionKey,
            sequenceNumber: sequenceNumbers[index],
            data: Buffer.from(record.data).toString("base64"),
            approximateArrivalTimestamp: record.arrivedAt / 1000,
          },
        })),
      });
      expect(kinesis.requests[0]).toMatchObject({
        operation: "GetShardIterator",
        contentType: "application/x-amz-json-1.1",
        body: {
          StreamARN: kinesis.streamArn,
          ShardId: SHARD,
          ShardIteratorType: "AT_SEQUENCE_NUMBER",
          StartingSequenceNumber: sequenceNumbers[0],
        },
      });
      // Pages of two: three reads hold the five records, and the third goes past the end.
      expect(kinesisOperations()).toEqual(["GetShardIterator", "GetRecords", "GetRecords", "GetRecords"]);
      expect(stdout).toMatch(
        new RegExp(`${id}\\s+stream-batch\\s+replayed\\s+read 5 record\\(s\\) of ${SHARD}`),
      );
    });

    it("splits a batch over Lambda's 256 KB asynchronous limit into several invocations, in order", async () => {
      const records = ruleEvents(6, 60_000);
      const { sequenceNumbers } = discardedBatch(records);

      const { code, invocations } = await watching(() => plantwatchDlq(["replay", "--yes"]));

      expect(code).toBe(0);
      expect(remaining()).toEqual([]);
      expect(invocations.length).toBeGreaterThan(1);
      for (const invocation of invocations) {
        expect(Buffer.byteLength(JSON.stringify(invocation.payload))).toBeLessThanOrEqual(262_144);
      }
      const replayed = invocations.flatMap((invocation) =>
        (invocation.payload as { Records: { kinesis: { sequenceNumber: string } }[] }).Records.map(
          (record) => record.kinesis.sequenceNumber,
        ),
      );
      expect(replayed).toEqual(sequenceNumbers);
    });

    it("keeps the message when a later invocation is refused, and a replay sends the whole batch again", async () => {
      const { id } = discardedBatch(ruleEvents(6, 60_000));
      let calls = 0;
      lambda.fail("throttled", { where: () => ++calls === 2 });

      const { code, stdout } = await plantwatchDlq(["replay", "--yes"]);

      expect(code).toBe(1);
      expect(remaining()).toEqual([id]);
      expect(sqs.messages()[0]?.visible).toBe(true);
      expect(stdout).toMatch(
        /failed\s+read .* failed: TooManyRequestsException: .* \(invocation 2 of \d; 1 accepted\)/,
      );
    });

    it.each([
      ["GetShardIterator refuses the trimmed sequence number", "error" as const, 3],
      ["GetRecords returns only later records", "trim-horizon" as const, 2],
      ["GetRecords returns none in the range", "trim-horizon" as const, 7],
    ])(
      "keeps a batch whose records expired (%s): expired, exit 1, nothing invoked",
      async (_case, start, count) => {
        const { id } = discardedBatch(ruleEvents(5));
        kinesis.trim(SHARD, count, { start });

        const { code, stdout, stderr, invocations } = await watching(() =>
          plantwatchDlq(["replay", "--yes"]),
        );

        expect(code).toBe(1);
        expect(invocations).toHaveLength(0);
        expect(remaining()).toEqual([id]);
        expect(sqs.messages()[0]?.visible).toBe(true);
        expect(operations()).not.toContain("DeleteMessage");
        expect(stdout).toMatch(new RegExp(`${id}\\s+stream-batch\\s+expired\\s+.*no longer in the stream`));
        expect(stderr).toMatch(/failed 0, expired 1; 1 stay in the queue/);
      },
    );

    it("--dry-run shows the batch it would read and changes nothing: no read, no call, no delete", async () => {
      const { id, location } = discardedBatch(ruleEvents(3));

      const { code, stdout, invocations } = await watching(() => plantwatchDlq(["replay", "--dry-run"]));

      expect(code).toBe(0);
      expect(kinesis.requests).toHaveLength(0);
      expect(invocations).toHaveLength(0);
      expect(remaining()).toEqual([id]);
      expect(sqs.messages()[0]?.visible).toBe(true);
      expect(stdout).toContain(
        `re-drive: read 3 record(s) of ${SHARD}, sequence numbers ${location.startSequenceNumber} to ${location.endSequenceNumber} from ${kinesis.streamArn}, invoke ${INGEST_ARN} (async)`,
      );
    });
  });
});
