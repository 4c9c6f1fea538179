import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteSeriesStore } from "../../../../local/adapters/sqliteSeriesStore.ts";
import type { InfluxConnection } from "../../../../shared/adapters/influx/influxConnection.ts";
import {
  counterIncreasesInfluxQl,
  InfluxSeriesFacts,
  runSegmentsInfluxQl,
} from "../../../../shared/adapters/influx/influxSeriesFacts.ts";
import { InfluxSeriesStore } from "../../../../shared/adapters/influx/influxSeriesStore.ts";
import type { SeriesPoint } from "../../../../shared/ports/seriesStore.ts";
import { type LocalInflux, startInflux } from "../../../support/influxServer.ts";
import {
  SCENARIO_THING,
  scenarioCounterRequest,
  scenarioPoints,
  scenarioRunRequest,
  scenarioSegments,
  scenarioSlots,
  T0,
} from "../../../support/seriesFactsScenario.ts";

const M = 60_000;

// The real server (Debian's influxd 1.6.7); the samples are written by the real store.
describe("InfluxSeriesFacts against InfluxDB 1.6.7", () => {
  let influx: LocalInflux;
  let facts: InfluxSeriesFacts;
  const queries: string[] = [];

  const connection = (): InfluxConnection => ({
    url: influx.url,
    database: influx.database,
    token: async () => "test-token",
    fetch: async (input, init) => {
      queries.push(new URL(String(input)).searchParams.get("q") ?? "");
      return fetch(input, init);
    },
  });

  async function write(points: readonly SeriesPoint[]): Promise<void> {
    const result = await new InfluxSeriesStore({ connection: connection() }).write(points, {
      deadline: Number.MAX_SAFE_INTEGER,
    });
    expect(result).toEqual({ rejected: [], unwritten: [], retries: 0 });
  }

  beforeAll(async () => {
    influx = await startInflux();
    facts = new InfluxSeriesFacts({ connection: connection() });
    await write(scenarioPoints());
  }, 60_000);
  afterAll(async () => {
    await influx?.stop();
  });

  it("draws the running signal's segments as the SQLite store does, leaving silences longer than the gap out", async () => {
    expect(await facts.runSegments(scenarioRunRequest)).toEqual(scenarioSegments);
    const later = await facts.runSegments({ ...scenarioRunRequest, horizon: T0 + 25 * M });
    expect(later.at(-1)).toEqual({ start: T0 + 16 * M, end: T0 + 17 * M, running: false });
  });

  it("treats a numeric signal as running above the threshold", async () => {
    expect(await facts.runSegments({ ...scenarioRunRequest, metric: "parts_total", threshold: 50 })).toEqual([
      { start: T0 - M, end: T0 + 2 * M, running: true },
      { start: T0 + 2 * M, end: T0 + 3 * M, running: false },
      { start: T0 + 15 * M, end: T0 + 19 * M, running: false },
    ]);
  });

  it("sums a counter's increases per slot, counting a reset's new value and nothing over a silence", async () => {
    expect(await facts.counterIncreases(scenarioCounterRequest)).toEqual(scenarioSlots);
  });

  it("answers nothing for a counter or thing without samples", async () => {
    expect(await facts.counterIncreases({ ...scenarioCounterRequest, metric: "parts_good" })).toEqual([]);
    expect(await facts.runSegments({ ...scenarioRunRequest, thingName: `${SCENARIO_THING}x` })).toEqual([]);
  });

  it("sends exactly its InfluxQL: per-sample states made numbers in the store, only boundaries back", async () => {
    queries.length = 0;
    await facts.runSegments(scenarioRunRequest);
    await facts.counterIncreases(scenarioCounterRequest);

    const [from, to, gap] = [T0, T0 + 20 * M, 5 * M];
    const window = `"device" = 'press-7' AND time >= ${from - gap}ms AND time < ${to + gap}ms`;
    const states =
      `SELECT * FROM (SELECT count("running") AS "s" FROM "telemetry" WHERE ${window} AND ("running" = true OR "running" > 0) GROUP BY time(1ms) fill(none)), ` +
      `(SELECT count("running") - 1 AS "s" FROM "telemetry" WHERE ${window} AND ("running" = false OR "running" <= 0) GROUP BY time(1ms) fill(none))`;
    const range = `"device" = 'press-7' AND time >= ${from}ms AND time < ${to}ms`;
    const steps =
      `SELECT last("parts_total") AS "value", difference(last("parts_total")) AS "step", elapsed(last("parts_total"), 1ms) AS "elapsed" ` +
      `FROM "telemetry" WHERE ${range} GROUP BY time(1ms) fill(none)`;
    expect(queries).toEqual([
      [
        `SELECT * FROM (SELECT difference("s") AS "change", elapsed("s", 1ms) AS "elapsed" FROM (${states})) WHERE "change" <> 0 OR "elapsed" > ${gap}`,
        `SELECT first("s") FROM (${states})`,
        `SELECT last("s") FROM (${states})`,
      ].join("; "),
      [
        `SELECT count("parts_total") FROM "telemetry" WHERE ${range} GROUP BY time(900000ms) fill(none)`,
        `SELECT sum("step") FROM (${steps}) WHERE "step" >= 0 AND "elapsed" <= ${gap} AND time >= ${from}ms AND time < ${to}ms GROUP BY time(900000ms) fill(none)`,
        `SELECT sum("value") FROM (${steps}) WHERE "step" < 0 AND "elapsed" <= ${gap} AND time >= ${from}ms AND time < ${to}ms GROUP BY time(900000ms) fill(none)`,
        `SELECT last("parts_total") FROM "telemetry" WHERE "device" = 'press-7' AND time >= ${from - gap}ms AND time < ${from}ms`,
        `SELECT first("parts_total") FROM "telemetry" WHERE ${range}`,
      ].join("; "),
    ]);
    expect(queries).toEqual([
      runSegmentsInfluxQl(scenarioRunRequest),
      counterIncreasesInfluxQl(scenarioCounterRequest),
    ]);
  });

  it("refuses a thing or metric name that could change the query, before asking", async () => {
    queries.length = 0;
    await expect(facts.runSegments({ ...scenarioRunRequest, thingName: "a' OR 1=1" })).rejects.toThrow(
      RangeError,
    );
    await expect(facts.counterIncreases({ ...scenarioCounterRequest, metric: 'x" FROM y' })).rejects.toThrow(
      RangeError,
    );
    expect(queries).toEqual([]);
  });

  it("gives the SQLite store's answers for any samples: random runs, gaps, resets and ranges", async () => {
    const sqlite = new SqliteSeriesStore({ path: ":memory:" });
    let things = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              step: fc.integer({ min: 1, max: 9 }),
              running: fc.boolean(),
              count: fc.integer({ min: 0, max: 40 }),
            }),
            { minLength: 1, maxLength: 30 },
          ),
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 1, max: 60 }),
          async (samples, fromMinute, lengthMinutes) => {
            const thingName = `prop-${++things}`;
            let minute = 0;
            const points: SeriesPoint[] = samples.map((sample, index) => {
              minute += sample.step;
              return {
                thingName,
                time: T0 + minute * M,
                version: T0,
                metrics: { running: sample.running, parts_total: sample.count },
                ref: { messageIndex: index, sampleIndex: 0 },
              };
            });
            await write(points);
            expect((await sqlite.write(points, { deadline: Number.MAX_SAFE_INTEGER })).rejected).toEqual([]);
            const from = T0 + fromMinute * M;
            const to = from + lengthMinutes * M;
            const run = {
              thingName,
              metric: "running",
              threshold: 0,
              from,
              to,
              gapAfterMs: 5 * M,
              horizon: to,
            };
            const counter = { thingName, metric: "parts_total", from, to, gapAfterMs: 5 * M, slotMs: 15 * M };
            expect(await facts.runSegments(run)).toEqual(await sqlite.runSegments(run));
            expect(await facts.counterIncreases(counter)).toEqual(await sqlite.counterIncreases(counter));
          },
        ),
        { numRuns: 40, seed: 16 },
      );
    } finally {
      sqlite.close();
    }
  }, 120_000);
});
