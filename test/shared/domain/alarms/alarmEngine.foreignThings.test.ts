import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbAlarmStore } from "../../../../shared/adapters/aws/dynamoDbAlarmStore.ts";
import { DynamoDbDeviceRegistry } from "../../../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { AlarmEngine } from "../../../../shared/domain/alarms/alarmEngine.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../../../shared/domain/ingest/types.ts";
import { offlineRule } from "../../../support/alarmRules.ts";
import { type AlarmTables, createAlarmTables, scanAll } from "../../../support/alarmTables.ts";
import { type LocalDynamo, startDynalite } from "../../../support/dynalite.ts";
import { RecordingPublisher } from "../../../support/inMemoryPorts.ts";
import { manualClock } from "../../../support/testClock.ts";

/*
 * IoT Core sends every thing's presence events to every lifecycle rule of the account, so the
 * evaluate function of stage dev sees prod's things (and the reverse). Against dynalite with the
 * real registry and store: a thing not in this stage's registry raises nothing and writes nothing.
 */

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const deadline = { deadline: Number.MAX_SAFE_INTEGER };

describe("lifecycle events of things not in this stage's registry", () => {
  let dynamo: LocalDynamo;
  let tables: AlarmTables;
  const clock = manualClock(T0);
  let publisher: RecordingPublisher;
  let engine: AlarmEngine;
  let store: DynamoDbAlarmStore;

  beforeAll(async () => {
    dynamo = await startDynalite();
    tables = await createAlarmTables(dynamo.client, "foreign");
    await dynamo.client.send(
      new PutCommand({ TableName: dynamo.tableName, Item: { thingName: "oven-1", site: "plant-1" } }),
    );
    store = new DynamoDbAlarmStore({ ...tables, historyRetentionMs: 86_400_000, client: dynamo.client });
    publisher = new RecordingPublisher();
    engine = new AlarmEngine({
      store,
      publisher,
      rules: { current: async () => ({ version: "1", rules: [offlineRule()] }) },
      registry: new DynamoDbDeviceRegistry({
        client: dynamo.client,
        tableName: dynamo.tableName,
        cacheTtlMs: 60_000,
        lastSeenIntervalMs: Number.MAX_SAFE_INTEGER,
        clock,
      }),
      clock,
      limits: DEFAULT_TELEMETRY_LIMITS,
    });
  });
  afterAll(() => dynamo.stop());

  it("ignores a foreign thing's disconnect: no alarm, no write, counted as foreign", async () => {
    const operationsBefore = dynamo.operations.length;
    const report = await engine.recordConnectivity(
      { clientId: "prod-oven-9", eventType: "disconnected", timestamp: T0 },
      deadline,
    );
    clock.set(T0 + 10 * 60_000);
    const { report: swept } = await engine.sweep(store.scan(), { ...deadline, staleAfterMs: 120_000 });

    expect(report).toMatchObject({ things: 0, transitions: 0, foreignThings: 1 });
    expect(swept.transitions).toBe(0);
    expect(publisher.published).toEqual([]);
    expect(await scanAll(dynamo.client, tables.alarmsTableName)).toEqual([]);
    expect(await scanAll(dynamo.client, tables.historyTableName)).toEqual([]);
    // The registry's revision and the device, then only the sweep's scan: nothing was written.
    expect(dynamo.operations.slice(operationsBefore)).toEqual(["GetItem", "GetItem", "Scan", "Scan", "Scan"]);
  });

  it("looks the foreign thing up once per cache period, so a chatty foreign fleet costs no reads", async () => {
    const operationsBefore = dynamo.operations.length;
    for (const eventType of ["connected", "disconnected", "connected"] as const) {
      const report = await engine.recordConnectivity(
        { clientId: "prod-oven-9", eventType, timestamp: clock.now() },
        deadline,
      );
      expect(report.foreignThings).toBe(1);
    }
    // The cached absence had expired (ten minutes on): one read, then the cache answers.
    expect(dynamo.operations.slice(operationsBefore)).toEqual(["GetItem"]);
  });

  it("raises the offline alarm of its own thing's disconnect", async () => {
    clock.set(T0);
    const report = await engine.recordConnectivity(
      { clientId: "oven-1", eventType: "disconnected", timestamp: T0 },
      deadline,
    );
    clock.set(T0 + 60_000);
    await engine.sweep(store.scan(), { ...deadline, staleAfterMs: 120_000 });

    expect(report.foreignThings).toBe(0);
    expect(publisher.published.map((event) => [event.alarmId, event.state.value])).toEqual([
      ["offline:oven-1", "ACTIVE"],
    ]);
    expect((await scanAll(dynamo.client, tables.alarmsTableName)).map((item) => item.thingName)).toEqual([
      "oven-1",
    ]);
  });
});
