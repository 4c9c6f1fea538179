import { beforeEach, describe, expect, it } from "vitest";
import { ingestMessages } from "../../../../shared/domain/ingest/ingestMessages.ts";
import { DEFAULT_TELEMETRY_LIMITS, type ReceivedMessage } from "../../../../shared/domain/ingest/types.ts";
import {
  InMemoryDeviceRegistry,
  InMemoryQuarantineStore,
  InMemorySeriesStore,
} from "../../../support/inMemoryPorts.ts";
import { manualClock } from "../../../support/testClock.ts";

const NOW = Date.parse("2026-11-25T12:00:00.000Z");

function message(thingName: string, payload: unknown, receivedAt = NOW - 100): ReceivedMessage {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  return { thingName, receivedAt, clientId: thingName, payload: new TextEncoder().encode(text) };
}

describe("ingestMessages", () => {
  let registry: InMemoryDeviceRegistry;
  let store: InMemorySeriesStore;
  let quarantine: InMemoryQuarantineStore;
  const ingestOutcome = (messages: ReceivedMessage[]) =>
    ingestMessages(
      messages,
      { registry, store, quarantine, clock: manualClock(NOW), limits: DEFAULT_TELEMETRY_LIMITS },
      { deadline: NOW + 10_000 },
    );
  const ingest = async (messages: ReceivedMessage[]) => (await ingestOutcome(messages)).report;

  beforeEach(() => {
    registry = new InMemoryDeviceRegistry([{ thingName: "oven-3", site: "plant-1", line: "line-2" }]);
    store = new InMemorySeriesStore();
    quarantine = new InMemoryQuarantineStore();
  });

  it("stores samples with site and line from the registry and the receive time as version", async () => {
    const report = await ingest([
      message("oven-3", { ts: NOW - 500, metrics: { temperature: 262.4 } }, NOW - 200),
    ]);

    expect(store.points).toEqual([
      {
        thingName: "oven-3",
        site: "plant-1",
        line: "line-2",
        time: NOW - 500,
        version: NOW - 200,
        metrics: { temperature: 262.4 },
        ref: { messageIndex: 0, sampleIndex: 0 },
      },
    ]);
    expect(report).toEqual({
      messages: 1,
      stored: 1,
      quarantined: {},
      retries: 0,
      unwritten: 0,
      lastSeenFailures: 0,
    });
    expect(quarantine.batches).toEqual([]);
  });

  it("stores samples of an unregistered thing without site and line", async () => {
    await ingest([message("press-9", { metrics: { pressure: 3 } })]);

    expect(store.points).toHaveLength(1);
    expect(store.points[0]).not.toHaveProperty("site");
    expect(store.points[0]).not.toHaveProperty("line");
  });

  it("accounts for every message of a mixed batch in one quarantine write", async () => {
    const report = await ingest([
      message("oven-3", { samples: [{ metrics: { a: 1 } }, { metrics: { b: 2 } }] }),
      message("oven-3", "not json"),
      message("oven-4", { metrics: { a: 1, "bad name": 2 } }),
      message("oven-5", { metrics: {} }),
    ]);

    expect(report.stored).toBe(3);
    expect(report.quarantined).toEqual({ invalid_json: 1, metric_name: 1, no_metrics: 1 });
    expect(quarantine.batches).toHaveLength(1);
    expect(quarantine.entries.map(({ thingName, reason }) => [thingName, reason])).toEqual([
      ["oven-3", "invalid_json"],
      ["oven-4", "metric_name"],
      ["oven-5", "no_metrics"],
    ]);
  });

  it("quarantines what the store rejects with the store's reason and counts the rest as stored", async () => {
    store.verdict = (point) =>
      point.metrics.a === 2 ? { reject: "conflicting measure type (existing version 7)" } : "store";

    const report = await ingest([
      message("oven-3", { samples: [{ metrics: { a: 1 } }, { metrics: { a: 2 } }] }),
    ]);

    expect(report.stored).toBe(1);
    expect(report.quarantined).toEqual({ store_rejected: 1 });
    expect(quarantine.entries[0]).toMatchObject({
      reason: "store_rejected",
      detail: "conflicting measure type (existing version 7)",
      sampleIndex: 1,
      message: JSON.stringify({ samples: [{ metrics: { a: 1 } }, { metrics: { a: 2 } }] }),
    });
  });

  it("reports unwritten samples for a retry while still quarantining and counting the rest", async () => {
    store.verdict = (point) => (point.thingName === "oven-4" ? "unwritten" : "store");

    const { report, unwritten } = await ingestOutcome([
      message("oven-3", { metrics: { a: 1 } }),
      message("oven-4", { samples: [{ metrics: { a: 1 } }, { metrics: { a: 2 } }] }),
      message("oven-3", "{"),
      message("oven-4", { metrics: { a: 3 } }),
    ]);

    expect(report).toMatchObject({ stored: 1, unwritten: 3, retries: 3, quarantined: { invalid_json: 1 } });
    // Which messages to deliver again, in batch order, with how many of their samples wait.
    expect(unwritten).toEqual([
      { index: 1, samples: 2 },
      { index: 3, samples: 1 },
    ]);
    expect(quarantine.entries).toHaveLength(1);
  });

  it("notes lastSeen once per thing at its latest receipt, even for messages that are quarantined", async () => {
    await ingest([
      message("oven-3", { metrics: { a: 1 } }, NOW - 300),
      message("oven-3", "garbage", NOW - 100),
      message("oven-3", { metrics: { a: 1 } }, NOW - 200),
      message("oven-4", { metrics: { a: 1 } }, NOW - 50),
    ]);

    expect([...registry.lastSeen]).toEqual([
      ["oven-3", NOW - 100],
      ["oven-4", NOW - 50],
    ]);
  });

  it("notes no lastSeen when the alarm consumer keeps the last report (stream mode)", async () => {
    const { report } = await ingestMessages(
      [message("oven-3", { metrics: { a: 1 } }, NOW - 100)],
      {
        registry,
        store,
        quarantine,
        clock: manualClock(NOW),
        limits: DEFAULT_TELEMETRY_LIMITS,
        recordLastSeen: false,
      },
      { deadline: NOW + 10_000 },
    );

    expect(report.stored).toBe(1);
    expect([...registry.lastSeen]).toEqual([]);
  });

  it("does not fail the batch when lastSeen cannot be written, and counts the failures", async () => {
    registry.failLastSeen = true;

    const report = await ingest([
      message("oven-3", { metrics: { a: 1 } }),
      message("oven-4", { metrics: { a: 1 } }),
    ]);

    expect(report).toMatchObject({ stored: 2, lastSeenFailures: 2 });
  });

  it("produces the same quarantine entries when a batch is delivered again", async () => {
    const batch = [message("oven-3", '{"metrics":{"a":null}}'), message("oven-4", "[")];

    await ingest(batch);
    await ingest(batch);

    expect(quarantine.batches).toHaveLength(2);
    expect(quarantine.batches[1]).toEqual(quarantine.batches[0]);
  });

  it("does nothing for an empty batch", async () => {
    const report = await ingest([]);

    expect(report).toEqual({
      messages: 0,
      stored: 0,
      quarantined: {},
      retries: 0,
      unwritten: 0,
      lastSeenFailures: 0,
    });
  });
});
