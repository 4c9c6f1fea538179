import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  SeriesStoreOpenError,
  SqliteSeriesStore,
  VERSION_CONFLICT_REASON,
} from "../../../local/adapters/sqliteSeriesStore.ts";
import { ingestMessages } from "../../../shared/domain/ingest/ingestMessages.ts";
import {
  DEFAULT_TELEMETRY_LIMITS,
  type MetricValue,
  type ReceivedMessage,
} from "../../../shared/domain/ingest/types.ts";
import type { SeriesQueryRequest } from "../../../shared/ports/seriesQuery.ts";
import type { SeriesPoint } from "../../../shared/ports/seriesStore.ts";
import { VERSION_CONFLICT_REASON as FAKE_TIMESTREAM_REASON } from "../../support/fakeTimestream.ts";
import { InMemoryDeviceRegistry, InMemoryQuarantineStore } from "../../support/inMemoryPorts.ts";
import { manualClock } from "../../support/testClock.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const VERSION = T0 + 500;
const DEADLINE = { deadline: T0 + 60_000 };

function point(time: number, metrics: Record<string, MetricValue>, overrides: Partial<SeriesPoint> = {}) {
  return {
    thingName: "oven-3",
    time,
    version: VERSION,
    metrics,
    ref: { messageIndex: 0, sampleIndex: 0 },
    ...overrides,
  } satisfies SeriesPoint;
}

/** `count` temperature points one second apart from `start`, valued by `value(index)`. */
function series(count: number, value: (index: number) => number, start = T0): SeriesPoint[] {
  return Array.from({ length: count }, (_, index) =>
    point(
      start + index * 1_000,
      { temperature: value(index) },
      { ref: { messageIndex: 0, sampleIndex: index } },
    ),
  );
}

function raw(overrides: Partial<SeriesQueryRequest> = {}): SeriesQueryRequest {
  return {
    thingName: "oven-3",
    metric: "temperature",
    from: T0,
    to: T0 + 3_600_000,
    maxPoints: 1_000,
    ...overrides,
  };
}

describe("SqliteSeriesStore", () => {
  let store: SqliteSeriesStore;

  beforeEach(() => {
    store = new SqliteSeriesStore({ path: ":memory:" });
  });
  afterEach(() => {
    store.close();
  });

  describe("write", () => {
    it("stores every point of a batch and reports nothing rejected or unwritten", async () => {
      const result = await store.write(
        series(5, (index) => 20 + index),
        DEADLINE,
      );

      expect(result).toEqual({ rejected: [], unwritten: [], retries: 0 });
      expect((await store.query(raw())).points.map((p) => p.value)).toEqual([20, 21, 22, 23, 24]);
    });

    it("accepts a replay of the same points with the same version without duplicating them", async () => {
      const points = series(10, (index) => index / 4);
      await store.write(points, DEADLINE);

      const replay = await store.write(points, DEADLINE);

      expect(replay).toEqual({ rejected: [], unwritten: [], retries: 0 });
      expect((await store.query(raw())).points).toHaveLength(10);
    });

    it("accepts the same measures again with another version, keeping the value", async () => {
      const original = point(T0, { temperature: 70, running: true });
      await store.write([original], DEADLINE);

      const older = await store.write([{ ...original, version: VERSION - 1 }], DEADLINE);
      const newer = await store.write([{ ...original, version: VERSION + 1 }], DEADLINE);

      expect([older.rejected, newer.rejected]).toEqual([[], []]);
      // The newer version is now the one to beat.
      const conflict = await store.write(
        [{ ...original, version: VERSION, metrics: { temperature: 1 } }],
        DEADLINE,
      );
      expect(conflict.rejected).toEqual([
        { ref: original.ref, reason: `${VERSION_CONFLICT_REASON} (existing version ${VERSION + 1})` },
      ]);
    });

    it("rejects a changed sample with a lower version with Timestream's reason and the existing version", async () => {
      const original = point(T0, { temperature: 70 });
      await store.write([original], DEADLINE);
      const stale = {
        ...original,
        version: VERSION - 1,
        metrics: { temperature: 99 },
        ref: { messageIndex: 4, sampleIndex: 2 },
      };

      const result = await store.write([stale], DEADLINE);

      expect(VERSION_CONFLICT_REASON).toBe(FAKE_TIMESTREAM_REASON);
      expect(result).toEqual({
        rejected: [{ ref: stale.ref, reason: `${FAKE_TIMESTREAM_REASON} (existing version ${VERSION})` }],
        unwritten: [],
        retries: 0,
      });
      expect((await store.query(raw())).points).toEqual([{ time: T0, value: 70 }]);
    });

    it("rejects a changed sample with an equal version", async () => {
      await store.write([point(T0, { temperature: 70 })], DEADLINE);

      const result = await store.write([point(T0, { temperature: 71 })], DEADLINE);

      expect(result.rejected).toHaveLength(1);
      expect((await store.query(raw())).points).toEqual([{ time: T0, value: 70 }]);
    });

    it("treats a changed type as a changed value", async () => {
      await store.write([point(T0, { running: true })], DEADLINE);

      const result = await store.write([point(T0, { running: 1 })], DEADLINE);

      expect(result.rejected).toHaveLength(1);
      expect(store.latest("oven-3")).toEqual([{ metric: "running", time: T0, value: true }]);
    });

    it("replaces a whole sample with a changed one of a higher version, as Timestream replaces a record", async () => {
      await store.write([point(T0, { temperature: 70, running: true })], DEADLINE);

      const result = await store.write([point(T0, { temperature: 99 }, { version: VERSION + 1 })], DEADLINE);

      expect(result.rejected).toEqual([]);
      expect((await store.query(raw())).points).toEqual([{ time: T0, value: 99 }]);
      expect((await store.query(raw({ metric: "running" }))).points).toEqual([]);
      expect(store.latest("oven-3")).toEqual([{ metric: "temperature", time: T0, value: 99 }]);
    });

    it("decides each point of a batch on its own and keeps the accepted ones", async () => {
      await store.write([point(T0 + 1_000, { temperature: 50 })], DEADLINE);
      const batch = [
        point(T0, { temperature: 1 }, { ref: { messageIndex: 0, sampleIndex: 0 } }),
        point(
          T0 + 1_000,
          { temperature: 2 },
          { version: VERSION - 5, ref: { messageIndex: 1, sampleIndex: 0 } },
        ),
        point(T0 + 2_000, { temperature: 3 }, { ref: { messageIndex: 2, sampleIndex: 0 } }),
      ];

      const result = await store.write(batch, DEADLINE);

      expect(result.rejected.map((rejection) => rejection.ref)).toEqual([
        { messageIndex: 1, sampleIndex: 0 },
      ]);
      expect((await store.query(raw())).points.map((p) => p.value)).toEqual([1, 50, 3]);
    });

    it("keeps samples of different things at the same time apart", async () => {
      await store.write(
        [point(T0, { temperature: 1 }), point(T0, { temperature: 2 }, { thingName: "oven-4" })],
        DEADLINE,
      );

      expect((await store.query(raw())).points).toEqual([{ time: T0, value: 1 }]);
      expect((await store.query(raw({ thingName: "oven-4" }))).points).toEqual([{ time: T0, value: 2 }]);
    });

    it("stores hostile-looking thing and metric names and strings as plain data", async () => {
      const thingName = "x'); DROP TABLE series; --";
      const metric = 'temp" OR 1=1 --';
      await store.write(
        [point(T0, { [metric]: 7, note: "'; DELETE FROM series; --" }, { thingName })],
        DEADLINE,
      );
      await store.write([point(T0, { temperature: 5 })], DEADLINE);

      expect((await store.query(raw({ thingName, metric }))).points).toEqual([{ time: T0, value: 7 }]);
      expect((await store.query(raw({ thingName: "x' OR '1'='1", metric }))).points).toEqual([]);
      expect((await store.query(raw({ metric: "%" }))).points).toEqual([]);
      expect(store.latest(thingName)).toEqual([
        { metric: "note", time: T0, value: "'; DELETE FROM series; --" },
        { metric, time: T0, value: 7 },
      ]);
      expect((await store.query(raw())).points).toEqual([{ time: T0, value: 5 }]);
    });
  });

  describe("query", () => {
    it("includes `from`, excludes `to` and returns points oldest first", async () => {
      await store.write(
        series(6, (index) => index),
        DEADLINE,
      );

      const { points, truncated } = await store.query(raw({ from: T0 + 1_000, to: T0 + 4_000 }));

      expect(points).toEqual([
        { time: T0 + 1_000, value: 1 },
        { time: T0 + 2_000, value: 2 },
        { time: T0 + 3_000, value: 3 },
      ]);
      expect(truncated).toBe(false);
    });

    it("keeps the newest points when there are more than maxPoints and says so", async () => {
      await store.write(
        series(10, (index) => index),
        DEADLINE,
      );

      const cut = await store.query(raw({ maxPoints: 3 }));
      const exact = await store.query(raw({ maxPoints: 10 }));

      expect(cut).toEqual({
        points: [
          { time: T0 + 7_000, value: 7 },
          { time: T0 + 8_000, value: 8 },
          { time: T0 + 9_000, value: 9 },
        ],
        truncated: true,
      });
      expect(exact.points).toHaveLength(10);
      expect(exact.truncated).toBe(false);
    });

    it("returns booleans as 1 and 0 and leaves strings out of a series", async () => {
      await store.write(
        [point(T0, { running: true, mode: "AUTO" }), point(T0 + 1_000, { running: false, mode: "42" })],
        DEADLINE,
      );

      expect((await store.query(raw({ metric: "running" }))).points).toEqual([
        { time: T0, value: 1 },
        { time: T0 + 1_000, value: 0 },
      ]);
      expect(await store.query(raw({ metric: "mode" }))).toEqual({ points: [], truncated: false });
    });

    it("answers an empty series for a metric or thing never seen", async () => {
      await store.write(
        series(3, (index) => index),
        DEADLINE,
      );

      expect(await store.query(raw({ metric: "pressure" }))).toEqual({ points: [], truncated: false });
      expect(await store.query(raw({ thingName: "press-9" }))).toEqual({ points: [], truncated: false });
    });

    it("buckets by floor(time / step) * step with avg, min, max and count, oldest first", async () => {
      const step = 10_000;
      // 9.999 s, 10.000 s and 19.999 s after a bucket start: the edges of two buckets.
      await store.write(
        [
          point(T0, { temperature: 1 }),
          point(T0 + 9_999, { temperature: 3 }),
          point(T0 + 10_000, { temperature: 10 }),
          point(T0 + 19_999, { temperature: 20 }),
          point(T0 + 15_000, { temperature: 30 }),
          point(T0 + 40_000, { temperature: 5 }),
        ],
        DEADLINE,
      );

      const { points, truncated } = await store.query(raw({ stepMs: step }));

      expect(points).toEqual([
        { time: T0, value: 2, min: 1, max: 3, count: 2 },
        { time: T0 + 10_000, value: 20, min: 10, max: 30, count: 3 },
        { time: T0 + 40_000, value: 5, min: 5, max: 5, count: 1 },
      ]);
      expect(truncated).toBe(false);
    });

    it("aligns buckets to the epoch, not to `from`", async () => {
      await store.write(
        [point(T0 + 31_000, { temperature: 4 }), point(T0 + 61_000, { temperature: 6 })],
        DEADLINE,
      );

      const { points } = await store.query(raw({ from: T0 + 30_000, stepMs: 60_000 }));

      expect(points).toEqual([
        { time: T0, value: 4, min: 4, max: 4, count: 1 },
        { time: T0 + 60_000, value: 6, min: 6, max: 6, count: 1 },
      ]);
    });

    it("counts only points in [from, to) into a bucket cut by the range", async () => {
      await store.write(
        series(10, (index) => index),
        DEADLINE,
      );

      const { points } = await store.query(raw({ from: T0 + 2_000, to: T0 + 5_000, stepMs: 60_000 }));

      expect(points).toEqual([{ time: T0, value: 3, min: 2, max: 4, count: 3 }]);
    });

    it("keeps the newest buckets when there are more than maxPoints", async () => {
      await store.write(
        series(50, (index) => index),
        DEADLINE,
      );

      const { points, truncated } = await store.query(raw({ stepMs: 10_000, maxPoints: 2 }));

      expect(points.map((bucket) => [bucket.time, bucket.count])).toEqual([
        [T0 + 30_000, 10],
        [T0 + 40_000, 10],
      ]);
      expect(truncated).toBe(true);
    });

    it("averages booleans as the share of true samples", async () => {
      await store.write(
        [true, true, false, true].map((running, index) => point(T0 + index * 1_000, { running })),
        DEADLINE,
      );

      const { points } = await store.query(raw({ metric: "running", stepMs: 60_000 }));

      expect(points).toEqual([{ time: T0, value: 0.75, min: 0, max: 1, count: 4 }]);
    });

    it("refuses a step that is not whole seconds and times that are not non-negative integers", async () => {
      await expect(store.query(raw({ stepMs: 1_500 }))).rejects.toThrow(RangeError);
      await expect(store.query(raw({ stepMs: 0 }))).rejects.toThrow(RangeError);
      await expect(store.query(raw({ from: 1.5 }))).rejects.toThrow(RangeError);
      await expect(store.query(raw({ to: -1 }))).rejects.toThrow(RangeError);
    });
  });

  describe("latest", () => {
    it("gives the newest value of each metric, whatever order the samples came in", async () => {
      await store.write(
        [
          point(T0 + 2_000, { temperature: 72.5, running: true }),
          point(T0 + 5_000, { mode: "AUTO" }),
          point(T0, { temperature: 70, running: false, mode: "MANUAL" }),
        ],
        DEADLINE,
      );

      expect(store.latest("oven-3")).toEqual([
        { metric: "mode", time: T0 + 5_000, value: "AUTO" },
        { metric: "running", time: T0 + 2_000, value: true },
        { metric: "temperature", time: T0 + 2_000, value: 72.5 },
      ]);
      expect(store.latest("press-9")).toEqual([]);
    });
  });

  describe("as the ingest use case's store", () => {
    const NOW = T0 + 60_000;
    const message = (payload: unknown, receivedAt: number): ReceivedMessage => ({
      thingName: "oven-3",
      receivedAt,
      clientId: "oven-3",
      payload: new TextEncoder().encode(JSON.stringify(payload)),
    });

    it("stores what ingestMessages hands over, replays idempotently and quarantines a conflicting resend", async () => {
      const registry = new InMemoryDeviceRegistry([{ thingName: "oven-3", site: "plant-1", line: "line-2" }]);
      const quarantine = new InMemoryQuarantineStore();
      const ingest = async (messages: ReceivedMessage[]) =>
        (
          await ingestMessages(
            messages,
            { registry, store, quarantine, clock: manualClock(NOW), limits: DEFAULT_TELEMETRY_LIMITS },
            DEADLINE,
          )
        ).report;
      const batch = [
        message(
          {
            samples: [
              { ts: T0, metrics: { temperature: 70, running: true } },
              { ts: T0 + 1_000, metrics: { temperature: 71 } },
            ],
          },
          NOW - 200,
        ),
        message({ ts: T0 + 2_000, metrics: { temperature: 262.4, mode: "AUTO" } }, NOW - 100),
      ];

      const first = await ingest(batch);
      const replay = await ingest(batch);
      // The same sample time sent again, changed, but received earlier (a lower version).
      const conflicting = await ingest([message({ ts: T0 + 2_000, metrics: { temperature: 1 } }, NOW - 150)]);

      expect(first).toMatchObject({ messages: 2, stored: 3, quarantined: {}, unwritten: 0 });
      expect(replay).toMatchObject({ stored: 3, quarantined: {}, unwritten: 0 });
      expect(conflicting).toMatchObject({ stored: 0, quarantined: { store_rejected: 1 } });
      expect(quarantine.entries.map((entry) => entry.detail)).toEqual([
        `${VERSION_CONFLICT_REASON} (existing version ${NOW - 100})`,
      ]);
      expect((await store.query(raw())).points).toEqual([
        { time: T0, value: 70 },
        { time: T0 + 1_000, value: 71 },
        { time: T0 + 2_000, value: 262.4 },
      ]);
    });
  });
});

describe("SqliteSeriesStore on a file", () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "plantwatch-series-"));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("keeps its data across close and reopen, and still applies the version rule", async () => {
    const path = join(directory, "nested", "series.db");
    const first = new SqliteSeriesStore({ path });
    await first.write(
      series(3, (index) => index * 10),
      DEADLINE,
    );
    first.close();

    const reopened = new SqliteSeriesStore({ path });
    try {
      const conflict = await reopened.write(
        [point(T0, { temperature: 5 }, { version: VERSION - 1 })],
        DEADLINE,
      );

      expect((await reopened.query(raw())).points.map((p) => p.value)).toEqual([0, 10, 20]);
      expect(conflict.rejected).toHaveLength(1);
      expect(reopened.latest("oven-3")).toEqual([{ metric: "temperature", time: T0 + 2_000, value: 20 }]);
    } finally {
      reopened.close();
    }
  });

  it("refuses a file that is not a series store with an error naming the path", () => {
    const path = join(directory, "series.db");
    writeFileSync(path, "this is not an SQLite database, just text long enough to have a header.".repeat(4));

    expect(() => new SqliteSeriesStore({ path })).toThrow(SeriesStoreOpenError);
    expect(() => new SqliteSeriesStore({ path })).toThrow(path);
  });

  it("leaves a batch unwritten, not half written, while another connection holds the write lock", async () => {
    const path = join(directory, "series.db");
    const store = new SqliteSeriesStore({ path, busyTimeoutMs: 0 });
    // Another process in the middle of a write transaction.
    const other = new (createRequire(import.meta.url)("better-sqlite3"))(path) as RawDatabase;
    try {
      other.exec("BEGIN IMMEDIATE");
      const points = series(2, (index) => index);

      const result = await store.write(points, DEADLINE);
      other.exec("ROLLBACK");

      expect(result).toEqual({ rejected: [], unwritten: points.map((p) => p.ref), retries: 0 });
      expect((await store.query(raw())).points).toEqual([]);
      expect(await store.write(points, DEADLINE)).toEqual({ rejected: [], unwritten: [], retries: 0 });
    } finally {
      other.close();
      store.close();
    }
  });
});

interface RawDatabase {
  exec(source: string): void;
  close(): void;
}
