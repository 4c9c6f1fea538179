import { AsyncLocalStorage } from "node:async_hooks";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbAlarmStore } from "../../../../shared/adapters/aws/dynamoDbAlarmStore.ts";
import { AlarmEngine, type EngineReport } from "../../../../shared/domain/alarms/alarmEngine.ts";
import { type AlarmEventDetail, alarmEventKey } from "../../../../shared/domain/alarms/alarmEvent.ts";
import { parseAlarmId, type ThingAlarms } from "../../../../shared/domain/alarms/alarmState.ts";
import { emptyThing, evaluateTelemetry } from "../../../../shared/domain/alarms/evaluateThing.ts";
import { type HistoryEntry, historySortKey } from "../../../../shared/domain/alarms/history.ts";
import type { AlarmRule } from "../../../../shared/domain/alarms/rule.ts";
import { RuleIndex } from "../../../../shared/domain/alarms/ruleIndex.ts";
import { toAlarmEvent, toHistoryEntry } from "../../../../shared/domain/alarms/toAlarmEvent.ts";
import type { Transition } from "../../../../shared/domain/alarms/transition.ts";
import {
  DEFAULT_TELEMETRY_LIMITS,
  type MetricValue,
  type ReceivedMessage,
  type Sample,
} from "../../../../shared/domain/ingest/types.ts";
import { ConcurrentUpdateError } from "../../../../shared/errors.ts";
import type { AlarmStore, CommitOutcome } from "../../../../shared/ports/alarmStore.ts";
import type { DeviceRecord } from "../../../../shared/ports/deviceRegistry.ts";
import type { EventPublisher, PublishResult } from "../../../../shared/ports/eventPublisher.ts";
import { rateRule, thresholdRule } from "../../../support/alarmRules.ts";
import { type AlarmTables, createAlarmTables, scanAll } from "../../../support/alarmTables.ts";
import { type LocalDynamo, startDynalite } from "../../../support/dynalite.ts";
import { InMemoryDeviceRegistry } from "../../../support/inMemoryPorts.ts";
import { type ManualClock, manualClock } from "../../../support/testClock.ts";

/*
 * C4 under the real delivery model, against dynalite with the real store and engine: at-least-once,
 * concurrent, out-of-order invocations must produce exactly the transitions of a serial evaluation.
 */

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
/** Processing time: after every sample, so none is ahead of its receipt or too old. */
const NOW = T0 + 86_400_000;
const WORKERS = 4;
const RUNS = 15;

const RULES: readonly AlarmRule[] = [
  thresholdRule({ id: "temp-high", condition: { op: ">", value: 250 } }),
  thresholdRule({
    id: "temp-sustained",
    severity: "major",
    condition: { op: ">", value: 240 },
    forMs: 20_000,
    latch: true,
  }),
  thresholdRule({
    id: "temp-count",
    severity: "minor",
    condition: { op: ">=", value: 255 },
    clear: { op: "<", value: 245 },
    count: 3,
  }),
  thresholdRule({
    id: "pressure-band",
    severity: "warning",
    metric: "pressure",
    condition: { op: "outside", low: 4, high: 6 },
    clear: { op: "inside", low: 4.5, high: 5.5 },
    count: 2,
  }),
  rateRule({ id: "pressure-rate", metric: "pressure", condition: { op: ">", value: 3 }, windowMs: 60_000 }),
  thresholdRule({
    id: "mode-fault",
    severity: "info",
    metric: "mode",
    condition: { op: "==", value: "FAULT" },
    latch: true,
  }),
];
const RULE_SET = { version: "1", rules: RULES };
const DEVICES: readonly DeviceRecord[] = [1, 2, 3, 4].map((n) => ({
  thingName: `oven-${n}`,
  site: "plant-1",
  line: `line-${n}`,
}));

// ---------------------------------------------------------------------------------------------
// Scenarios: per thing, messages of 1-3 samples with strictly increasing times; some redelivered.

interface Message {
  readonly id: string;
  readonly thingName: string;
  readonly receivedAt: number;
  readonly samples: readonly Sample[];
}

interface ThingPlan {
  readonly thingName: string;
  /** Every distinct message, in time order. */
  readonly messages: readonly Message[];
  /** What a partition delivers, in order: each message, its redelivery a little later. */
  readonly deliveries: readonly Message[];
}

const metricsArb = fc
  .record(
    {
      temperature: fc.oneof(fc.integer({ min: 236, max: 262 }), fc.constantFrom(240, 245, 250, 255)),
      pressure: fc.integer({ min: 35, max: 65 }).map((tenths) => tenths / 10),
      mode: fc.constantFrom<MetricValue>("AUTO", "AUTO", "FAULT", "MANUAL"),
    },
    { requiredKeys: [] },
  )
  .filter((metrics) => Object.keys(metrics).length > 0);
const messageArb = fc.record({
  samples: fc.array(fc.record({ gapMs: fc.integer({ min: 500, max: 12_000 }), metrics: metricsArb }), {
    minLength: 1,
    maxLength: 3,
  }),
  /** undefined: delivered once; n: delivered again after n further messages. */
  redelivery: fc.integer({ min: 0, max: 9 }).map((n) => (n < 7 ? undefined : n - 7)),
});
const scenarioArb = fc.record({
  things: fc.array(fc.array(messageArb, { minLength: 5, maxLength: 30 }), { minLength: 2, maxLength: 4 }),
  /** Decides which publishes fail (by event key, so the choice does not depend on timing). */
  failureSeed: fc.nat(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function planOf(scenario: Scenario): ThingPlan[] {
  return scenario.things.map((specs, thingIndex) => {
    const thingName = `oven-${thingIndex + 1}`;
    let time = T0;
    const messages = specs.map((spec, index): Message => {
      const samples = spec.samples.map(({ gapMs, metrics }) => {
        time += gapMs;
        return { time, metrics };
      });
      return { id: `${thingName}#${index}`, thingName, receivedAt: time + 250, samples };
    });
    const slots = specs.flatMap((spec, index) => [
      { at: index, message: messages[index] as Message },
      ...(spec.redelivery === undefined
        ? []
        : [{ at: index + spec.redelivery + 0.5, message: messages[index] as Message }]),
    ]);
    const deliveries = slots.sort((a, b) => a.at - b.at).map((slot) => slot.message);
    return { thingName, messages, deliveries };
  });
}

function received(message: Message): ReceivedMessage {
  const payload = {
    samples: message.samples.map((sample) => ({ ts: sample.time, metrics: sample.metrics })),
  };
  return {
    thingName: message.thingName,
    receivedAt: message.receivedAt,
    payload: new TextEncoder().encode(JSON.stringify(payload)),
  };
}

// ---------------------------------------------------------------------------------------------
// The harness: which delivery each store call and publish belongs to.

interface DeliveryContext {
  readonly deliveryId: number;
  readonly message: Message;
  /** The document the latest attempt read (undefined: none yet). */
  lastRead?: ThingAlarms | undefined;
  /** The version this delivery committed, if it committed. */
  committed?: number;
}

interface CommitRecord {
  readonly thingName: string;
  readonly version: number;
  readonly deliveryId: number | undefined;
  /** Event keys this commit added to the outbox, in transition order. */
  readonly eventKeys: readonly string[];
}

const deliveryContext = new AsyncLocalStorage<DeliveryContext>();

/** The real store, noting which delivery read and committed what, and every conflict. */
class RecordingStore implements AlarmStore {
  readonly commits: CommitRecord[] = [];
  conflicts = 0;
  /** Outside a delivery (the sweep, one update per thing at a time): the document last read per thing. */
  readonly #sweepReads = new Map<string, ThingAlarms | undefined>();

  constructor(private readonly inner: AlarmStore) {}

  async load(thingName: string): Promise<ThingAlarms | undefined> {
    const doc = await this.inner.load(thingName);
    const context = deliveryContext.getStore();
    if (context) context.lastRead = doc;
    else this.#sweepReads.set(thingName, doc);
    return doc;
  }

  async commit(next: ThingAlarms, expectedVersion: number | undefined): Promise<CommitOutcome> {
    const context = deliveryContext.getStore();
    // Events already in the outbox (the sweep re-stamps those it claims to send again) are not new.
    const before = (context ? context.lastRead : this.#sweepReads.get(next.thingName))?.outbox ?? {};
    const outcome = await this.inner.commit(next, expectedVersion);
    if (outcome === "conflict") {
      this.conflicts++;
      return outcome;
    }
    const eventKeys = Object.keys(next.outbox ?? {}).filter((key) => !Object.hasOwn(before, key));
    this.commits.push({
      thingName: next.thingName,
      version: next.version,
      deliveryId: context?.deliveryId,
      eventKeys,
    });
    if (context) context.committed = next.version;
    return outcome;
  }

  clearOutbox(
    thingName: string,
    delivered: { readonly events: readonly string[]; readonly history: readonly string[] },
  ) {
    return this.inner.clearOutbox(thingName, delivered);
  }

  appendHistory(records: Parameters<AlarmStore["appendHistory"]>[0]) {
    return this.inner.appendHistory(records);
  }

  scan(): AsyncIterable<ThingAlarms> {
    return this.inner.scan();
  }
}

class ScriptedPublishFailure extends Error {
  override readonly name = "ScriptedPublishFailure";
}

/**
 * Records every event it accepts, in order, with the delivery that published it (undefined: the
 * sweep). While `failing`, it refuses some events, or a whole call, chosen by the event key.
 */
class ScriptedPublisher implements EventPublisher {
  readonly accepted: { readonly detail: AlarmEventDetail; readonly deliveryId: number | undefined }[] = [];
  failing = true;
  refused = 0;

  constructor(private readonly seed: number) {}

  async publish(details: readonly AlarmEventDetail[]): Promise<PublishResult> {
    await new Promise((resolve) => setImmediate(resolve));
    const deliveryId = deliveryContext.getStore()?.deliveryId;
    const first = details[0];
    if (this.failing && first && roll(this.seed, alarmEventKey(first)) % 7 === 0) {
      this.refused += details.length;
      throw new ScriptedPublishFailure("EventBridge unavailable");
    }
    const failed = this.failing
      ? details.filter((detail) => roll(this.seed + 1, alarmEventKey(detail)) % 5 === 0)
      : [];
    for (const detail of details) {
      if (!failed.includes(detail)) this.accepted.push({ detail, deliveryId });
    }
    this.refused += failed.length;
    return {
      failures: failed.map((detail) => ({ detail, reason: "ThrottlingException", resendable: true })),
      retries: 0,
    };
  }
}

/** FNV-1a of seed and text. */
function roll(seed: number, text: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

interface Run {
  readonly tables: AlarmTables;
  readonly inner: DynamoDbAlarmStore;
  readonly store: RecordingStore;
  readonly publisher: ScriptedPublisher;
  readonly engine: AlarmEngine;
  readonly clock: ManualClock;
  readonly contexts: DeliveryContext[];
  readonly reports: EngineReport[];
}

let runs = 0;

async function startRun(dynamo: LocalDynamo, failureSeed: number): Promise<Run> {
  const tables = await createAlarmTables(dynamo.client, `engine-${++runs}`);
  const inner = new DynamoDbAlarmStore({ ...tables, historyRetentionMs: 86_400_000, client: dynamo.client });
  const store = new RecordingStore(inner);
  const publisher = new ScriptedPublisher(failureSeed);
  const clock = manualClock(NOW);
  const engine = new AlarmEngine({
    store,
    publisher,
    rules: { current: async () => RULE_SET },
    registry: new InMemoryDeviceRegistry(DEVICES),
    clock,
    limits: DEFAULT_TELEMETRY_LIMITS,
    pause: () => new Promise((resolve) => setTimeout(resolve, Math.random() * 3)),
  });
  return { tables, inner, store, publisher, engine, clock, contexts: [], reports: [] };
}

/** One invocation for one message; Lambda's retry when it gives up on conflicts. */
async function deliver(run: Run, message: Message): Promise<void> {
  const context: DeliveryContext = { deliveryId: run.contexts.length, message };
  run.contexts.push(context);
  for (let attempt = 1; ; attempt++) {
    try {
      const report = await deliveryContext.run(context, () =>
        run.engine.evaluateTelemetry([received(message)], { deadline: NOW + 60_000 }),
      );
      run.reports.push(report);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= 5) throw error;
    }
  }
}

/** Workers that each take the next item until none is left. */
async function workers(count: number, take: () => (() => Promise<void>) | undefined): Promise<void> {
  const worker = async () => {
    for (let job = take(); job; job = take()) await job();
  };
  await Promise.all(Array.from({ length: count }, worker));
}

/** After the telemetry: the sweep (a minute later, EventBridge healthy again) delivers what was deferred. */
async function sweep(run: Run): Promise<void> {
  run.publisher.failing = false;
  run.clock.set(NOW + 2 * 60_000);
  const { report, failures } = await run.engine.sweep(run.store.scan(), {
    deadline: run.clock.now() + 60_000,
    staleAfterMs: 60_000,
  });
  if (failures[0] !== undefined) throw failures[0].error;
  run.reports.push(report);
}

// ---------------------------------------------------------------------------------------------
// The pure reference.

const index = new RuleIndex(RULE_SET);

function contextOf(thingName: string) {
  const device = DEVICES.find((candidate) => candidate.thingName === thingName);
  return { rules: index.forThing(thingName, device), device, now: NOW };
}

function eventOf(transition: Transition): AlarmEventDetail {
  const rule = index.rule(transition.ruleId);
  if (!rule) throw new Error(`no rule ${transition.ruleId}`);
  return toAlarmEvent(
    transition,
    rule,
    DEVICES.find((device) => device.thingName === transition.thingName),
  );
}

/** A thing's distinct samples, in time order, one at a time through the pure evaluator. */
function referenceOf(plan: ThingPlan): { transitions: Transition[]; doc: ThingAlarms } {
  const context = contextOf(plan.thingName);
  let doc = emptyThing(plan.thingName);
  const transitions: Transition[] = [];
  for (const message of plan.messages) {
    for (const sample of message.samples) {
      const evaluation = evaluateTelemetry(
        doc,
        { receivedAt: message.receivedAt, samples: [sample] },
        context,
      );
      transitions.push(...evaluation.transitions);
      doc = evaluation.doc;
    }
  }
  return { transitions, doc };
}

// ---------------------------------------------------------------------------------------------
// Reading back.

function byKey(details: readonly AlarmEventDetail[]): AlarmEventDetail[] {
  return [...details].sort((a, b) => alarmEventKey(a).localeCompare(alarmEventKey(b)));
}

/** The history table's items of one thing: transitions with the commit version in their sort key, and late keys. */
async function historyOfThings(dynamo: LocalDynamo, run: Run) {
  const items = await scanAll(dynamo.client, run.tables.historyTableName);
  const byThing = new Map<
    string,
    { transitions: { version: number; index: number; entry: unknown }[]; late: string[] }
  >();
  for (const { sk, expiresAt: _expiresAt, feedDay: _day, feedKey: _key, ...entry } of items) {
    const thingName = parseAlarmId(String(entry.alarmId))?.thingName ?? "";
    const thing = byThing.get(thingName) ?? { transitions: [], late: [] };
    byThing.set(thingName, thing);
    if (entry.kind === "late") {
      thing.late.push(`${entry.alarmId}|${sk}`);
    } else {
      const [, version, position] = /#transition#(\d+)\.(\d+)$/.exec(String(sk)) ?? [];
      thing.transitions.push({ version: Number(version), index: Number(position), entry });
    }
  }
  return (thingName: string) => byThing.get(thingName) ?? { transitions: [], late: [] };
}

function byAlarmAndTime(entries: readonly unknown[]): unknown[] {
  const keyOf = (entry: unknown) => {
    const { alarmId, at, to } = entry as HistoryEntry & { to?: string };
    return `${alarmId}|${String(at).padStart(16, "0")}|${to ?? ""}`;
  };
  return [...entries].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

/** What every run must leave behind whatever the scenario: nothing pending, no unexpected error. */
async function expectSettled(run: Run, thingNames: readonly string[]): Promise<void> {
  for (const thingName of thingNames) {
    const stored = await run.inner.load(thingName);
    expect(stored?.outbox ?? {}).toEqual({});
    expect(stored?.historyOutbox ?? {}).toEqual({});
  }
  const errors = run.reports.flatMap((report) => report.deliveryErrors);
  expect(errors.filter((error) => !(error instanceof ScriptedPublishFailure))).toEqual([]);
  const deferred = run.reports.reduce((total, report) => total + report.eventsDeferred, 0);
  expect(deferred).toBe(run.publisher.refused);
}

describe("AlarmEngine with DynamoDbAlarmStore, concurrently", () => {
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it("publishes exactly each thing's reference transitions when its messages arrive in order", async () => {
    let deferredSomewhere = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const plans = planOf(scenario);
        const run = await startRun(dynamo, scenario.failureSeed);
        // One ordered partition per thing: its next message only after the previous one finished.
        const streams = plans.map((plan) => [...plan.deliveries]);
        const ready = [...streams];
        await workers(WORKERS, () => {
          const stream = ready.shift();
          const message = stream?.shift();
          if (!stream || !message) return undefined;
          return async () => {
            await deliver(run, message);
            if (stream.length > 0) ready.push(stream);
          };
        });
        const phaseOne = new Set(run.publisher.accepted.map(({ detail }) => alarmEventKey(detail)));
        deferredSomewhere += run.publisher.refused;
        await sweep(run);

        const history = await historyOfThings(dynamo, run);
        for (const plan of plans) {
          const reference = referenceOf(plan);
          const expected = reference.transitions.map(eventOf);
          const published = run.publisher.accepted
            .filter(({ detail }) => detail.device.thingName === plan.thingName)
            .map(({ detail }) => detail);
          expect(new Set(published.map(alarmEventKey)).size).toBe(published.length);
          expect(byKey(published)).toEqual(byKey(expected));
          // Published in the telemetry phase: in reference order (the sweep sends the deferred rest).
          expect(published.filter((detail) => phaseOne.has(alarmEventKey(detail)))).toEqual(
            expected.filter((detail) => phaseOne.has(alarmEventKey(detail))),
          );
          const stored = history(plan.thingName).transitions.map(({ entry }) => entry);
          expect(byAlarmAndTime(stored)).toEqual(byAlarmAndTime(reference.transitions.map(toHistoryEntry)));
          const doc = await run.inner.load(plan.thingName);
          expect(doc?.alarms).toEqual(reference.doc.alarms);
          expect(doc?.lastTelemetryAt).toBe(reference.doc.lastTelemetryAt);
        }
        // Nothing of a thing runs twice at once, so no write ever conflicts.
        expect(run.store.conflicts).toBe(0);
        await expectSettled(
          run,
          plans.map((plan) => plan.thingName),
        );
      }),
      { numRuns: RUNS },
    );
    expect(deferredSomewhere).toBeGreaterThan(0);
  });

  it("publishes exactly the transitions of replaying each thing's messages in commit order when they arrive shuffled", async () => {
    let conflicts = 0;
    let runsWithConflicts = 0;
    await fc.assert(
      fc.asyncProperty(
        scenarioArb.chain((scenario) => {
          const deliveries = planOf(scenario).flatMap((plan) =>
            plan.deliveries.map((message, at) => ({ message, at })),
          );
          // Each delivery moves later by up to `spread` places of its thing: from a little jitter to a full shuffle.
          return fc
            .record({
              spread: fc.constantFrom(2, 5, 12, 1e6),
              delays: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
                minLength: deliveries.length,
                maxLength: deliveries.length,
              }),
            })
            .map(({ spread, delays }) => ({
              scenario,
              shuffled: deliveries
                .map(({ message, at }, position) => ({ message, at: at + (delays[position] ?? 0) * spread }))
                .sort((a, b) => a.at - b.at)
                .map(({ message }) => message),
            }));
        }),
        async ({ scenario, shuffled }) => {
          const plans = planOf(scenario);
          const run = await startRun(dynamo, scenario.failureSeed);
          const queue = [...shuffled];
          await workers(WORKERS, () => {
            const message = queue.shift();
            return message && (() => deliver(run, message));
          });
          await sweep(run);
          conflicts += run.store.conflicts;
          if (run.store.conflicts > 0) runsWithConflicts++;

          const history = await historyOfThings(dynamo, run);
          for (const plan of plans) {
            const commits = run.store.commits
              .filter((commit) => commit.thingName === plan.thingName)
              .sort((a, b) => a.version - b.version);
            // One commit per version: two writers never both won from the same read.
            expect(new Set(commits.map((commit) => commit.version)).size).toBe(commits.length);

            // Replay each delivery where it took effect: a commit at its version; one that committed
            // nothing right after the version it read (it must change nothing there either).
            const placed = run.contexts
              .filter((context) => context.message.thingName === plan.thingName)
              .map((context) => ({
                context,
                at: context.committed ?? (context.lastRead?.version ?? 0) + 0.5,
              }))
              .sort((a, b) => a.at - b.at);
            const context = contextOf(plan.thingName);
            let doc = emptyThing(plan.thingName);
            const expectedEvents: AlarmEventDetail[] = [];
            const expectedHistory: { version: number; index: number; entry: unknown }[] = [];
            const expectedLate = new Set<string>();
            for (const { context: delivery } of placed) {
              const { message } = delivery;
              const evaluation = evaluateTelemetry(
                doc,
                { receivedAt: message.receivedAt, samples: message.samples },
                context,
              );
              if (delivery.committed === undefined) {
                expect(evaluation.transitions).toEqual([]);
                expect(evaluation.changed).toBe(false);
              } else {
                expect(evaluation.changed || evaluation.transitions.length > 0).toBe(true);
                const version = delivery.committed;
                expectedEvents.push(...evaluation.transitions.map(eventOf));
                expectedHistory.push(
                  ...evaluation.transitions.map((transition, position) => ({
                    version,
                    index: position,
                    entry: toHistoryEntry(transition),
                  })),
                );
              }
              for (const entry of evaluation.late) {
                if (entry.kind === "late")
                  expectedLate.add(`${entry.alarmId}|${historySortKey(entry, String(entry.receivedAt))}`);
              }
              doc = evaluation.doc;
            }

            // Every event accepted once, and in commit order they are the replay's transitions.
            const accepted = run.publisher.accepted.filter(
              ({ detail }) => detail.device.thingName === plan.thingName,
            );
            const acceptedByKey = new Map(accepted.map((entry) => [alarmEventKey(entry.detail), entry]));
            expect(acceptedByKey.size).toBe(accepted.length);
            const committedKeys = commits.flatMap((commit) => commit.eventKeys);
            expect(committedKeys.length).toBe(accepted.length);
            expect(committedKeys.map((key) => acceptedByKey.get(key)?.detail)).toEqual(expectedEvents);
            // Published by the invocation that committed it, unless deferred to the sweep.
            for (const commit of commits) {
              for (const key of commit.eventKeys) {
                expect([commit.deliveryId, undefined]).toContain(acceptedByKey.get(key)?.deliveryId);
              }
            }

            // The history holds the same transitions, under the versions that committed them.
            const stored = history(plan.thingName);
            const ordered = [...stored.transitions].sort(
              (a, b) => a.version - b.version || a.index - b.index,
            );
            expect(ordered).toEqual(expectedHistory);
            expect(new Set(stored.late)).toEqual(expectedLate);

            const final = await run.inner.load(plan.thingName);
            expect(final?.alarms).toEqual(doc.alarms);
            expect(final?.lastTelemetryAt).toBe(doc.lastTelemetryAt);
          }
          await expectSettled(
            run,
            plans.map((plan) => plan.thingName),
          );
        },
      ),
      { numRuns: RUNS },
    );
    // The property proves something about concurrency only if writers really collided.
    expect(conflicts).toBeGreaterThan(0);
    expect(runsWithConflicts).toBeGreaterThanOrEqual(Math.ceil(RUNS / 3));
  });

  it("records every late sample of a message that repeats one", async () => {
    const run = await startRun(dynamo, 0);
    run.publisher.failing = false;
    const message = (id: string, times: readonly number[]): Message => ({
      id,
      thingName: "oven-1",
      receivedAt: T0 + 60_000,
      samples: times.map((time) => ({ time, metrics: { temperature: 260 } })),
    });

    await deliver(run, message("first", [T0 + 10_000]));
    await deliver(run, message("repeat", [T0 + 5_000, T0 + 5_000]));

    const errors = run.reports.flatMap((report) => report.deliveryErrors);
    expect(errors).toEqual([]);
    const history = await historyOfThings(dynamo, run);
    // One late record per alarm on temperature: the repeated sample is one record.
    expect(history("oven-1").late).toHaveLength(3);
  });
});
