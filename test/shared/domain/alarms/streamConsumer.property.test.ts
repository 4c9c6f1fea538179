import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbAlarmStore } from "../../../../shared/adapters/aws/dynamoDbAlarmStore.ts";
import {
  type AlarmEventDetail,
  alarmEventKey,
  isReminder,
} from "../../../../shared/domain/alarms/alarmEvent.ts";
import {
  type OperatorAction,
  parseAlarmId,
  type ThingAlarms,
} from "../../../../shared/domain/alarms/alarmState.ts";
import {
  emptyThing,
  evaluateThing,
  type ThingInput,
} from "../../../../shared/domain/alarms/evaluateThing.ts";
import type { AlarmRule } from "../../../../shared/domain/alarms/rule.ts";
import { RuleIndex } from "../../../../shared/domain/alarms/ruleIndex.ts";
import {
  StreamAlarmConsumer,
  type StreamInput,
  type StreamRecord,
  thingOf,
} from "../../../../shared/domain/alarms/streamConsumer.ts";
import { toAlarmEvent } from "../../../../shared/domain/alarms/toAlarmEvent.ts";
import { parseTelemetry } from "../../../../shared/domain/ingest/parseTelemetry.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../../../shared/domain/ingest/types.ts";
import { ActionNotAllowedError } from "../../../../shared/errors.ts";
import type { AlarmStore, CommitOutcome } from "../../../../shared/ports/alarmStore.ts";
import type { DeviceRecord } from "../../../../shared/ports/deviceRegistry.ts";
import type { CheckpointedThing, ShardCheckpoints } from "../../../../shared/ports/shardCheckpoints.ts";
import { offlineRule, rateRule, thresholdRule } from "../../../support/alarmRules.ts";
import { createAlarmTables } from "../../../support/alarmTables.ts";
import { type LocalDynamo, startDynalite } from "../../../support/dynalite.ts";
import { InMemoryDeviceRegistry, RecordingPublisher } from "../../../support/inMemoryPorts.ts";

/*
 * C4 for the stream consumer that keeps alarm state in memory: whatever Lambda does with a shard —
 * containers that start cold, a shard that moves between two warm containers (the stale one must
 * notice), batches that fail and are delivered again from their earliest failed record, commits
 * that fail, checkpoints that cannot be saved — the published transitions are exactly those of
 * evaluating the shard's records once each, in order. The store is the real one, on dynalite.
 */

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const SHARD = "shardId-000000000000";
/** The shard, then its child, then its grandchild: each reshard moves the later records to the next. */
const SHARD_LINEAGE = [SHARD, "shardId-000000000001", "shardId-000000000002"];
const RUNS = 40;
const LIMITS = { ...DEFAULT_TELEMETRY_LIMITS, maxSampleAgeMs: Number.MAX_SAFE_INTEGER };

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
  rateRule({ id: "pressure-rate", metric: "pressure", condition: { op: ">", value: 3 }, windowMs: 60_000 }),
  offlineRule({ id: "offline", afterMs: 90_000, graceMs: 30_000 }),
];
const RULE_SET = { version: "1", rules: RULES };
const INDEX = new RuleIndex(RULE_SET);
const DEVICES: readonly DeviceRecord[] = [1, 2, 3].map((n) => ({ thingName: `oven-${n}`, site: "plant-1" }));
const ACTIONS: readonly OperatorAction[] = ["ACKNOWLEDGE", "SNOOZE", "DISABLE", "ENABLE", "RESET"];

// ---------------------------------------------------------------------------------------------
// The shard: telemetry of three things, with duplicates and late samples, presence events,
// operator actions and sweep ticks, in one order.

const stepArb = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant("telemetry" as const),
      thing: fc.integer({ min: 1, max: 3 }),
      gapMs: fc.integer({ min: 1_000, max: 40_000 }),
      /** A sample this much older than the thing's newest (late or duplicate), or 0 for a fresh one. */
      backMs: fc.oneof(
        { weight: 3, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 30_000 }) },
      ),
      temperature: fc.oneof(fc.integer({ min: 236, max: 262 }), fc.constantFrom(240, 245, 250, 255)),
      pressure: fc.integer({ min: 35, max: 65 }).map((tenths) => tenths / 10),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("lifecycle" as const),
      thing: fc.integer({ min: 1, max: 3 }),
      connected: fc.boolean(),
      gapMs: fc.integer({ min: 0, max: 60_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("action" as const),
      thing: fc.integer({ min: 1, max: 3 }),
      rule: fc.constantFrom(...RULES.map((rule) => rule.id)),
      action: fc.constantFrom(...ACTIONS),
      snoozeMs: fc.integer({ min: 10_000, max: 120_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("tick" as const),
      thing: fc.integer({ min: 1, max: 3 }),
      gapMs: fc.integer({ min: 0, max: 150_000 }),
    }),
  },
);

/** What Lambda and AWS do to the consumers, one choice per batch. */
const deliveryArb = fc.record({
  size: fc.integer({ min: 1, max: 12 }),
  /** Which container takes the batch: a warm one (0 or 1, so the shard moves between them), or a new one. */
  container: fc.constantFrom(0, 0, 1, 1, 2),
  /** Commits (1-based, within the batch) that fail with a throttle; 0 for none. */
  failCommit: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) },
  ),
  failCheckpoint: fc.oneof(
    { weight: 9, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
});

const scenarioArb = fc.record({
  steps: fc.array(stepArb, { minLength: 10, maxLength: 60 }),
  deliveries: fc.array(deliveryArb, { minLength: 200, maxLength: 200 }),
  /** Where the shard is resharded, as fractions of its records: none, once or twice. */
  reshards: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 2 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** The shard's records in order, each input with the time it happened. */
function recordsOf(scenario: Scenario): StreamRecord[] {
  let clock = T0;
  const newest = new Map<string, number>();
  return scenario.steps.map((step, index): StreamRecord => {
    const thingName = `oven-${step.thing}`;
    const sequenceNumber = String(49_000_000_000_000_000_000n + BigInt(index) * 1_000n);
    let input: StreamInput;
    switch (step.kind) {
      case "telemetry": {
        clock += step.gapMs;
        const latest = newest.get(thingName) ?? clock;
        const time = step.backMs === 0 ? clock : Math.max(T0, latest - step.backMs);
        if (step.backMs === 0) newest.set(thingName, clock);
        const payload = JSON.stringify({
          ts: time,
          metrics: { temperature: step.temperature, pressure: step.pressure },
        });
        input = {
          kind: "telemetry",
          message: { thingName, receivedAt: clock + 200, payload: new TextEncoder().encode(payload) },
        };
        break;
      }
      case "lifecycle":
        clock += step.gapMs;
        input = {
          kind: "lifecycle",
          event: {
            clientId: thingName,
            eventType: step.connected ? "connected" : "disconnected",
            timestamp: clock,
          },
        };
        break;
      case "action":
        clock += 1_000;
        input = {
          kind: "action",
          alarmId: `${step.rule}:${thingName}`,
          request: {
            action: step.action,
            actor: { id: "ana" },
            ...(step.action === "SNOOZE" ? { durationMs: step.snoozeMs } : {}),
          },
          at: clock,
        };
        break;
      case "tick":
        clock += step.gapMs;
        input = { kind: "tick", thingName, at: clock };
        break;
    }
    return { sequenceNumber, input };
  });
}

/** The truth: each record evaluated once, in order, by the pure domain; the events it must publish. */
function referenceEvents(records: readonly StreamRecord[]): Map<string, string[]> {
  const docs = new Map<string, ThingAlarms>();
  const events = new Map<string, string[]>();
  for (const { input } of records) {
    const thingName = thingOf(input);
    const device = DEVICES.find((candidate) => candidate.thingName === thingName);
    const rules = INDEX.forThing(thingName, device);
    const now = eventTimeOf(input);
    let thingInput: ThingInput;
    if (input.kind === "telemetry") {
      const { samples } = parseTelemetry(input.message, LIMITS, now);
      thingInput = {
        kind: "telemetry",
        messages: [{ receivedAt: input.message.receivedAt, samples: samples.map(({ sample }) => sample) }],
      };
    } else if (input.kind === "lifecycle") {
      thingInput = {
        kind: "connectivity",
        connectivity: { connected: input.event.eventType === "connected", since: input.event.timestamp },
      };
    } else if (input.kind === "tick") {
      thingInput = { kind: "tick" };
    } else {
      const ruleId = parseAlarmId(input.alarmId)?.ruleId as string;
      thingInput = { kind: "action", alarmId: input.alarmId, ruleId, request: input.request };
    }
    const doc = docs.get(thingName) ?? emptyThing(thingName);
    try {
      const evaluation = evaluateThing(doc, thingInput, { device, rules, now });
      docs.set(thingName, evaluation.doc);
      const keys = events.get(thingName) ?? [];
      for (const transition of evaluation.transitions) {
        keys.push(
          alarmEventKey(toAlarmEvent(transition, INDEX.rule(transition.ruleId) as AlarmRule, device)),
        );
      }
      events.set(thingName, keys);
    } catch (error) {
      if (!(error instanceof ActionNotAllowedError)) throw error;
    }
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// Faults

class ScriptedThrottle extends Error {
  override readonly name = "ProvisionedThroughputExceededException";
}

/** The real store; the commit numbered `failAt` (within the current batch) throws instead of writing. */
class FaultyStore implements AlarmStore {
  failAt = 0;
  #commits = 0;
  constructor(private readonly inner: AlarmStore) {}
  startBatch(failAt: number) {
    this.failAt = failAt;
    this.#commits = 0;
  }
  load(thingName: string) {
    return this.inner.load(thingName);
  }
  async commit(next: ThingAlarms, expected: number | undefined): Promise<CommitOutcome> {
    this.#commits++;
    if (this.#commits === this.failAt) throw new ScriptedThrottle("throttled");
    return this.inner.commit(next, expected);
  }
  clearOutbox(...args: Parameters<AlarmStore["clearOutbox"]>) {
    return this.inner.clearOutbox(...args);
  }
  appendHistory(...args: Parameters<AlarmStore["appendHistory"]>) {
    return this.inner.appendHistory(...args);
  }
  scan() {
    return this.inner.scan();
  }
}

/** Checkpoints with S3's conditional-write semantics (a new tag per save); a save can be made to fail. */
class InMemoryCheckpoints implements ShardCheckpoints {
  readonly #saved = new Map<string, { tag: string; things: readonly CheckpointedThing[] }>();
  #tags = 0;
  failNextSave = false;
  async latestTag(shardId: string) {
    return this.#saved.get(shardId)?.tag;
  }
  async load(shardId: string) {
    const saved = this.#saved.get(shardId);
    return saved && structuredClone(saved);
  }
  async save(shardId: string, things: readonly CheckpointedThing[], expectedTag: string | undefined) {
    if (this.failNextSave) {
      this.failNextSave = false;
      throw new Error("S3 unavailable");
    }
    if (this.#saved.get(shardId)?.tag !== expectedTag) return "conflict" as const;
    const tag = `"${++this.#tags}"`;
    this.#saved.set(shardId, { tag, things: structuredClone(things) });
    return { tag };
  }
}

describe("StreamAlarmConsumer with DynamoDbAlarmStore, through Lambda's delivery of a shard", () => {
  let dynamo: LocalDynamo;
  let runs = 0;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it("publishes exactly the transitions of evaluating each record once, in order", async () => {
    const seen = { cold: 0, redelivered: 0, failedBatches: 0, moves: 0 };
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const records = recordsOf(scenario);
        const tables = await createAlarmTables(dynamo.client, `stream-${runs++}`);
        const store = new FaultyStore(
          new DynamoDbAlarmStore({ ...tables, client: dynamo.client, historyRetentionMs: 86_400_000 }),
        );
        const publisher = new RecordingPublisher();
        const checkpoints = new InMemoryCheckpoints();
        const consumer = () =>
          new StreamAlarmConsumer({
            store,
            publisher,
            checkpoints,
            rules: { current: async () => RULE_SET },
            registry: new InMemoryDeviceRegistry(DEVICES),
            limits: LIMITS,
          });
        const warm = [consumer(), consumer()];
        // Lambda reads a parent shard to its end before its child: records before a split are the
        // parent's, those after it the child's, each batch from one shard.
        const splits = scenario.reshards.map((at) => Math.floor(at * records.length)).sort((a, b) => a - b);
        const shardAt = (at: number) => SHARD_LINEAGE[splits.filter((split) => split <= at).length] as string;
        const endOfShard = (at: number) => splits.find((split) => split > at) ?? records.length;
        let position = 0;
        let last = 0;
        for (const delivery of scenario.deliveries) {
          if (position >= records.length) break;
          const end = Math.min(position + delivery.size, endOfShard(position));
          const batch = records.slice(position, end);
          const container =
            delivery.container === 2 ? consumer() : (warm[delivery.container] as StreamAlarmConsumer);
          if (delivery.container !== last) seen.moves++;
          last = delivery.container;
          store.startBatch(delivery.failCommit);
          checkpoints.failNextSave = delivery.failCheckpoint;
          try {
            const outcome = await container.batch(shardAt(position), batch, {
              deadline: Number.MAX_SAFE_INTEGER,
            });
            if (outcome.coldStart) seen.cold++;
            seen.redelivered += outcome.redelivered;
            const earliest = outcome.failures[0]?.items[0];
            if (earliest !== undefined) seen.failedBatches++;
            position += earliest ?? batch.length;
          } catch {
            // The whole batch is delivered again (a failed checkpoint save, a checkpoint taken).
            seen.failedBatches++;
          }
        }
        // Every scenario has room to finish: 200 deliveries for at most 60 records.
        expect(position).toBe(records.length);

        // Then a sweep tick for each thing, in a batch without faults: whatever an outbox still holds goes out.
        const lastAt = Math.max(...records.map(({ input }) => eventTimeOf(input)));
        const finalTicks: StreamRecord[] = DEVICES.map(({ thingName }, index) => ({
          sequenceNumber: String(59_000_000_000_000_000_000n + BigInt(index)),
          input: { kind: "tick", thingName, at: lastAt },
        }));
        const reference = referenceEvents([...records, ...finalTicks]);
        store.startBatch(0);
        await consumer().batch(shardAt(records.length), finalTicks, { deadline: Number.MAX_SAFE_INTEGER });

        for (const { thingName } of DEVICES) {
          const published = publisher.published
            .filter(
              (detail: AlarmEventDetail) => detail.device.thingName === thingName && !isReminder(detail),
            )
            .map(alarmEventKey);
          expect(firstAppearances(published)).toEqual(reference.get(thingName) ?? []);
        }
      }),
      { numRuns: RUNS },
    );
    // The faults happened: cold starts, moves between warm containers, redelivered records.
    expect(seen.cold).toBeGreaterThan(RUNS);
    expect(seen.moves).toBeGreaterThan(0);
    expect(seen.redelivered).toBeGreaterThan(0);
    expect(seen.failedBatches).toBeGreaterThan(0);
  }, 240_000);
});

function eventTimeOf(input: StreamInput): number {
  if (input.kind === "telemetry") return input.message.receivedAt;
  return input.kind === "lifecycle" ? input.event.timestamp : input.at;
}

function firstAppearances(keys: readonly string[]): string[] {
  return [...new Set(keys)];
}
