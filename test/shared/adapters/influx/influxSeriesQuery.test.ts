import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InfluxConfigurationError, InfluxQueryError } from "../../../../shared/adapters/influx/errors.ts";
import type { InfluxConnection } from "../../../../shared/adapters/influx/influxConnection.ts";
import { InfluxSeriesQuery } from "../../../../shared/adapters/influx/influxSeriesQuery.ts";
import { InfluxSeriesStore } from "../../../../shared/adapters/influx/influxSeriesStore.ts";
import type { MetricValue } from "../../../../shared/domain/ingest/types.ts";
import type { SeriesQueryRequest } from "../../../../shared/ports/seriesQuery.ts";
import { type LocalInflux, startInflux } from "../../../support/influxServer.ts";

// The real server (Debian's influxd 1.6.7), one per file; the series are written by the real store.
const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const MINUTE = 60_000;

describe("InfluxSeriesQuery against InfluxDB 1.6.7", () => {
  let influx: LocalInflux;
  let queries: URL[] = [];

  function connection(database?: string): InfluxConnection {
    return {
      url: influx.url,
      database: database ?? influx.database,
      token: async () => "test-token",
      fetch: async (input, init) => {
        queries.push(new URL(String(input)));
        return fetch(input, init);
      },
    };
  }

  function request(overrides: Partial<SeriesQueryRequest> = {}): SeriesQueryRequest {
    return {
      thingName: "oven-1",
      metric: "temperature",
      from: T0,
      to: T0 + 10 * MINUTE,
      maxPoints: 100,
      ...overrides,
    };
  }

  async function write(thingName: string, samples: [number, Record<string, MetricValue>][]): Promise<void> {
    const store = new InfluxSeriesStore({ connection: connection() });
    const result = await store.write(
      samples.map(([time, metrics], sampleIndex) => ({
        thingName,
        site: "plant-a",
        time,
        version: T0,
        metrics,
        ref: { messageIndex: 0, sampleIndex },
      })),
      { deadline: Number.MAX_SAFE_INTEGER },
    );
    expect(result).toEqual({ rejected: [], unwritten: [], retries: 0 });
  }

  beforeAll(async () => {
    influx = await startInflux();
    // oven-1: a reading every 20 s from T0 + 10 s for 4 minutes (12 points: 1, 2, ..., 12).
    await write(
      "oven-1",
      Array.from({ length: 12 }, (_, index) => [T0 + 10_000 + index * 20_000, { temperature: index + 1 }]),
    );
    await write("oven-1", [
      [T0, { running: true, mode: "AUTO" }],
      [T0 + 1_000, { running: false, mode: "MANUAL" }],
    ]);
    // Another thing in the same measurement must never leak into oven-1's series.
    await write("oven-2", [[T0 + 10_000, { temperature: 500 }]]);
  });
  afterAll(async () => {
    await influx?.stop();
  });
  beforeEach(() => {
    queries = [];
  });

  it("returns raw points oldest first, for the thing asked for only", async () => {
    const result = await new InfluxSeriesQuery({ connection: connection() }).query(
      request({ from: T0 + 10_000, to: T0 + 70_000 }),
    );

    expect(result).toEqual({
      points: [
        { time: T0 + 10_000, value: 1 },
        { time: T0 + 30_000, value: 2 },
        { time: T0 + 50_000, value: 3 },
      ],
      truncated: false,
    });
  });

  it("keeps the newest maxPoints and says the series was cut", async () => {
    const result = await new InfluxSeriesQuery({ connection: connection() }).query(request({ maxPoints: 2 }));

    expect(result).toEqual({
      points: [
        { time: T0 + 210_000, value: 11 },
        { time: T0 + 230_000, value: 12 },
      ],
      truncated: true,
    });
  });

  it("is not truncated when the series has exactly maxPoints points", async () => {
    const result = await new InfluxSeriesQuery({ connection: connection() }).query(
      request({ maxPoints: 12 }),
    );

    expect(result.points).toHaveLength(12);
    expect(result.truncated).toBe(false);
  });

  it("buckets with mean, min, max and count, starting at multiples of the step since the epoch as bin() does", async () => {
    // `from` is 30 s into a minute: the first bucket still starts on the minute, before `from`.
    const result = await new InfluxSeriesQuery({ connection: connection() }).query(
      request({ from: T0 + 30_000, to: T0 + 150_000, stepMs: MINUTE }),
    );

    expect(result).toEqual({
      points: [
        { time: T0, value: 2.5, min: 2, max: 3, count: 2 },
        { time: T0 + MINUTE, value: 5, min: 4, max: 6, count: 3 },
        { time: T0 + 2 * MINUTE, value: 7, min: 7, max: 7, count: 1 },
      ],
      truncated: false,
    });
  });

  it("keeps the newest buckets when there are more than maxPoints", async () => {
    const result = await new InfluxSeriesQuery({ connection: connection() }).query(
      request({ stepMs: MINUTE, maxPoints: 2 }),
    );

    expect(result).toEqual({
      points: [
        { time: T0 + 2 * MINUTE, value: 8, min: 7, max: 9, count: 3 },
        { time: T0 + 3 * MINUTE, value: 11, min: 10, max: 12, count: 3 },
      ],
      truncated: true,
    });
  });

  it("reads a boolean metric as 1 and 0 and leaves string values out", async () => {
    const query = new InfluxSeriesQuery({ connection: connection() });

    expect((await query.query(request({ metric: "running" }))).points).toEqual([
      { time: T0, value: 1 },
      { time: T0 + 1_000, value: 0 },
    ]);
    expect(await query.query(request({ metric: "mode" }))).toEqual({ points: [], truncated: false });
  });

  it("answers an empty series for a metric or a thing that has no data yet", async () => {
    const query = new InfluxSeriesQuery({ connection: connection() });

    expect(await query.query(request({ metric: "humidity" }))).toEqual({ points: [], truncated: false });
    expect(await query.query(request({ thingName: "press-9", stepMs: MINUTE }))).toEqual({
      points: [],
      truncated: false,
    });
  });

  it("turns InfluxDB's error for a statement into an InfluxQueryError", async () => {
    // mean() of a string field is refused by InfluxDB itself.
    const error = await new InfluxSeriesQuery({ connection: connection() })
      .query(request({ metric: "mode", stepMs: MINUTE }))
      .catch((e) => e);

    expect(error).toBeInstanceOf(InfluxQueryError);
    expect(error).toMatchObject({ name: "InfluxQueryError", status: 200 });
    // Which of mean, min and max InfluxDB complains of first varies from run to run.
    expect(error.message).toMatch(/unsupported (mean|min|max) iterator type/);
  });

  it("throws a configuration error when the database does not exist", async () => {
    const error = await new InfluxSeriesQuery({ connection: connection("no_such_db") })
      .query(request())
      .catch((e) => e);

    expect(error).toBeInstanceOf(InfluxConfigurationError);
    expect(error.message).toMatch(/database not found/);
  });

  it.each([
    ["a metric with a quote", { metric: 'temperature" FROM x; DROP DATABASE "plantwatch' }],
    ["a metric that is reserved", { metric: "time" }],
    ["a thing name with a quote", { thingName: "oven-1' OR '1'='1" }],
    ["a thing name with a space", { thingName: "oven 1" }],
    ["a fractional time", { from: T0 + 0.5 }],
    ["a step that is not whole seconds", { stepMs: 1_500 }],
  ])("never sends %s to the server", async (_, overrides) => {
    await expect(
      new InfluxSeriesQuery({ connection: connection() }).query(request(overrides)),
    ).rejects.toThrow(RangeError);
    expect(queries).toEqual([]);
    expect((await influx.query("SHOW DATABASES")).results[0]?.series?.[0]?.values).toContainEqual([
      "plantwatch",
    ]);
  });

  it("sends one GET /query with the database, ms epoch and the InfluxQL", async () => {
    await new InfluxSeriesQuery({ connection: connection() }).query(
      request({ stepMs: MINUTE, maxPoints: 5 }),
    );

    expect(queries).toHaveLength(1);
    const [url] = queries as [URL];
    expect(url.pathname).toBe("/query");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      db: "plantwatch",
      epoch: "ms",
      q:
        'SELECT mean("temperature") AS "value", min("temperature") AS "min", max("temperature") AS "max", ' +
        `count("temperature") AS "count" FROM "telemetry" WHERE "device" = 'oven-1' AND time >= ${T0}ms ` +
        `AND time < ${T0 + 10 * MINUTE}ms GROUP BY time(60s) fill(none) ORDER BY time DESC LIMIT 6`,
    });
  });
});
