import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoDbAlarmStore } from "../../../../shared/adapters/aws/dynamoDbAlarmStore.ts";
import type { AlarmEventDetail } from "../../../../shared/domain/alarms/alarmEvent.ts";
import type { ThingAlarms } from "../../../../shared/domain/alarms/alarmState.ts";
import {
  type HistoryRecord,
  historyOutboxKey,
  historySortKey,
} from "../../../../shared/domain/alarms/history.ts";
import { type AlarmTables, createAlarmTables, historyOf } from "../../../support/alarmTables.ts";
import { type LocalDynamo, startDynalite } from "../../../support/dynalite.ts";
import { type ManualClock, manualClock } from "../../../support/testClock.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const RETENTION_MS = 90 * 86_400_000;

function detail(thingName: string, seconds: number): AlarmEventDetail {
  return {
    version: "1",
    alarmId: `oven-overheat:${thingName}`,
    rule: { id: "oven-overheat", name: "Oven temperature too high", severity: "critical", kind: "threshold" },
    device: { thingName },
    state: {
      value: "ACTIVE",
      previous: "NORMAL",
      reason: "temperature 262.4 > 250",
      timestamp: new Date(T0 + seconds * 1000).toISOString(),
    },
  };
}

function transitionRecord(thingName: string, seconds: number, version = 1): HistoryRecord {
  const entry = {
    kind: "transition" as const,
    alarmId: `oven-overheat:${thingName}`,
    at: T0 + seconds * 1000,
    from: "NORMAL" as const,
    to: "ACTIVE" as const,
    reason: "temperature 262.4 > 250",
    trigger: { metric: "temperature", value: 262.4, sampleTime: T0 + seconds * 1000 },
  };
  return { sk: historySortKey(entry, `${version}.0`), entry };
}

/** A document whose outboxes hold `events` events and `history` history records, keyed as updateThing keys them. */
function withOutboxes(thingName: string, version: number, counts: { events: number; history: number }) {
  const events = Array.from({ length: counts.events }, (_, index) => detail(thingName, index));
  const records = Array.from({ length: counts.history }, (_, index) =>
    transitionRecord(thingName, index, version),
  );
  const eventKeys = events.map((event) => `${event.alarmId}|${event.state.value}|${event.state.timestamp}`);
  const historyKeys = records.map(historyOutboxKey);
  const doc: ThingAlarms = {
    thingName,
    version,
    alarms: {},
    outbox: Object.fromEntries(
      events.map((event, index) => [eventKeys[index], { detail: event, committedAt: T0 }]),
    ),
    historyOutbox: Object.fromEntries(records.map((record, index) => [historyKeys[index], record])),
  };
  return { doc, eventKeys, historyKeys };
}

describe("DynamoDbAlarmStore", () => {
  let dynamo: LocalDynamo;
  let tables: AlarmTables;
  let clock: ManualClock;
  let store: DynamoDbAlarmStore;
  let thingName: string;
  let counter = 0;
  const requests = (operation: string) =>
    dynamo.operations.filter((candidate) => candidate === operation).length;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  beforeEach(async () => {
    counter++;
    thingName = `oven-${counter}`;
    // Fresh tables per test: scan and history assertions see only what the test wrote.
    tables = await createAlarmTables(dynamo.client, `store-${counter}`);
    // Written a minute after T0: the feed goes by write time, not by the entries' event times.
    clock = manualClock(T0 + 60_000);
    store = new DynamoDbAlarmStore({
      ...tables,
      historyRetentionMs: RETENTION_MS,
      client: dynamo.client,
      clock,
    });
  });

  describe("load", () => {
    it("returns undefined for a thing without a document", async () => {
      await expect(store.load(thingName)).resolves.toBeUndefined();
    });
  });

  describe("commit", () => {
    it("creates a new document once; a second writer that also saw none conflicts", async () => {
      const first: ThingAlarms = { thingName, version: 1, alarms: {}, lastTelemetryAt: T0 };
      const second: ThingAlarms = { thingName, version: 1, alarms: {}, lastTelemetryAt: T0 + 1 };

      const outcomes = [await store.commit(first, undefined), await store.commit(second, undefined)];

      expect(outcomes).toEqual(["committed", "conflict"]);
      await expect(store.load(thingName)).resolves.toEqual(first);
    });

    it("writes when the stored version is the expected one, and conflicts on a stale one", async () => {
      await store.commit({ thingName, version: 1, alarms: {} }, undefined);
      const next: ThingAlarms = {
        thingName,
        version: 2,
        alarms: { "oven-overheat": { ruleId: "oven-overheat", state: "ACTIVE", since: T0, breaching: true } },
      };
      const stale: ThingAlarms = { thingName, version: 2, alarms: {}, lastTelemetryAt: T0 };

      const outcomes = [await store.commit(next, 1), await store.commit(stale, 1)];

      expect(outcomes).toEqual(["committed", "conflict"]);
      await expect(store.load(thingName)).resolves.toEqual(next);
    });

    it("conflicts when a document is expected but none exists", async () => {
      await expect(store.commit({ thingName, version: 4, alarms: {} }, 3)).resolves.toBe("conflict");
      await expect(store.load(thingName)).resolves.toBeUndefined();
    });

    it("keeps numbers, nested maps and lists as written", async () => {
      const doc: ThingAlarms = {
        thingName,
        version: 1,
        lastTelemetryAt: T0,
        connectivity: { connected: false, since: T0 - 1 },
        alarms: {
          "pressure-climb": {
            ruleId: "pressure-climb",
            state: "NORMAL",
            since: T0,
            breaching: false,
            lastSampleTime: T0 + 0.5,
            pending: { since: T0, count: 2 },
            window: [
              [T0, 1.25],
              [T0 + 1000, -3],
            ],
          },
        },
        outbox: {},
        historyOutbox: {},
      };

      await store.commit(doc, undefined);

      await expect(store.load(thingName)).resolves.toEqual(doc);
    });
  });

  describe("clearOutbox", () => {
    it("removes exactly the delivered keys from both outboxes and bumps the version", async () => {
      const { doc, eventKeys, historyKeys } = withOutboxes(thingName, 3, { events: 4, history: 4 });
      await store.commit(doc, undefined);
      // Keys hold `|`, `:`, `#` and `.`; each must be one map key, not a path.
      expect(historyKeys[0]).toMatch(/^oven-overheat:oven-\d+\|2026-11-25T12:00:00\.000Z#transition#3\.0$/);

      await store.clearOutbox(thingName, { events: eventKeys.slice(0, 2), history: historyKeys.slice(1, 3) });

      const stored = await store.load(thingName);
      expect(Object.keys(stored?.outbox ?? {}).sort()).toEqual(eventKeys.slice(2).sort());
      expect(Object.keys(stored?.historyOutbox ?? {}).sort()).toEqual(
        [historyKeys[0], historyKeys[3]].sort(),
      );
      expect(stored?.outbox?.[eventKeys[3] as string]).toEqual(doc.outbox?.[eventKeys[3] as string]);
      expect(stored?.version).toBe(4);
      expect(stored?.alarms).toEqual({});
    });

    it("makes a writer holding the document from before the clear conflict", async () => {
      const { doc, eventKeys } = withOutboxes(thingName, 1, { events: 1, history: 0 });
      await store.commit(doc, undefined);

      await store.clearOutbox(thingName, { events: eventKeys, history: [] });
      // This writer loaded version 1 and would write the cleared event back.
      const outcome = await store.commit({ ...doc, version: 2, lastTelemetryAt: T0 }, 1);

      expect(outcome).toBe("conflict");
      expect((await store.load(thingName))?.outbox).toEqual({});
    });

    it("removes more keys than fit one update, in chunks", async () => {
      const { doc, eventKeys, historyKeys } = withOutboxes(thingName, 1, { events: 30, history: 25 });
      await store.commit(doc, undefined);
      const updatesBefore = requests("UpdateItem");

      await store.clearOutbox(thingName, {
        events: eventKeys.slice(0, 29),
        history: historyKeys.slice(0, 24),
      });

      const stored = await store.load(thingName);
      expect(Object.keys(stored?.outbox ?? {})).toEqual([eventKeys[29]]);
      expect(Object.keys(stored?.historyOutbox ?? {})).toEqual([historyKeys[24]]);
      expect(requests("UpdateItem") - updatesBefore).toBe(3);
      expect(stored?.version).toBeGreaterThan(1);
      await expect(store.commit({ ...doc, version: 2 }, 1)).resolves.toBe("conflict");
    });

    it("accepts keys that are already gone, as when the sweep and the invocation both deliver", async () => {
      const { doc, eventKeys, historyKeys } = withOutboxes(thingName, 1, { events: 2, history: 2 });
      await store.commit(doc, undefined);
      const delivered = { events: eventKeys.slice(0, 1), history: historyKeys.slice(0, 1) };

      await store.clearOutbox(thingName, delivered);
      await store.clearOutbox(thingName, delivered);

      const stored = await store.load(thingName);
      expect(Object.keys(stored?.outbox ?? {})).toEqual([eventKeys[1]]);
      expect(Object.keys(stored?.historyOutbox ?? {})).toEqual([historyKeys[1]]);
    });

    it("sends nothing when nothing was delivered", async () => {
      const { doc } = withOutboxes(thingName, 1, { events: 1, history: 1 });
      await store.commit(doc, undefined);
      const updatesBefore = requests("UpdateItem");

      await store.clearOutbox(thingName, { events: [], history: [] });

      expect(requests("UpdateItem")).toBe(updatesBefore);
      expect((await store.load(thingName))?.version).toBe(1);
    });

    it("never creates a document for a thing without one", async () => {
      await expect(
        store.clearOutbox(thingName, { events: ["a|ACTIVE|t"], history: [] }),
      ).rejects.toMatchObject({
        name: "ConditionalCheckFailedException",
      });
      await expect(store.load(thingName)).resolves.toBeUndefined();
    });
  });

  describe("appendHistory", () => {
    it("writes each record under its alarm and sort key, expiring retention after the entry's time", async () => {
      const record = transitionRecord(thingName, 10.5);

      await store.appendHistory([record]);

      const items = await historyOf(dynamo.client, tables.historyTableName, record.entry.alarmId);
      expect(items).toEqual([
        {
          ...record.entry,
          sk: record.sk,
          expiresAt: Math.floor((T0 + 10_500) / 1000) + RETENTION_MS / 1000,
          feedDay: "2026-11-25",
          feedKey: `2026-11-25T12:01:00.000Z#${record.entry.alarmId}#${record.sk}`,
        },
      ]);
    });

    it("leaves the feed attributes out of the history it reads back", async () => {
      const record = transitionRecord(thingName, 1);
      await store.appendHistory([record]);

      const page = await store.history(record.entry.alarmId, { limit: 10 });

      expect(page.entries).toEqual([record.entry]);
    });

    it("rounds a retention that is not whole seconds up", async () => {
      const odd = new DynamoDbAlarmStore({ ...tables, historyRetentionMs: 1_500, client: dynamo.client });
      const record = transitionRecord(thingName, 0);

      await odd.appendHistory([record]);

      const [item] = await historyOf(dynamo.client, tables.historyTableName, record.entry.alarmId);
      expect(item?.expiresAt).toBe(T0 / 1000 + 2);
    });

    it("is idempotent: writing the same records again leaves one item each", async () => {
      const records = [transitionRecord(thingName, 1), transitionRecord(thingName, 2)];

      await store.appendHistory(records);
      await store.appendHistory(records);

      const items = await historyOf(dynamo.client, tables.historyTableName, `oven-overheat:${thingName}`);
      expect(items.map((item) => item.sk)).toEqual(records.map((record) => record.sk));
    });

    it("accepts the same record twice in one call", async () => {
      // A batch redelivered within one stream batch repeats its late-sample records, key for key.
      const late: HistoryRecord = {
        sk: historySortKey(
          {
            kind: "late",
            alarmId: `oven-overheat:${thingName}`,
            at: T0,
            metric: "temperature",
            value: 260,
            lastSampleTime: T0 + 1000,
            receivedAt: T0 + 5000,
          },
          String(T0 + 5000),
        ),
        entry: {
          kind: "late",
          alarmId: `oven-overheat:${thingName}`,
          at: T0,
          metric: "temperature",
          value: 260,
          lastSampleTime: T0 + 1000,
          receivedAt: T0 + 5000,
        },
      };
      const transition = transitionRecord(thingName, 2);

      await store.appendHistory([transition, late, late]);

      const items = await historyOf(dynamo.client, tables.historyTableName, `oven-overheat:${thingName}`);
      expect(items.map((item) => item.sk).sort()).toEqual([transition.sk, late.sk].sort());
    });

    it("writes more records than one batch holds", async () => {
      const records = Array.from({ length: 60 }, (_, index) => transitionRecord(thingName, index));
      const batchesBefore = requests("BatchWriteItem");

      await store.appendHistory(records);

      const items = await historyOf(dynamo.client, tables.historyTableName, `oven-overheat:${thingName}`);
      expect(items.map((item) => item.sk)).toEqual(records.map((record) => record.sk).sort());
      expect(requests("BatchWriteItem") - batchesBefore).toBe(3);
    });

    /** The tables' client, except that BatchWriteItem leaves `unprocessed(attempt)` items of each batch for later. */
    function partlyProcessing(unprocessed: (attempt: number) => number) {
      let attempt = 0;
      return {
        send: async (command: unknown) => {
          if (!(command instanceof BatchWriteCommand)) return dynamo.client.send(command as never);
          const [[table, requests]] = Object.entries(command.input.RequestItems ?? {}) as [
            [string, { PutRequest: { Item: Record<string, unknown> } }[]],
          ];
          const left = Math.min(unprocessed(attempt++), requests.length);
          const done = requests.slice(0, requests.length - left);
          if (done.length > 0) {
            await dynamo.client.send(new BatchWriteCommand({ RequestItems: { [table]: done } }));
          }
          clock.advance(1_000);
          return { UnprocessedItems: left === 0 ? {} : { [table]: requests.slice(requests.length - left) } };
        },
      } as unknown as typeof dynamo.client;
    }

    it("writes the items DynamoDB left unprocessed on a later attempt, stamped with that attempt's time", async () => {
      const records = Array.from({ length: 10 }, (_, index) => transitionRecord(thingName, index));
      const partial = new DynamoDbAlarmStore({
        ...tables,
        historyRetentionMs: RETENTION_MS,
        client: partlyProcessing((attempt) => (attempt === 0 ? 4 : 0)),
        clock,
      });

      await partial.appendHistory(records);

      const items = await historyOf(dynamo.client, tables.historyTableName, `oven-overheat:${thingName}`);
      expect(items.map((item) => item.sk)).toEqual(records.map((record) => record.sk).sort());
      const stamps = items.map((item) => String(item.feedKey).slice(0, 24));
      expect(new Set(stamps)).toEqual(
        new Set([new Date(T0 + 60_000).toISOString(), new Date(T0 + 61_000).toISOString()]),
      );
    });

    it("fails when a batch stays unprocessed through every attempt", async () => {
      const stuck = new DynamoDbAlarmStore({
        ...tables,
        historyRetentionMs: RETENTION_MS,
        client: partlyProcessing(() => Number.POSITIVE_INFINITY),
        clock,
      });

      await expect(stuck.appendHistory([transitionRecord(thingName, 1)])).rejects.toThrow(
        "1 history record(s) stayed unprocessed after 8 attempts",
      );
    }, 30_000);

    it("sends nothing for no records", async () => {
      const batchesBefore = requests("BatchWriteItem");

      await store.appendHistory([]);

      expect(requests("BatchWriteItem")).toBe(batchesBefore);
    });
  });

  describe("changesAfter", () => {
    const changes = async (after: string, until = clock.now()) => {
      const found: { alarmId: string; position: string }[] = [];
      for await (const change of store.changesAfter(after, until)) found.push(change);
      return found;
    };

    it("finds the history writes after a position through the index, oldest first", async () => {
      const before = transitionRecord(thingName, 1);
      const other = transitionRecord(`${thingName}-b`, 2);
      const late = transitionRecord(thingName, -3_600);
      await store.appendHistory([before]);
      clock.advance(1_000);
      await store.appendHistory([other]);
      clock.advance(1_000);
      // An hour-old event written now is news now.
      await store.appendHistory([late]);

      const found = await changes("2026-11-25T12:01:00.500Z");

      expect(found).toEqual([
        {
          alarmId: other.entry.alarmId,
          position: `2026-11-25T12:01:01.000Z#${other.entry.alarmId}#${other.sk}`,
        },
        {
          alarmId: late.entry.alarmId,
          position: `2026-11-25T12:01:02.000Z#${late.entry.alarmId}#${late.sk}`,
        },
      ]);
    });

    it("reads every UTC day from the position's to the end's", async () => {
      clock.set(Date.parse("2026-11-24T23:59:59.000Z"));
      await store.appendHistory([transitionRecord(thingName, 1)]);
      clock.set(Date.parse("2026-11-26T00:00:01.000Z"));
      await store.appendHistory([transitionRecord(thingName, 2)]);
      clock.set(Date.parse("2026-11-27T08:00:00.000Z"));

      const found = await changes("2026-11-24T12:00:00.000Z");

      expect(found.map((change) => change.position.slice(0, 24))).toEqual([
        "2026-11-24T23:59:59.000Z",
        "2026-11-26T00:00:01.000Z",
      ]);
    });
  });

  describe("scan", () => {
    it("yields every document once, across pages", async () => {
      // ~8 KB each: 300 of them span several 1 MB scan pages.
      const padding = "x".repeat(8_000);
      const event = detail("line", 0);
      const names = Array.from({ length: 300 }, (_, index) => `line-${String(index).padStart(3, "0")}`);
      for (let start = 0; start < names.length; start += 50) {
        await Promise.all(
          names.slice(start, start + 50).map((name) =>
            store.commit(
              {
                thingName: name,
                version: 1,
                alarms: {
                  big: { ruleId: "big", state: "NORMAL", since: T0, breaching: false, escalatedTo: "info" },
                },
                connectivity: { connected: true, since: T0 },
                outbox: {
                  [`big|${name}`]: {
                    detail: { ...event, state: { ...event.state, reason: padding } },
                    committedAt: T0,
                  },
                },
              },
              undefined,
            ),
          ),
        );
      }
      const scansBefore = requests("Scan");

      const scanned: ThingAlarms[] = [];
      for await (const doc of store.scan()) scanned.push(doc);

      expect(scanned.map((doc) => doc.thingName).sort()).toEqual(names);
      expect(requests("Scan") - scansBefore).toBeGreaterThanOrEqual(3);
    });

    it("yields nothing from an empty table", async () => {
      const scanned: ThingAlarms[] = [];
      for await (const doc of store.scan()) scanned.push(doc);

      expect(scanned).toEqual([]);
    });
  });
});
