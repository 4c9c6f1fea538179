import { describe, expect, it } from "vitest";
import { AlarmEngine } from "../../../../shared/domain/alarms/alarmEngine.ts";
import type { AlarmRule } from "../../../../shared/domain/alarms/rule.ts";
import { StreamAlarmConsumer, type StreamRecord } from "../../../../shared/domain/alarms/streamConsumer.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../../../shared/domain/ingest/types.ts";
import type { CheckpointedThing, ShardCheckpoints } from "../../../../shared/ports/shardCheckpoints.ts";
import { offlineRule, thresholdRule } from "../../../support/alarmRules.ts";
import {
  InMemoryAlarmStore,
  InMemoryDeviceRegistry,
  RecordingPublisher,
} from "../../../support/inMemoryPorts.ts";
import { manualClock } from "../../../support/testClock.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const SHARD = "shardId-000000000001";
const DEADLINE = { deadline: Number.MAX_SAFE_INTEGER };

class MemoryCheckpoints implements ShardCheckpoints {
  readonly saved = new Map<string, { tag: string; things: readonly CheckpointedThing[] }>();
  saves = 0;
  async latestTag(shardId: string) {
    return this.saved.get(shardId)?.tag;
  }
  async load(shardId: string) {
    return structuredClone(this.saved.get(shardId));
  }
  async save(shardId: string, things: readonly CheckpointedThing[], expectedTag: string | undefined) {
    if (this.saved.get(shardId)?.tag !== expectedTag) return "conflict" as const;
    const tag = `"${++this.saves}"`;
    this.saved.set(shardId, { tag, things: structuredClone(things) });
    return { tag };
  }
}

function setup(rules: readonly AlarmRule[] = [thresholdRule()]) {
  const store = new InMemoryAlarmStore();
  const publisher = new RecordingPublisher();
  const checkpoints = new MemoryCheckpoints();
  const consumer = () =>
    new StreamAlarmConsumer({
      store,
      publisher,
      checkpoints,
      rules: { current: async () => ({ version: "1", rules }) },
      registry: new InMemoryDeviceRegistry([{ thingName: "oven-1", site: "plant-1" }]),
      limits: { ...DEFAULT_TELEMETRY_LIMITS, maxSampleAgeMs: Number.MAX_SAFE_INTEGER },
    });
  return { store, publisher, checkpoints, consumer };
}

let sequence = 0;
/** A telemetry record of oven-1: one temperature sample at `seconds`, received when `receivedSeconds` says. */
function reading(seconds: number, temperature: number, receivedSeconds = seconds): StreamRecord {
  const payload = JSON.stringify({ ts: T0 + seconds * 1000, metrics: { temperature } });
  return {
    sequenceNumber: String(49_000_000_000_000_000_000n + BigInt(++sequence)),
    input: {
      kind: "telemetry",
      message: {
        thingName: "oven-1",
        receivedAt: T0 + receivedSeconds * 1000,
        payload: new TextEncoder().encode(payload),
      },
    },
  };
}

const states = (publisher: RecordingPublisher) =>
  publisher.published.map((event) => `${event.state.previous}→${event.state.value}`);

describe("StreamAlarmConsumer", () => {
  it("fails a moved thing whose previous shard's checkpoint cannot be read, and continues it exactly on redelivery", async () => {
    const { publisher, checkpoints, consumer } = setup();
    const [parent, child] = ["shardId-000000000020", "shardId-000000000021"];
    await consumer().batch(parent, [reading(10, 200), reading(40, 200)], DEADLINE);
    const load = checkpoints.load.bind(checkpoints);
    let unreadable = 1;
    checkpoints.load = async (shardId: string) => {
      if (shardId === parent && unreadable-- > 0) throw new Error("S3 throttled");
      return load(shardId);
    };
    const moved = consumer();
    // Late by the parent's memory (40 s): recorded, never a transition.
    const batch = [reading(30, 300, 45), reading(50, 300)];

    const first = await moved.batch(child, batch, DEADLINE);
    const again = await moved.batch(child, batch, DEADLINE);

    expect(first.failures.map(({ thingName, items }) => [thingName, items])).toEqual([["oven-1", [0, 1]]]);
    expect(again.failures).toEqual([]);
    expect(states(publisher)).toEqual(["NORMAL→ACTIVE"]);
    expect(publisher.published[0]?.state.timestamp).toBe(new Date(T0 + 50_000).toISOString());
  });

  it("after two reshards, continues a thing from the shard that handled it last, even with nothing durable there", async () => {
    const { publisher, consumer } = setup();
    const [parent, child, grandchild] = [
      "shardId-000000000010",
      "shardId-000000000011",
      "shardId-000000000012",
    ];

    await consumer().batch(parent, [reading(10, 200)], DEADLINE);
    // The child writes the thing's first record on it, then holds the next in memory only.
    await consumer().batch(child, [reading(20, 200), reading(40, 200)], DEADLINE);
    // Late by the child's memory (40 s), not by the stored document (20 s) nor the parent's (10 s).
    await consumer().batch(grandchild, [reading(30, 300, 45)], DEADLINE);
    await consumer().batch(grandchild, [reading(50, 300)], DEADLINE);

    expect(states(publisher)).toEqual(["NORMAL→ACTIVE"]);
    expect(publisher.published[0]?.state.timestamp).toBe(new Date(T0 + 50_000).toISOString());
  });

  it("writes a thing's document only when something durable changed, however many messages pass", async () => {
    const { store, publisher, consumer } = setup();
    const one = consumer();

    for (let second = 10; second <= 300; second += 10) {
      await one.batch(SHARD, [reading(second, 200)], DEADLINE);
    }
    // Only the thing's first record on this shard (the stored document names the shard holding its memory).
    expect(store.commits).toBe(1);

    await one.batch(SHARD, [reading(310, 262)], DEADLINE);
    expect(store.commits).toBe(2);
    expect(states(publisher)).toEqual(["NORMAL→ACTIVE"]);
  });

  it("writes lastTelemetryAt when a thing with offline rules first reports, then every 15 minutes", async () => {
    const { store, consumer } = setup([offlineRule({ afterMs: 5 * 60_000 })]);
    const one = consumer();

    await one.batch(SHARD, [reading(10, 200)], DEADLINE);
    expect((await store.load("oven-1"))?.lastTelemetryAt).toBe(T0 + 10_000);

    for (let second = 20; second <= 3_600; second += 10)
      await one.batch(SHARD, [reading(second, 200)], DEADLINE);
    // An hour of messages every ten seconds: the first write, then one per quarter hour.
    expect(store.commits).toBe(4);
    expect((await store.load("oven-1"))?.lastTelemetryAt).toBe(T0 + 2_710_000);
  });

  it("starts from the checkpoint, not its stale memory, when the shard was with another container meanwhile", async () => {
    const { publisher, consumer } = setup();
    const first = consumer();
    const second = consumer();

    await first.batch(SHARD, [reading(10, 200)], DEADLINE);
    // The other container evaluates a newer sample: nothing durable, so only memory and checkpoint know it.
    await second.batch(SHARD, [reading(100, 200)], DEADLINE);
    // Back to the first: a sample from before 100 s is late, whatever the first container remembers.
    const outcome = await first.batch(SHARD, [reading(50, 262, 101)], DEADLINE);

    expect(outcome.coldStart).toBe(true);
    expect(outcome.report.late).toBe(1);
    expect(states(publisher)).toEqual([]);
  });

  it("carries on from memory while the checkpoint is the one it saved", async () => {
    const { consumer } = setup();
    const one = consumer();

    const first = await one.batch(SHARD, [reading(10, 200)], DEADLINE);
    const next = await one.batch(SHARD, [reading(20, 200)], DEADLINE);

    expect([first.coldStart, next.coldStart]).toEqual([true, false]);
  });

  it("skips the records of a batch delivered again that the state already reflects", async () => {
    const { publisher, consumer } = setup();
    const one = consumer();
    const batch = [reading(10, 262), reading(20, 200), reading(30, 262)];

    await one.batch(SHARD, batch, DEADLINE);
    const again = await consumer().batch(SHARD, batch, DEADLINE);

    expect(again.redelivered).toBe(3);
    expect(states(publisher)).toEqual(["NORMAL→ACTIVE", "ACTIVE→NORMAL", "NORMAL→ACTIVE"]);
  });

  it("fails a batch whose checkpoint another container saved meanwhile, so Lambda delivers it again", async () => {
    const { checkpoints, consumer } = setup();
    const one = consumer();
    await one.batch(SHARD, [reading(10, 200)], DEADLINE);
    // Another container saves between this container's check and its save.
    const latestTag = checkpoints.latestTag.bind(checkpoints);
    checkpoints.latestTag = async (shardId) => {
      const tag = await latestTag(shardId);
      checkpoints.latestTag = latestTag;
      await consumer().batch(SHARD, [reading(15, 200)], DEADLINE);
      return tag;
    };

    await expect(one.batch(SHARD, [reading(20, 200)], DEADLINE)).rejects.toMatchObject({
      name: "ShardCheckpointTakenError",
    });
    const retried = await one.batch(SHARD, [reading(20, 200)], DEADLINE);
    expect(retried.coldStart).toBe(true);
  });

  it("evaluates an operator action in stream order and refuses one its state no longer allows", async () => {
    const { publisher, consumer } = setup();
    const action = (seconds: number, what: "ACKNOWLEDGE" | "RESET"): StreamRecord => ({
      sequenceNumber: String(49_000_000_000_000_000_000n + BigInt(++sequence)),
      input: {
        kind: "action",
        alarmId: "oven-overheat:oven-1",
        request: { action: what, actor: { id: "ana" } },
        at: T0 + seconds * 1000,
      },
    });

    const outcome = await consumer().batch(
      SHARD,
      [reading(10, 262), action(11, "ACKNOWLEDGE"), action(12, "ACKNOWLEDGE"), reading(20, 200)],
      DEADLINE,
    );

    expect(states(publisher)).toEqual(["NORMAL→ACTIVE", "ACTIVE→ACKNOWLEDGED", "ACKNOWLEDGED→NORMAL"]);
    expect(outcome.refusedActions).toEqual([
      { alarmId: "oven-overheat:oven-1", reason: expect.stringContaining("ACKNOWLEDGE") },
    ]);
  });

  it("gives the sweep a tick, not a false offline alarm, for a reporting thing whose stored lastTelemetryAt lags", async () => {
    const rules = [offlineRule({ afterMs: 5 * 60_000 })];
    const { store, publisher, consumer } = setup(rules);
    const one = consumer();
    const clock = manualClock(T0);
    const engine = new AlarmEngine({
      store,
      publisher,
      rules: { current: async () => ({ version: "1", rules }) },
      registry: new InMemoryDeviceRegistry([{ thingName: "oven-1", site: "plant-1" }]),
      clock,
      limits: DEFAULT_TELEMETRY_LIMITS,
    });
    const sweepAt = async (seconds: number) => {
      clock.set(T0 + seconds * 1000);
      const ticks = await engine.ticksDue(store.scan(), { staleAfterMs: 120_000 });
      const records = ticks.map(({ thingName, at }) => ({
        sequenceNumber: String(49_000_000_000_000_000_000n + BigInt(++sequence)),
        input: { kind: "tick" as const, thingName, at },
      }));
      if (records.length > 0) await one.batch(SHARD, records, DEADLINE);
      return ticks.length;
    };

    for (let second = 10; second <= 660; second += 10)
      await one.batch(SHARD, [reading(second, 200)], DEADLINE);
    const stored = (await store.load("oven-1"))?.lastTelemetryAt as number;
    expect(T0 + 660_000 - stored).toBeGreaterThan(60_000);

    // Five minutes after the stored time the stored document looks silent: a tick, and nothing raised.
    expect(await sweepAt((stored - T0) / 1000 + 300)).toBe(1);
    expect(states(publisher)).toEqual([]);
    // Five minutes after the last message it is silent: the tick raises the offline alarm.
    expect(await sweepAt(660 + 300)).toBe(1);
    expect(states(publisher)).toEqual(["NORMAL→ACTIVE"]);
  });
});
