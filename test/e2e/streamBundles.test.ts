import { gunzipSync } from "node:zlib";
import type { WriteRecordsRequest } from "@aws-sdk/client-timestream-write";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbRuleRepository } from "../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { createAlarmTables } from "../support/alarmTables.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { createRulesTable } from "../support/dynaliteTables.ts";
import { type FakeEventBridge, startFakeEventBridge } from "../support/fakeEventBridge.ts";
import { type FakeS3, startFakeS3 } from "../support/fakeS3.ts";
import { type FakeTimestream, startFakeTimestream } from "../support/fakeTimestream.ts";
import { kinesisEvent, kinesisRecord, sequenceNumber } from "../support/kinesisEvents.ts";
import { runBundle } from "../support/runBundle.ts";
import { type SynthesizedFunction, synthesizeFunction } from "../support/synthesizedFunction.ts";

/** Stream mode, against the LiveAnalytics fakes (the series store is pinned). */
const STREAM_MODE = { ingestion: { mode: "stream" }, series: { store: "liveanalytics" } };
const NOW = Date.now();
const QUARANTINE_BUCKET = "plantwatch-quarantine-test";
const BUS = "plantwatch-test";

/** What the telemetry rule puts on the stream for one message: its SQL's output, as JSON. */
function telemetryRecord(index: number, thingName: string, payload: unknown, secondsAgo = 1) {
  const receivedAt = NOW - secondsAgo * 1000;
  const ruleEvent = {
    payload: Buffer.from(JSON.stringify(payload)).toString("base64"),
    thingName,
    receivedAt,
    clientId: thingName,
  };
  return kinesisRecord(JSON.stringify(ruleEvent), { partitionKey: thingName, index, arrivedAt: receivedAt });
}

const stringValues = (environment: Readonly<Record<string, unknown>>) =>
  Object.fromEntries(Object.entries(environment).filter(([, value]) => typeof value === "string")) as Record<
    string,
    string
  >;

const credentials = {
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "AKIDTEST",
  AWS_SECRET_ACCESS_KEY: "test-secret",
};

/**
 * The ingest and evaluate bundles of a stream-mode deployment, run in child Node processes with the
 * template's environment, invoked with Kinesis event source mapping batches, against dynalite and
 * fake Timestream, S3 and EventBridge endpoints.
 */
describe("stream mode function bundles", () => {
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });

  afterAll(async () => {
    await dynamo?.stop();
  });

  describe("ingest", () => {
    let bundle: SynthesizedFunction;
    let timestream: FakeTimestream;
    let s3: FakeS3;
    let env: Record<string, string>;

    beforeAll(async () => {
      bundle = synthesizeFunction("ingest", STREAM_MODE);
      [timestream, s3] = await Promise.all([startFakeTimestream(), startFakeS3()]);
      env = {
        ...stringValues(bundle.environment),
        ...credentials,
        TIMESTREAM_DATABASE: "plantwatch_test",
        TIMESTREAM_TABLE: "telemetry",
        REGISTRY_TABLE: dynamo.tableName,
        QUARANTINE_BUCKET,
        AWS_LAMBDA_FUNCTION_NAME: "plantwatch-test-ingest",
        AWS_ENDPOINT_URL_TIMESTREAM_WRITE: timestream.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      };
    });

    afterAll(async () => {
      await Promise.all([timestream?.stop(), s3?.stop()]);
    });

    it("stores a whole batch and answers with no failures", async () => {
      const run = await runBundle(
        bundle,
        [
          {
            event: kinesisEvent([
              telemetryRecord(1, "oven-3", { ts: NOW - 2_000, metrics: { temperature: 71 } }),
              telemetryRecord(2, "press-9", {
                samples: [
                  { ts: NOW - 2_000, metrics: { pressure: 3 } },
                  { ts: NOW - 1_000, metrics: { pressure: 4 } },
                ],
              }),
              telemetryRecord(3, "oven-3", { ts: NOW - 1_000, metrics: { temperature: 72 } }),
            ]),
          },
        ],
        env,
      );

      expect(run.results).toEqual([{ ok: { batchItemFailures: [] } }]);
      const rows = timestream.rows();
      expect(rows.map((row) => [row.dimensions.device, row.time, row.version]).sort()).toEqual(
        [
          ["oven-3", String(NOW - 2_000), NOW - 1_000],
          ["oven-3", String(NOW - 1_000), NOW - 1_000],
          ["press-9", String(NOW - 2_000), NOW - 1_000],
          ["press-9", String(NOW - 1_000), NOW - 1_000],
        ].sort(),
      );
    });

    it("names exactly the records whose samples were not written, and quarantines a record that is not a rule event", async () => {
      const involvesMill = (request: WriteRecordsRequest) =>
        [
          ...(request.CommonAttributes?.Dimensions ?? []),
          ...(request.Records ?? []).flatMap((r) => r.Dimensions ?? []),
        ].some((dimension) => dimension.Name === "device" && dimension.Value === "mill-1");
      timestream.fail("throttling", { times: 10_000, where: involvesMill });

      const run = await runBundle(
        bundle,
        [
          {
            // lathe-2's 100-sample batch fills a WriteRecords request of its own; mill-1's two
            // samples share the other, which stays throttled.
            event: kinesisEvent([
              telemetryRecord(10, "lathe-2", {
                samples: Array.from({ length: 100 }, (_, index) => ({
                  ts: NOW - 3_000 - index * 10,
                  metrics: { rpm: 900 + index },
                })),
              }),
              telemetryRecord(11, "mill-1", { ts: NOW - 3_000, metrics: { rpm: 1200 } }),
              kinesisRecord("not a rule event", { partitionKey: "mill-1", index: 12, arrivedAt: NOW }),
              telemetryRecord(14, "mill-1", { ts: NOW - 2_000, metrics: { rpm: 1201 } }),
            ]),
            remainingMs: 3_400,
          },
        ],
        env,
      );

      expect(run.results).toEqual([
        {
          ok: {
            batchItemFailures: [
              { itemIdentifier: sequenceNumber(11) },
              { itemIdentifier: sequenceNumber(14) },
            ],
          },
        },
      ]);
      expect(timestream.rows().filter((row) => row.dimensions.device === "lathe-2")).toHaveLength(100);
      expect(timestream.rows().filter((row) => row.dimensions.device === "mill-1")).toEqual([]);
      const quarantined = [...s3.objects().values()].filter((object) => object.bucket === QUARANTINE_BUCKET);
      expect(quarantined.map((object) => object.key)).toEqual([
        expect.stringMatching(/^quarantine\/reason=invalid_json\//),
      ]);
      expect(JSON.parse(quarantined[0]?.body ?? "{}")).toMatchObject({
        reason: "invalid_json",
        thingName: "mill-1",
        message: "not a rule event",
        receivedAt: new Date(NOW).toISOString(),
      });
    });
  });

  /**
   * The evaluate bundle on the stream consumer's path: the template gives it the checkpoint bucket
   * as a reference, set here to the fake S3's bucket, so the bundle keeps alarm state in memory and
   * checkpoints each shard there.
   */
  describe("evaluate", () => {
    let bundle: SynthesizedFunction;
    let eventBridge: FakeEventBridge;
    let s3: FakeS3;
    let env: Record<string, string>;
    let alarmsTableName: string;
    const checkpointKey = `${QUARANTINE_BUCKET}/stream-checkpoints/shardId-000000000000.json.gz`;
    const checkpoint = () => {
      const object = s3.objects().get(checkpointKey);
      if (object?.bytes === undefined) return undefined;
      return JSON.parse(gunzipSync(object.bytes).toString("utf8")) as {
        format: number;
        things: { doc: { thingName: string; stream?: { sequenceNumber: string } } }[];
      };
    };
    const transitions = () =>
      eventBridge.events().map((event) => {
        const detail = event.detail as { alarmId: string; state: { value: string } };
        return [detail.alarmId, detail.state.value];
      });

    beforeAll(async () => {
      bundle = synthesizeFunction("evaluate", STREAM_MODE);
      [eventBridge, s3] = await Promise.all([startFakeEventBridge(), startFakeS3()]);
      expect(bundle.environment.SHARD_CHECKPOINT_BUCKET).toEqual({ Ref: expect.any(String) });
      const tables = {
        ...(await createAlarmTables(dynamo.client, "plantwatch-stream")),
        rulesTableName: await createRulesTable(dynamo, "plantwatch-stream-rules"),
      };
      alarmsTableName = tables.alarmsTableName;
      await new DynamoDbRuleRepository({ tableName: tables.rulesTableName, client: dynamo.client }).apply({
        put: [
          {
            id: "oven-overheat",
            name: "Oven temperature too high",
            severity: "critical",
            match: { things: ["oven-*"] },
            kind: "threshold",
            metric: "temperature",
            condition: { op: ">", value: 250 },
            clear: { op: "<", value: 240 },
          },
          {
            id: "press-offline",
            name: "Press offline",
            severity: "warning",
            match: { things: ["press-*"] },
            kind: "offline",
            after: "10m",
          },
        ],
        delete: [],
      });
      env = {
        ...stringValues(bundle.environment),
        ...credentials,
        ALARMS_TABLE: tables.alarmsTableName,
        HISTORY_TABLE: tables.historyTableName,
        RULES_TABLE: tables.rulesTableName,
        REGISTRY_TABLE: dynamo.tableName,
        EVENT_BUS_NAME: BUS,
        AWS_LAMBDA_FUNCTION_NAME: "plantwatch-test-evaluate",
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
        SHARD_CHECKPOINT_BUCKET: QUARANTINE_BUCKET,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
      };
    });

    afterAll(async () => {
      await Promise.all([eventBridge?.stop(), s3?.stop()]);
    });

    it("raises and clears an alarm from one batch, in each thing's order, once each despite a redelivery", async () => {
      const hot = telemetryRecord(21, "oven-3", { ts: NOW - 50_000, metrics: { temperature: 262.4 } }, 50);
      const batch = kinesisEvent([
        telemetryRecord(20, "oven-3", { ts: NOW - 60_000, metrics: { temperature: 200 } }, 60),
        telemetryRecord(22, "oven-4", { ts: NOW - 45_000, metrics: { temperature: 100 } }, 45),
        hot,
        telemetryRecord(23, "oven-3", { ts: NOW - 30_000, metrics: { temperature: 239 } }, 30),
      ]);

      // The same batch twice: what Lambda does after a partial failure named an earlier record.
      const run = await runBundle(bundle, [{ event: batch }, { event: batch }], env);

      expect(run.results).toEqual([{ ok: { batchItemFailures: [] } }, { ok: { batchItemFailures: [] } }]);
      const states = eventBridge
        .events()
        .map((event) => (event.detail as { state: { value: string } }).state);
      expect(states).toEqual([
        expect.objectContaining({ value: "ACTIVE", previous: "NORMAL" }),
        expect.objectContaining({ value: "NORMAL", previous: "ACTIVE" }),
      ]);
      // Each batch saved the shard's checkpoint: each thing at the last record it reflects.
      expect(s3.puts.filter((put) => `${put.bucket}/${put.key}` === checkpointKey)).toHaveLength(2);
      expect(
        Object.fromEntries(
          (checkpoint()?.things ?? []).map(({ doc }) => [doc.thingName, doc.stream?.sequenceNumber]),
        ),
      ).toEqual({ "oven-3": sequenceNumber(23), "oven-4": sequenceNumber(22) });
    });

    it("a new container continues from the checkpoint: a sample older than what memory held is late, not a transition", async () => {
      const before = eventBridge.events().length;
      // A normal reading the consumer keeps in memory only (nothing durable changed): the stored
      // document still has the previous sample time, the checkpoint has this one.
      const warm = await runBundle(
        bundle,
        [
          {
            event: kinesisEvent([
              telemetryRecord(24, "oven-3", { ts: NOW - 20_000, metrics: { temperature: 230 } }, 20),
            ]),
          },
        ],
        env,
      );
      const stored = await dynamo.client.send(
        new GetCommand({ TableName: alarmsTableName, Key: { thingName: "oven-3" } }),
      );

      // Another container (a fresh process): a hot sample between the stored and the held sample time.
      const cold = await runBundle(
        bundle,
        [
          {
            event: kinesisEvent([
              telemetryRecord(25, "oven-3", { ts: NOW - 25_000, metrics: { temperature: 300 } }, 15),
              telemetryRecord(26, "oven-3", { ts: NOW - 5_000, metrics: { temperature: 290 } }, 5),
            ]),
          },
        ],
        env,
      );

      expect(warm.results).toEqual([{ ok: { batchItemFailures: [] } }]);
      expect(cold.results).toEqual([{ ok: { batchItemFailures: [] } }]);
      expect(stored.Item?.stream?.sequenceNumber).not.toBe(sequenceNumber(24));
      expect(transitions().slice(before)).toEqual([["oven-overheat:oven-3", "ACTIVE"]]);
      const raised = eventBridge.events().at(-1)?.detail as { state: { timestamp: string } } | undefined;
      expect(raised?.state.timestamp).toBe(new Date(NOW - 5_000).toISOString());
    });

    it("fails a batch whose checkpoint another container saved meanwhile, and its redelivery raises nothing twice", async () => {
      const before = eventBridge.events().length;
      const batch = kinesisEvent([
        telemetryRecord(40, "oven-7", { ts: NOW - 9_000, metrics: { temperature: 280 } }, 9),
      ]);
      s3.fail("preconditionFailed", { operation: "PutObject" });

      const run = await runBundle(bundle, [{ event: batch }, { event: batch }], env);

      expect(run.results).toEqual([
        { error: expect.objectContaining({ name: "ShardCheckpointTakenError" }) },
        { ok: { batchItemFailures: [] } },
      ]);
      expect(transitions().slice(before)).toEqual([["oven-overheat:oven-7", "ACTIVE"]]);
    });

    it("applies operator actions and presence events that travel the stream, in order with telemetry", async () => {
      const before = eventBridge.events().length;
      const action = (index: number, at: number) =>
        kinesisRecord(
          JSON.stringify({
            plantwatch: "action",
            alarmId: "oven-overheat:oven-8",
            action: "ACKNOWLEDGE",
            actor: { id: "operator-1", note: "on it" },
            at,
          }),
          { partitionKey: "oven-8", index, arrivedAt: at },
        );
      // A registered press has an offline rule, so its connectivity is kept (a foreign thing's is not).
      await dynamo.client.send(
        new PutCommand({ TableName: dynamo.tableName, Item: { thingName: "press-3" } }),
      );
      const presence = kinesisRecord(
        JSON.stringify({
          plantwatch: "lifecycle",
          clientId: "press-3",
          timestamp: NOW - 2_000,
          eventType: "disconnected",
        }),
        { partitionKey: "press-3", index: 53, arrivedAt: NOW - 2_000 },
      );

      const run = await runBundle(
        bundle,
        [
          {
            event: kinesisEvent([
              telemetryRecord(50, "oven-8", { ts: NOW - 8_000, metrics: { temperature: 270 } }, 8),
              action(51, NOW - 6_000),
              telemetryRecord(52, "oven-8", { ts: NOW - 4_000, metrics: { temperature: 275 } }, 4),
              presence,
            ]),
          },
        ],
        env,
      );

      expect(run.results).toEqual([{ ok: { batchItemFailures: [] } }]);
      expect(transitions().slice(before)).toEqual([
        ["oven-overheat:oven-8", "ACTIVE"],
        ["oven-overheat:oven-8", "ACKNOWLEDGED"],
      ]);
      const stored = await dynamo.client.send(
        new GetCommand({ TableName: alarmsTableName, Key: { thingName: "press-3" } }),
      );
      expect(stored.Item?.connectivity).toMatchObject({ connected: false, since: NOW - 2_000 });
    });

    it("names the earliest record of a thing whose update failed, and only that; other things' updates stand", async () => {
      // A document the engine cannot evaluate fails that thing on every attempt.
      await dynamo.client.send(
        new PutCommand({
          TableName: alarmsTableName,
          Item: { thingName: "oven-9", version: 1, alarms: null },
        }),
      );
      const before = eventBridge.events().length;

      const run = await runBundle(
        bundle,
        [
          {
            event: kinesisEvent([
              telemetryRecord(30, "oven-5", { ts: NOW - 20_000, metrics: { temperature: 100 } }, 20),
              telemetryRecord(31, "oven-9", { ts: NOW - 20_000, metrics: { temperature: 255 } }, 20),
              telemetryRecord(32, "oven-5", { ts: NOW - 10_000, metrics: { temperature: 300 } }, 10),
              telemetryRecord(33, "oven-9", { ts: NOW - 10_000, metrics: { temperature: 100 } }, 10),
            ]),
          },
        ],
        env,
      );

      expect(run.results).toEqual([{ ok: { batchItemFailures: [{ itemIdentifier: sequenceNumber(31) }] } }]);
      expect(`${run.stdout}${run.stderr}`).toContain("thing not evaluated");
      const raised = eventBridge.events().slice(before);
      expect(raised.map((event) => (event.detail as { alarmId: string }).alarmId)).toEqual([
        "oven-overheat:oven-5",
      ]);
    });
  });
});
