import { describe, expect, it } from "vitest";
import { measureProfile, type ProfileShape } from "../../cost/measureProfile.ts";

const SHAPE: ProfileShape = {
  devices: 6,
  intervalMs: 10_000,
  metrics: 8,
  batchSize: 1,
  containers: 1,
  lastSeenIntervalMs: 300_000,
  registryCacheTtlMs: 60_000,
};

describe("measured workload profile", () => {
  it("writes one single-record request per message when each message is its own invocation", async () => {
    const profile = await measureProfile(SHAPE);
    expect(profile.messages).toBeGreaterThan(0);
    expect(profile.timestream.requests).toBe(profile.messages);
    expect(profile.timestream.records).toBe(profile.messages);
    // One consistent read of the thing's alarm state per message, and a write (lastTelemetryAt).
    expect(profile.alarms.readUnits).toBe(profile.messages);
    expect(profile.alarms.writes).toBeGreaterThanOrEqual(profile.messages);
  });

  it("sends the same points to InfluxDB as one /write request per invocation, a line per sample", async () => {
    const single = await measureProfile(SHAPE);
    expect(single.influx.requests).toBe(single.messages);
    expect(single.influx.lines).toBe(single.samples);
    expect(single.influx.bytes).toBeGreaterThan(0);
    // Batches of 12 messages: one request of 12 lines each (InfluxDB takes up to 5,000 a request).
    const batched = await measureProfile({ ...SHAPE, batchSize: 12 });
    expect(batched.influx.lines / batched.influx.requests).toBeCloseTo(12, 0);
  });

  it("packs the messages of one batch into one request, whatever things they come from", async () => {
    // Batches of 12 messages from 6 devices: one WriteRecords request of 12 records per batch.
    const profile = await measureProfile({ ...SHAPE, batchSize: 12 });
    expect(profile.timestream.records / profile.timestream.requests).toBeCloseTo(12, 0);
  });

  it("writes lastSeen less often with a longer interval", async () => {
    const often = await measureProfile({ ...SHAPE, lastSeenIntervalMs: 30_000 });
    const rarely = await measureProfile({ ...SHAPE, lastSeenIntervalMs: 300_000 });
    const rate = (profile: typeof often) => profile.registry.lastSeenWrites / profile.messages;
    // Every 3rd message against every 30th: ten times the writes, per message.
    expect(rate(often)).toBeGreaterThan(rate(rarely) * 5);
  });

  it("writes lastSeen more often when messages spread over containers with their own caches", async () => {
    const one = await measureProfile(SHAPE);
    const many = await measureProfile({ ...SHAPE, containers: 20 });
    expect(many.registry.lastSeenWrites).toBeGreaterThan(one.registry.lastSeenWrites);
  });

  it("counts transitions and the PutEvents that carry them under the demo scenario", async () => {
    const profile = await measureProfile(SHAPE);
    expect(profile.events.transitions).toBeGreaterThan(0);
    expect(profile.events.putEventsRequests).toBe(profile.events.transitions);
  });

  it("keeps stream mode's alarm state in memory: a small fraction of the per-message reads and writes, through restarts", async () => {
    // The fleet `plantwatch cost` simulates: with fewer devices the demo's transitions weigh more.
    const shape = { ...SHAPE, devices: 20 };
    const direct = await measureProfile(shape);
    const stream = await measureProfile({ ...shape, stream: true });

    // Same messages, same transitions: only where the state lives differs.
    expect(stream.events.transitions).toBe(direct.events.transitions);
    expect(direct.alarms.writeUnits / direct.messages).toBeGreaterThanOrEqual(1);
    expect(stream.alarms.writeUnits / stream.messages).toBeLessThan(0.05);
    expect(stream.alarms.readUnits / stream.messages).toBeLessThan(0.05);
    // The consumer restarted (cold: the checkpoint loaded, the things read again) and saved a checkpoint per batch.
    expect(stream.checkpoints.loads).toBeGreaterThan(0);
    expect(stream.alarms.readUnits).toBeGreaterThan(0);
    expect(stream.checkpoints.saves).toBe(stream.messages);
  });
});
