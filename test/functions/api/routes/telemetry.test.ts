import { TimestreamQueryClient } from "@aws-sdk/client-timestream-query";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TimestreamSeriesQuery } from "../../../../shared/adapters/aws/timestreamSeriesQuery.ts";
import { TEST_CLIENT_CONFIG } from "../../../support/awsClients.ts";
import { type FakeTimestreamQuery, startFakeTimestreamQuery } from "../../../support/fakeTimestreamQuery.ts";
import {
  apiEvent,
  OPERATOR_API_T0,
  startTestOperatorApi,
  type TestOperatorApi,
} from "../../../support/operatorApi.ts";
import { call, lambdaContext } from "../support.ts";

const HOUR = 3_600_000;

describe("operator API: telemetry", () => {
  let fake: FakeTimestreamQuery;
  let client: TimestreamQueryClient;
  let api: TestOperatorApi;

  beforeAll(async () => {
    fake = await startFakeTimestreamQuery();
    client = new TimestreamQueryClient({ ...TEST_CLIENT_CONFIG, endpoint: fake.endpoint, maxAttempts: 1 });
    api = await startTestOperatorApi({
      series: new TimestreamSeriesQuery({ databaseName: "plantwatch", tableName: "telemetry", client }),
    });
  });
  afterAll(async () => {
    client?.destroy();
    await api?.close();
    await fake?.stop();
  });
  beforeEach(() => {
    fake.answer([]);
  });

  it("queries the last hour by default and answers the points oldest first", async () => {
    fake.answer([
      ["2026-11-25 11:59:30.000000000", "262.4"],
      ["2026-11-25 11:59:00.000000000", "249.5"],
    ]);
    const before = fake.queries.length;

    const { status, body } = await call(api.url, "GET", "/devices/oven-3/telemetry?metric=temperature");

    expect(status).toBe(200);
    expect(body).toEqual({
      thingName: "oven-3",
      metric: "temperature",
      from: "2026-11-25T11:00:00.000Z",
      to: "2026-11-25T12:00:00.000Z",
      points: [
        { time: "2026-11-25T11:59:00.000Z", value: 249.5 },
        { time: "2026-11-25T11:59:30.000Z", value: 262.4 },
      ],
      truncated: false,
    });
    expect(fake.queries.slice(before).map((query) => query.queryString)).toEqual([
      `SELECT time, "temperature" AS value FROM "plantwatch"."telemetry" WHERE "device" = 'oven-3' AND measure_name = 'metrics' AND time >= from_milliseconds(${OPERATOR_API_T0 - HOUR}) AND time < from_milliseconds(${OPERATOR_API_T0}) AND "temperature" IS NOT NULL ORDER BY time DESC LIMIT 10001`,
    ]);
  });

  it("buckets with a step, taking ISO and epoch-millisecond times", async () => {
    fake.answer([["2026-11-25 10:05:00.000000000", "255", "250", "260", "30"]]);
    const before = fake.queries.length;

    const { body } = await call(
      api.url,
      "GET",
      `/devices/oven-3/telemetry?metric=temperature&from=2026-11-25T10:00:00Z&to=${OPERATOR_API_T0}&step=5m`,
    );

    expect(body).toMatchObject({
      step: "5m",
      from: "2026-11-25T10:00:00.000Z",
      points: [{ time: "2026-11-25T10:05:00.000Z", value: 255, min: 250, max: 260, count: 30 }],
    });
    expect(fake.queries.slice(before)[0]?.queryString).toContain(
      "GROUP BY bin(time, 300s) ORDER BY bucket DESC LIMIT 10001",
    );
  });

  it("answers 503 unavailable when Timestream throttles", async () => {
    fake.fail("throttling");

    const { status, body } = await call(api.url, "GET", "/devices/oven-3/telemetry?metric=temperature");

    expect(status).toBe(503);
    expect(body.error.code).toBe("unavailable");
  });

  it("answers 500 internal, without Timestream's message, when Timestream refuses the query text", async () => {
    fake.fail("validation");

    const { status, body } = await call(api.url, "GET", "/devices/oven-3/telemetry?metric=temperature");

    expect(status).toBe(500);
    expect(body.error.code).toBe("internal");
    expect(JSON.stringify(body)).not.toContain("mismatched");
  });

  const huge = "9".repeat(40);
  it.each([
    [
      "a thing name with a quote",
      "/devices/oven-3'%3B%20DROP/telemetry?metric=temperature",
      "path.thingName",
    ],
    [
      "a thing name that climbs directories",
      "/devices/..%2F..%2Fetc/telemetry?metric=temperature",
      "path.thingName",
    ],
    ["a unicode thing name", "/devices/%E2%98%83/telemetry?metric=temperature", "path.thingName"],
    ["a NUL byte in the thing name", "/devices/oven%00/telemetry?metric=temperature", "path.thingName"],
    ["SQL in the metric", "/devices/oven-3/telemetry?metric=temperature%20OR%201%3D1", "query.metric"],
    ["a quote in the metric", "/devices/oven-3/telemetry?metric=temp'erature", "query.metric"],
    ["a reserved metric name", "/devices/oven-3/telemetry?metric=measure_value", "query.metric"],
    ["a missing metric", "/devices/oven-3/telemetry", "query.metric"],
    ["a 10 KB metric", `/devices/oven-3/telemetry?metric=${"a".repeat(10_000)}`, "query.metric"],
    ["a repeated metric", "/devices/oven-3/telemetry?metric=temperature&metric=pressure", "query.metric"],
    ["a time that is not one", "/devices/oven-3/telemetry?metric=temperature&from=yesterday", "query.from"],
    [
      "a time without a zone",
      "/devices/oven-3/telemetry?metric=temperature&from=2026-11-25T10:00:00",
      "query.from",
    ],
    ["a huge number", `/devices/oven-3/telemetry?metric=temperature&to=${huge}`, "query.to"],
    ["a negative time", "/devices/oven-3/telemetry?metric=temperature&from=-1", "query.from"],
    [
      "from after to",
      `/devices/oven-3/telemetry?metric=temperature&from=${OPERATOR_API_T0}&to=${OPERATOR_API_T0 - 1}`,
      "query.from",
    ],
    [
      "a range over 31 days",
      "/devices/oven-3/telemetry?metric=temperature&from=2026-10-01T00:00:00Z",
      "query.from",
    ],
    ["a step under a second", "/devices/oven-3/telemetry?metric=temperature&step=500ms", "query.step"],
    ["a step over a day", "/devices/oven-3/telemetry?metric=temperature&step=2d", "query.step"],
    [
      "a step with a fraction of a second",
      "/devices/oven-3/telemetry?metric=temperature&step=1500ms",
      "query.step",
    ],
    ["a step of SQL", "/devices/oven-3/telemetry?metric=temperature&step=1s)%20OR%20(1", "query.step"],
    [
      "a step making too many buckets",
      "/devices/oven-3/telemetry?metric=temperature&from=2026-11-01T00:00:00Z&step=1s",
      "query.step",
    ],
    ["an unknown parameter", "/devices/oven-3/telemetry?metric=temperature&where=1%3D1", "query.where"],
  ])("refuses %s with 400 before any query", async (_case, path, detailPath) => {
    const before = fake.queries.length;

    const { status, body } = await call(api.url, "GET", path);

    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details.map((detail: { path: string }) => detail.path)).toContain(detailPath);
    expect(fake.queries.length).toBe(before);
  });

  it("refuses a 10 MB parameter with 400 before any query", async () => {
    const before = fake.queries.length;
    const event = apiEvent("GET", "/devices/oven-3/telemetry", {
      query: { metric: "t".repeat(10 * 1024 * 1024) },
    });

    const result = await api.handler(event, lambdaContext());

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? "{}").error.details).toEqual([
      { path: "query.metric", message: expect.stringContaining("2048") },
    ]);
    expect(fake.queries.length).toBe(before);
  });
});
