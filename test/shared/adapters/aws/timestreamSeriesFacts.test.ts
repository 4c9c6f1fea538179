import { TimestreamQueryClient } from "@aws-sdk/client-timestream-query";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TimestreamSeriesFacts } from "../../../../shared/adapters/aws/timestreamSeriesFacts.ts";
import { TelemetryQueryError } from "../../../../shared/adapters/aws/timestreamSeriesQuery.ts";
import { TEST_CLIENT_CONFIG } from "../../../support/awsClients.ts";
import { type FakeTimestreamQuery, startFakeTimestreamQuery } from "../../../support/fakeTimestreamQuery.ts";
import {
  scenarioCounterRequest,
  scenarioRunRequest,
  scenarioSegments,
  scenarioSlots,
  T0,
} from "../../../support/seriesFactsScenario.ts";

const M = 60_000;
const SOURCE = `"plantwatch"."telemetry" WHERE "device" = 'press-7' AND measure_name = 'metrics'`;

describe("TimestreamSeriesFacts", () => {
  let fake: FakeTimestreamQuery;
  let client: TimestreamQueryClient;
  let facts: TimestreamSeriesFacts;

  beforeAll(async () => {
    fake = await startFakeTimestreamQuery();
  });
  afterAll(async () => {
    client?.destroy();
    await fake.stop();
  });
  beforeEach(() => {
    client?.destroy();
    client = new TimestreamQueryClient({ ...TEST_CLIENT_CONFIG, endpoint: fake.endpoint, maxAttempts: 1 });
    facts = new TimestreamSeriesFacts({ databaseName: "plantwatch", tableName: "telemetry", client });
    fake.answer([]);
  });

  it("sends the segments query with LEAD, LAG and islands over the thing's samples", async () => {
    const before = fake.queries.length;
    await facts.runSegments(scenarioRunRequest);
    expect(fake.queries.slice(before).map((q) => q.queryString)).toEqual([
      "WITH samples AS (" +
        `SELECT to_milliseconds(time) AS t, CAST("running" AS DOUBLE) > 0 AS running, ` +
        `COALESCE(LEAD(to_milliseconds(time)) OVER (ORDER BY time), ${T0 + 19 * M}) AS next_t ` +
        `FROM ${SOURCE} AND time >= from_milliseconds(${T0 - 5 * M}) AND time < from_milliseconds(${T0 + 25 * M}) ` +
        `AND "running" IS NOT NULL), marked AS (` +
        "SELECT t, running, next_t, next_t - t <= 300000 AS known, " +
        "LAG(next_t - t <= 300000) OVER (ORDER BY t) AS previous_known, LAG(running) OVER (ORDER BY t) AS previous_running " +
        "FROM samples), islands AS (" +
        "SELECT t, running, next_t, known, SUM(CASE WHEN known AND previous_known AND previous_running = running " +
        "THEN 0 ELSE 1 END) OVER (ORDER BY t ROWS UNBOUNDED PRECEDING) AS island FROM marked) " +
        "SELECT MIN(t) AS start_ms, MAX(next_t) AS end_ms, running FROM islands WHERE known " +
        "GROUP BY island, running ORDER BY start_ms",
    ]);
  });

  it("reads the segments Timestream answers, across pages", async () => {
    fake.answer(
      scenarioSegments.map((s) => [String(s.start), String(s.end), String(s.running)]),
      { pageSize: 3 },
    );
    expect(await facts.runSegments(scenarioRunRequest)).toEqual(scenarioSegments);
  });

  it("sends the reset-aware counter query and reads its slots", async () => {
    fake.answer(scenarioSlots.map((slot) => [String(slot.start), `${slot.increase}.0`]));
    const before = fake.queries.length;
    expect(await facts.counterIncreases(scenarioCounterRequest)).toEqual(scenarioSlots);
    expect(fake.queries.slice(before).map((q) => q.queryString)).toEqual([
      "WITH samples AS (" +
        `SELECT to_milliseconds(time) AS t, CAST("parts_total" AS DOUBLE) AS v, ` +
        "LAG(to_milliseconds(time)) OVER (ORDER BY time) AS previous_t, " +
        `LAG(CAST("parts_total" AS DOUBLE)) OVER (ORDER BY time) AS previous_v ` +
        `FROM ${SOURCE} AND time >= from_milliseconds(${T0 - 5 * M}) AND time < from_milliseconds(${T0 + 20 * M}) ` +
        `AND "parts_total" IS NOT NULL) ` +
        "SELECT t - t % 900000 AS slot_ms, SUM(CASE WHEN previous_v IS NULL OR t - previous_t > 300000 THEN 0 " +
        "WHEN v >= previous_v THEN v - previous_v ELSE v END) AS increase " +
        `FROM samples WHERE t >= ${T0} GROUP BY t - t % 900000 ORDER BY slot_ms`,
    ]);
  });

  it("answers nothing for a counter no thing has sent (unknown column), and reports other refusals as bugs", async () => {
    fake.fail("unknownColumn");
    expect(await facts.counterIncreases(scenarioCounterRequest)).toEqual([]);
    fake.fail("validation");
    await expect(facts.runSegments(scenarioRunRequest)).rejects.toBeInstanceOf(TelemetryQueryError);
  });

  it("refuses a metric or thing name that does not match its pattern before sending anything", async () => {
    const before = fake.queries.length;
    await expect(facts.runSegments({ ...scenarioRunRequest, metric: 'x" OR 1=1 --' })).rejects.toThrow(
      RangeError,
    );
    await expect(facts.counterIncreases({ ...scenarioCounterRequest, thingName: "a'b" })).rejects.toThrow(
      RangeError,
    );
    expect(fake.queries.length).toBe(before);
  });
});
