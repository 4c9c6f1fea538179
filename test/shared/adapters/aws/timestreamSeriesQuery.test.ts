import { TimestreamQueryClient } from "@aws-sdk/client-timestream-query";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  TelemetryQueryError,
  TimestreamSeriesQuery,
  telemetryQueryText,
} from "../../../../shared/adapters/aws/timestreamSeriesQuery.ts";
import { TEST_CLIENT_CONFIG } from "../../../support/awsClients.ts";
import { type FakeTimestreamQuery, startFakeTimestreamQuery } from "../../../support/fakeTimestreamQuery.ts";

const TARGET = { databaseName: "plantwatch", tableName: "telemetry" };
const FROM = Date.parse("2026-11-25T11:00:00.000Z");
const TO = Date.parse("2026-11-25T12:00:00.000Z");
const RAW = { thingName: "oven-3", metric: "temperature", from: FROM, to: TO, maxPoints: 3 };

describe("TimestreamSeriesQuery", () => {
  let fake: FakeTimestreamQuery;
  let client: TimestreamQueryClient;
  let series: TimestreamSeriesQuery;

  beforeAll(async () => {
    fake = await startFakeTimestreamQuery();
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    client?.destroy();
    client = new TimestreamQueryClient({ ...TEST_CLIENT_CONFIG, endpoint: fake.endpoint, maxAttempts: 1 });
    series = new TimestreamSeriesQuery({ ...TARGET, client });
    fake.answer([]);
  });

  it("sends the raw query for one thing's metric, newest first, one row over the limit", async () => {
    const before = fake.queries.length;

    await series.query(RAW);

    expect(fake.queries.slice(before).map((query) => query.queryString)).toEqual([
      `SELECT time, "temperature" AS value FROM "plantwatch"."telemetry" WHERE "device" = 'oven-3' AND measure_name = 'metrics' AND time >= from_milliseconds(${FROM}) AND time < from_milliseconds(${TO}) AND "temperature" IS NOT NULL ORDER BY time DESC LIMIT 4`,
    ]);
  });

  it("sends the bucketed query with bin() over whole seconds and avg, min, max, count", async () => {
    const before = fake.queries.length;

    await series.query({ ...RAW, stepMs: 60_000 });

    expect(fake.queries.slice(before).map((query) => query.queryString)).toEqual([
      `SELECT bin(time, 60s) AS bucket, avg("temperature") AS value, min("temperature") AS min, max("temperature") AS max, count("temperature") AS count FROM "plantwatch"."telemetry" WHERE "device" = 'oven-3' AND measure_name = 'metrics' AND time >= from_milliseconds(${FROM}) AND time < from_milliseconds(${TO}) AND "temperature" IS NOT NULL GROUP BY bin(time, 60s) ORDER BY bucket DESC LIMIT 4`,
    ]);
  });

  it("returns points oldest first, with Timestream's times as epoch ms", async () => {
    fake.answer([
      ["2026-11-25 11:59:00.500000000", "262.4"],
      ["2026-11-25 11:58:00.000000000", "250"],
    ]);

    const result = await series.query(RAW);

    expect(result).toEqual({
      points: [
        { time: Date.parse("2026-11-25T11:58:00.000Z"), value: 250 },
        { time: Date.parse("2026-11-25T11:59:00.500Z"), value: 262.4 },
      ],
      truncated: false,
    });
  });

  it("reads buckets with their min, max and count", async () => {
    fake.answer([["2026-11-25 11:59:00.000000000", "255.5", "250", "261", "12"]]);

    const result = await series.query({ ...RAW, stepMs: 60_000 });

    expect(result.points).toEqual([
      { time: Date.parse("2026-11-25T11:59:00.000Z"), value: 255.5, min: 250, max: 261, count: 12 },
    ]);
  });

  it("follows NextToken across pages and keeps the newest points when there are more than the limit", async () => {
    fake.answer(
      [5, 4, 3, 2, 1].map((minute) => [`2026-11-25 11:0${minute}:00.000000000`, String(minute)]),
      { pageSize: 2 },
    );
    const before = fake.queries.length;

    const result = await series.query(RAW);

    expect(result.truncated).toBe(true);
    expect(result.points.map((point) => point.value)).toEqual([3, 4, 5]);
    expect(fake.queries.slice(before).map((query) => query.nextToken)).toEqual([undefined, "page-2"]);
  });

  it("reads booleans as 1 and 0 and skips values that are not numbers", async () => {
    fake.answer([
      ["2026-11-25 11:03:00.000000000", "true"],
      ["2026-11-25 11:02:00.000000000", "AUTO"],
      ["2026-11-25 11:01:00.000000000", "false"],
    ]);

    const result = await series.query(RAW);

    expect(result.points.map((point) => point.value)).toEqual([0, 1]);
  });

  it("answers an empty series for a metric no thing has sent (unknown column)", async () => {
    fake.fail("unknownColumn");

    await expect(series.query({ ...RAW, metric: "humidity" })).resolves.toEqual({
      points: [],
      truncated: false,
    });
  });

  it("reports any other ValidationException as a bug in the query", async () => {
    fake.fail("validation");

    await expect(series.query(RAW)).rejects.toBeInstanceOf(TelemetryQueryError);
  });

  it("lets throttling through with its name, for the API to answer 503", async () => {
    fake.fail("throttling");

    await expect(series.query(RAW)).rejects.toMatchObject({ name: "ThrottlingException" });
  });

  it("discovers the endpoint first when it comes from the environment, as the SDK does on AWS", async () => {
    const discovering = new TimestreamQueryClient({ ...TEST_CLIENT_CONFIG, maxAttempts: 1 });
    const previous = process.env.AWS_ENDPOINT_URL_TIMESTREAM_QUERY;
    process.env.AWS_ENDPOINT_URL_TIMESTREAM_QUERY = fake.endpoint;
    const before = fake.operations.length;
    try {
      await new TimestreamSeriesQuery({ ...TARGET, client: discovering }).query(RAW);
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_TIMESTREAM_QUERY;
      else process.env.AWS_ENDPOINT_URL_TIMESTREAM_QUERY = previous;
      discovering.destroy();
    }

    expect(fake.operations.slice(before)).toEqual(["DescribeEndpoints", "Query"]);
  });
});

describe("telemetryQueryText", () => {
  it.each([
    ["a thing name with a quote", { thingName: "oven-3'; DROP" }],
    ["a metric that is not a metric name", { metric: "temperature OR 1=1" }],
    ["a reserved metric name", { metric: "time" }],
    ["a fractional time", { from: 1.5 }],
    ["a negative time", { from: -1 }],
    ["a step that is not whole seconds", { stepMs: 1500 }],
  ])("refuses %s rather than build a query from it", (_case, override) => {
    expect(() => telemetryQueryText({ ...RAW, ...override }, TARGET)).toThrow(RangeError);
  });

  it("quotes database and table names, doubling quotes inside them", () => {
    expect(telemetryQueryText(RAW, { databaseName: 'my"db', tableName: "t" })).toContain('FROM "my""db"."t"');
  });
});
