import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbAlarmStore } from "../../../../shared/adapters/aws/dynamoDbAlarmStore.ts";
import { DynamoDbDeviceRegistry } from "../../../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { EventBridgePublisher } from "../../../../shared/adapters/aws/eventBridgePublisher.ts";
import { AlarmEngine, type EngineReport } from "../../../../shared/domain/alarms/alarmEngine.ts";
import { type AlarmEventDetail, alarmEventKey } from "../../../../shared/domain/alarms/alarmEvent.ts";
import type { ThingAlarms } from "../../../../shared/domain/alarms/alarmState.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../../../shared/domain/ingest/types.ts";
import type { AlarmStore } from "../../../../shared/ports/alarmStore.ts";
import type { EventPublisher } from "../../../../shared/ports/eventPublisher.ts";
import { offlineRule, thresholdRule } from "../../../support/alarmRules.ts";
import { createAlarmTables, scanAll } from "../../../support/alarmTables.ts";
import { type LocalDynamo, startDynalite } from "../../../support/dynalite.ts";
import {
  type FakeEventBridge,
  localEventBridgeClient,
  startFakeEventBridge,
} from "../../../support/fakeEventBridge.ts";
import { RecordingPublisher } from "../../../support/inMemoryPorts.ts";
import { manualClock } from "../../../support/testClock.ts";

/*
 * The sweep reserves no concurrency, so two sweeps may overlap (a slow run, or the scheduler
 * delivering one occurrence twice). Against dynalite with the real store, registry and publisher:
 * two sweeps that read the same state at once change it exactly as one sweep does, and send each
 * event (offline transitions, reminders, re-sent outbox events) once.
 */

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const SWEEP_AT = T0 + 5 * 60_000;
const RULES = {
  version: "1",
  rules: [
    offlineRule({ afterMs: 10 * 60_000 }),
    thresholdRule({ notify: { repeatMs: 60_000 } }),
    thresholdRule({ id: "pressure-high", metric: "pressure", condition: { op: ">", value: 10 } }),
  ],
};
const THINGS = ["oven-1", "oven-2", "oven-3", "press-4"];

let dynamo: LocalDynamo;
let eventBridge: FakeEventBridge;
let runs = 0;

beforeAll(async () => {
  [dynamo, eventBridge] = await Promise.all([startDynalite(), startFakeEventBridge()]);
  for (const thingName of THINGS) {
    await dynamo.client.send(
      new PutCommand({ TableName: dynamo.tableName, Item: { thingName, site: "plant-1", line: "line-1" } }),
    );
  }
});
afterAll(async () => {
  await Promise.all([dynamo.stop(), eventBridge.stop()]);
});

function engineOf(store: AlarmStore, publisher: EventPublisher, now: number): AlarmEngine {
  return new AlarmEngine({
    store,
    publisher,
    rules: { current: async () => RULES },
    registry: new DynamoDbDeviceRegistry({
      client: dynamo.client,
      tableName: dynamo.tableName,
      cacheTtlMs: 60_000,
      lastSeenIntervalMs: Number.MAX_SAFE_INTEGER,
      clock: manualClock(now),
    }),
    clock: manualClock(now),
    limits: DEFAULT_TELEMETRY_LIMITS,
    pause: () => new Promise((resolve) => setTimeout(resolve, Math.random() * 3)),
  });
}

const deadline = () => ({ deadline: Date.now() + 60_000 });

/**
 * Fresh tables holding what a sweep has work on: oven-1 disconnected (offline due), oven-2 and
 * oven-3 overheated (a reminder due), and two events still in their outboxes because EventBridge
 * refused them when they were committed: oven-3's overheat and press-4's pressure alarm (press-4 has
 * nothing else due, so only the claim decides who sends it again).
 */
async function preparedState(): Promise<DynamoDbAlarmStore> {
  const tables = await createAlarmTables(dynamo.client, `sweeps-${++runs}`);
  const store = new DynamoDbAlarmStore({ ...tables, historyRetentionMs: 86_400_000, client: dynamo.client });
  const publisher = new RecordingPublisher();
  publisher.refuse = (detail) =>
    ["oven-3", "press-4"].includes(detail.device.thingName) && { resendable: true };
  const engine = engineOf(store, publisher, T0);
  await engine.recordConnectivity(
    { clientId: "oven-1", eventType: "disconnected", timestamp: T0 },
    deadline(),
  );
  const telemetry = {
    "oven-2": { temperature: 260 },
    "oven-3": { temperature: 260 },
    "press-4": { pressure: 12 },
  };
  for (const [thingName, metrics] of Object.entries(telemetry)) {
    const payload = new TextEncoder().encode(JSON.stringify({ ts: T0, metrics }));
    await engine.evaluateTelemetry([{ thingName, receivedAt: T0, payload }], deadline());
  }
  expect(publisher.published.map(alarmEventKey)).toEqual([expect.stringMatching(/^oven-overheat:oven-2\|/)]);
  return store;
}

/** Lets no sweep write a thing until `parties` sweeps have read it: they overlap on every thing. */
class ReadTogether implements AlarmStore {
  readonly #waiting = new Map<string, { loads: number; all: Promise<void>; release: () => void }>();

  constructor(
    private readonly inner: AlarmStore,
    private readonly parties: number,
  ) {}

  async load(thingName: string): Promise<ThingAlarms | undefined> {
    const doc = await this.inner.load(thingName);
    let entry = this.#waiting.get(thingName);
    if (!entry) {
      let release = () => {};
      const all = new Promise<void>((resolve) => {
        release = resolve;
      });
      entry = { loads: 0, all, release };
      this.#waiting.set(thingName, entry);
    }
    entry.loads++;
    if (entry.loads === this.parties) entry.release();
    if (entry.loads <= this.parties) await entry.all;
    return doc;
  }

  commit(...args: Parameters<AlarmStore["commit"]>) {
    return this.inner.commit(...args);
  }

  clearOutbox(...args: Parameters<AlarmStore["clearOutbox"]>) {
    return this.inner.clearOutbox(...args);
  }

  appendHistory(...args: Parameters<AlarmStore["appendHistory"]>) {
    return this.inner.appendHistory(...args);
  }

  scan(): AsyncIterable<ThingAlarms> {
    return this.inner.scan();
  }
}

/** `count` sweeps at once, each its own container (engine, EventBridge client) on one bus. */
async function sweeps(count: number, store: AlarmStore, bus: string): Promise<EngineReport[]> {
  const shared = count > 1 ? new ReadTogether(store, count) : store;
  return Promise.all(
    Array.from({ length: count }, async () => {
      const publisher = new EventBridgePublisher({
        eventBusName: bus,
        client: localEventBridgeClient(eventBridge.endpoint),
      });
      const outcome = await engineOf(shared, publisher, SWEEP_AT).sweep(shared.scan(), {
        ...deadline(),
        staleAfterMs: 2 * 60_000,
      });
      if (outcome.failures[0] !== undefined) throw outcome.failures[0].error;
      return outcome.report;
    }),
  );
}

function sentOn(bus: string): string[] {
  return eventBridge
    .events()
    .filter((event) => event.eventBusName === bus)
    .map((event) => alarmEventKey(event.detail as AlarmEventDetail))
    .sort();
}

/**
 * Every document without its version: the losing sweep may write the history its winner also
 * writes (history puts are idempotent, and clearing the outbox counts a version), nothing else.
 */
async function documentsOf(store: DynamoDbAlarmStore) {
  const docs: Omit<ThingAlarms, "version">[] = [];
  for await (const { version: _version, ...doc } of store.scan()) docs.push(doc);
  return docs.sort((a, b) => a.thingName.localeCompare(b.thingName));
}

describe("overlapping sweeps", () => {
  it("change the state and send the events exactly as one sweep does, each event once", async () => {
    const alone = await preparedState();
    const [single] = await sweeps(1, alone, "one-sweep");
    const overlapping = await preparedState();
    const both = await sweeps(2, overlapping, "two-sweeps");

    const once = sentOn("one-sweep");
    // The work is real: an offline alarm, two reminders, two refused events sent again.
    expect(once.map((key) => key.replace(/\|\d{4}-.*?Z/, ""))).toEqual([
      "offline:oven-1|ACTIVE",
      "oven-overheat:oven-2|ACTIVE|reminder-1",
      "oven-overheat:oven-3|ACTIVE",
      "oven-overheat:oven-3|ACTIVE|reminder-1",
      "pressure-high:press-4|ACTIVE",
    ]);
    expect(sentOn("two-sweeps")).toEqual(once);
    // Both sweeps read every thing before either wrote: one lost every race, and did nothing twice.
    expect(both.reduce((total, report) => total + report.conflicts, 0)).toBe(THINGS.length);
    expect(both.reduce((total, report) => total + report.transitions, 0)).toBe(single?.transitions);
    expect(both.reduce((total, report) => total + report.reminders, 0)).toBe(single?.reminders);
    // The same alarm state and the same history.
    expect(await documentsOf(overlapping)).toEqual(await documentsOf(alone));
    const historyOf = async (prefix: string) =>
      (await scanAll(dynamo.client, `${prefix}-history`)).map(
        // The feed attributes are the write's wall-clock time, which differs between the runs.
        ({ expiresAt: _e, feedDay: _d, feedKey: _k, ...item }) => item,
      );
    expect(await historyOf(`sweeps-${runs}`)).toEqual(await historyOf(`sweeps-${runs - 1}`));
  });
});
