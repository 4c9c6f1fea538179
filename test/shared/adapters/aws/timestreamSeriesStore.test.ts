import type { TimestreamWriteClient } from "@aws-sdk/client-timestream-write";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TimestreamSeriesStore } from "../../../../shared/adapters/aws/timestreamSeriesStore.ts";
import type { MetricValue, SampleRef } from "../../../../shared/domain/ingest/types.ts";
import type { SeriesPoint } from "../../../../shared/ports/seriesStore.ts";
import { localTimestreamClient, TEST_CLIENT_CONFIG } from "../../../support/awsClients.ts";
import {
  type FakeTimestream,
  startFakeTimestream,
  VERSION_CONFLICT_REASON,
} from "../../../support/fakeTimestream.ts";
import { type ManualClock, manualClock } from "../../../support/testClock.ts";

const DATABASE = "plantwatch";
const TABLE = "telemetry";
const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const VERSION = T0 + 500;
const POISON = "poison";
const POISONED: Record<string, MetricValue> = { [POISON]: 1 };

interface SeriesOptions {
  readonly messageIndex?: number;
  readonly site?: string;
  readonly line?: string;
  readonly metrics?: (index: number) => Record<string, MetricValue>;
}

/** `count` points of one thing, one second apart, each from its own sample of message `messageIndex`. */
function series(thingName: string, count: number, options: SeriesOptions = {}): SeriesPoint[] {
  return Array.from({ length: count }, (_, index) => ({
    thingName,
    ...(options.site === undefined ? {} : { site: options.site }),
    ...(options.line === undefined ? {} : { line: options.line }),
    time: T0 + index * 1_000,
    version: VERSION,
    metrics: options.metrics?.(index) ?? { temperature: 20 + index / 4 },
    ref: { messageIndex: options.messageIndex ?? 0, sampleIndex: index },
  }));
}

const byRef = (a: SampleRef, b: SampleRef) =>
  a.messageIndex - b.messageIndex || a.sampleIndex - b.sampleIndex;
const refsOf = (points: readonly SeriesPoint[]) => points.map((point) => point.ref).sort(byRef);

describe("TimestreamSeriesStore", () => {
  let fake: FakeTimestream;
  let client: TimestreamWriteClient;
  let clock: ManualClock;
  let store: TimestreamSeriesStore;
  const farDeadline = () => clock.now() + 60_000;

  /** The refs of the stored rows, found by device and time among `points`. */
  const storedRefs = (points: readonly SeriesPoint[]) => {
    const refByRow = new Map(points.map((point) => [`${point.thingName}@${point.time}`, point.ref]));
    return fake
      .rows()
      .map((row) => refByRow.get(`${row.dimensions.device}@${row.time}`))
      .filter((ref) => ref !== undefined)
      .sort(byRef);
  };

  beforeEach(async () => {
    fake = await startFakeTimestream({ poisonMeasureName: POISON });
    client = localTimestreamClient(fake.endpoint);
    // A clock that moves only when the adapter sleeps, so deadlines are reached without waiting.
    clock = manualClock(T0);
    store = new TimestreamSeriesStore({
      databaseName: DATABASE,
      tableName: TABLE,
      client,
      backoff: { baseDelayMs: 1, maxDelayMs: 5, ...clock },
    });
  });
  afterEach(async () => {
    client.destroy();
    await fake.stop();
  });

  describe("request shape", () => {
    it("writes 250 points of one thing in requests of 100, 100 and 50 records", async () => {
      const points = series("oven-3", 250);

      const result = await store.write(points, { deadline: farDeadline() });

      expect(result).toEqual({ rejected: [], unwritten: [], retries: 0 });
      const sizes = fake.writeRequests().map((request) => request.Records?.length);
      expect(sizes.sort((a = 0, b = 0) => a - b)).toEqual([50, 100, 100]);
      expect(storedRefs(points)).toEqual(refsOf(points));
    });

    it("sends the dimensions once in CommonAttributes when a request holds one series, omitting absent site and line", async () => {
      await store.write(series("oven-3", 2, { site: "plant-1", line: "line-2" }), {
        deadline: farDeadline(),
      });

      const [request] = fake.writeRequests();
      expect(request?.CommonAttributes).toEqual({
        Dimensions: [
          { Name: "device", Value: "oven-3" },
          { Name: "site", Value: "plant-1" },
          { Name: "line", Value: "line-2" },
        ],
        MeasureName: "metrics",
        MeasureValueType: "MULTI",
        TimeUnit: "MILLISECONDS",
      });
      expect(request?.DatabaseName).toBe(DATABASE);
      expect(request?.TableName).toBe(TABLE);
      for (const record of request?.Records ?? []) {
        expect(Object.keys(record).sort()).toEqual(["MeasureValues", "Time", "Version"]);
      }
    });

    it("packs the points of several things into one request, each record with its own dimensions", async () => {
      const points = [
        ...series("oven-3", 2, { messageIndex: 0, site: "plant-1", line: "line-2" }),
        ...series("press-7", 2, { messageIndex: 1, site: "plant-1" }),
        ...series("mixer-9", 2, { messageIndex: 2 }),
      ];

      await store.write(points, { deadline: farDeadline() });

      const [request, ...others] = fake.writeRequests();
      expect(others).toEqual([]);
      expect(request?.CommonAttributes).toEqual({
        MeasureName: "metrics",
        MeasureValueType: "MULTI",
        TimeUnit: "MILLISECONDS",
      });
      expect(request?.Records?.map((record) => record.Dimensions)).toEqual([
        ...Array(2).fill([
          { Name: "device", Value: "oven-3" },
          { Name: "site", Value: "plant-1" },
          { Name: "line", Value: "line-2" },
        ]),
        ...Array(2).fill([
          { Name: "device", Value: "press-7" },
          { Name: "site", Value: "plant-1" },
        ]),
        ...Array(2).fill([{ Name: "device", Value: "mixer-9" }]),
      ]);
      const rowsOf = (device: string) => fake.rows().filter((row) => row.dimensions.device === device);
      expect(rowsOf("press-7").map((row) => row.dimensions)).toEqual(
        Array(2).fill({ device: "press-7", site: "plant-1" }),
      );
    });

    it("sends each point's time in milliseconds and its version, numbers as DOUBLE, booleans as BOOLEAN and strings as VARCHAR", async () => {
      const point: SeriesPoint = {
        thingName: "oven-3",
        time: T0 + 250,
        version: VERSION,
        metrics: { temperature: 71.25, count: 42, negative: -3, running: true, open: false, mode: "AUTO" },
        ref: { messageIndex: 0, sampleIndex: 0 },
      };

      await store.write([point], { deadline: farDeadline() });

      expect(fake.writeRequests()[0]?.Records).toEqual([
        {
          Time: String(T0 + 250),
          Version: VERSION,
          MeasureValues: [
            { Name: "temperature", Value: "71.25", Type: "DOUBLE" },
            { Name: "count", Value: "42", Type: "DOUBLE" },
            { Name: "negative", Value: "-3", Type: "DOUBLE" },
            { Name: "running", Value: "true", Type: "BOOLEAN" },
            { Name: "open", Value: "false", Type: "BOOLEAN" },
            { Name: "mode", Value: "AUTO", Type: "VARCHAR" },
          ],
        },
      ]);
      expect(fake.rows()).toHaveLength(1);
    });

    it("gives a series with a full request's worth of points requests of its own, and packs the rest", async () => {
      const oven = series("oven-3", 120, { messageIndex: 0 });
      const press = series("press-7", 30, { messageIndex: 1 });
      const interleaved = oven.flatMap((point, index) => (press[index] ? [point, press[index]] : [point]));

      await store.write(interleaved, { deadline: farDeadline() });

      const requests = fake.writeRequests();
      expect(requests.map((request) => request.Records?.length)).toEqual([100, 50]);
      expect(requests[0]?.CommonAttributes?.Dimensions).toEqual([{ Name: "device", Value: "oven-3" }]);
      expect(requests[1]?.CommonAttributes?.Dimensions).toBeUndefined();
      const rowsOf = (device: string) => fake.rows().filter((row) => row.dimensions.device === device);
      expect(rowsOf("oven-3").map((row) => row.time)).toEqual(oven.map((point) => String(point.time)));
      expect(rowsOf("press-7").map((row) => row.time)).toEqual(press.map((point) => String(point.time)));
    });

    it("makes no request for no points", async () => {
      const result = await store.write([], { deadline: farDeadline() });

      expect(result).toEqual({ rejected: [], unwritten: [], retries: 0 });
      expect(fake.requests).toEqual([]);
    });
  });

  describe("endpoint", () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it("does not ask for endpoint discovery when the client has an explicit endpoint", async () => {
      await store.write(series("oven-3", 3), { deadline: farDeadline() });

      expect(fake.requests.map((request) => request.operation)).toEqual(["WriteRecords"]);
    });

    it("builds its own client with the SDK's retries off, reaching an endpoint from the environment by discovery", async () => {
      vi.stubEnv("AWS_ENDPOINT_URL_TIMESTREAM_WRITE", fake.endpoint);
      const configured = new TimestreamSeriesStore({
        databaseName: DATABASE,
        tableName: TABLE,
        clientConfig: TEST_CLIENT_CONFIG,
        backoff: { baseDelayMs: 1, maxDelayMs: 5, ...clock },
      });
      fake.fail("throttling");

      const result = await configured.write(series("oven-3", 3), { deadline: farDeadline() });

      expect(result).toEqual({ rejected: [], unwritten: [], retries: 1 });
      expect(fake.requests.map((request) => `${request.operation} ${request.status}`)).toEqual([
        "DescribeEndpoints 200",
        "WriteRecords 400",
        "WriteRecords 200",
      ]);
      expect(fake.rows()).toHaveLength(3);
    });
  });

  describe("transient errors", () => {
    it("retries throttled requests until they succeed, counting each retry", async () => {
      const points = series("oven-3", 250);
      fake.fail("throttling", { times: 2 });

      const result = await store.write(points, { deadline: farDeadline() });

      expect(result).toEqual({ rejected: [], unwritten: [], retries: 2 });
      expect(fake.requests.filter((request) => request.errorType === "ThrottlingException")).toHaveLength(2);
      expect(fake.writeRequests()).toHaveLength(5);
      expect(storedRefs(points)).toEqual(refsOf(points));
      const written = fake
        .acceptedWriteRequests()
        .reduce((sum, request) => sum + (request.Records?.length ?? 0), 0);
      expect(written).toBe(250);
    });

    it("retries a request answered with a 500 InternalServerException", async () => {
      const points = series("oven-3", 10);
      fake.fail("internal");

      const result = await store.write(points, { deadline: farDeadline() });

      expect(result).toEqual({ rejected: [], unwritten: [], retries: 1 });
      expect(fake.requests.map((request) => request.status)).toEqual([500, 200]);
      expect(storedRefs(points)).toEqual(refsOf(points));
    });

    it("reports exactly the points of a request still throttled at the deadline as unwritten", async () => {
      // oven-3 fills a request of its own; press-7 and mixer-9 share one, which stays throttled.
      const oven = series("oven-3", 100, { messageIndex: 0 });
      const press = series("press-7", 30, { messageIndex: 1 });
      const mixer = series("mixer-9", 20, { messageIndex: 2 });
      const points = [...oven, ...press, ...mixer];
      fake.fail("throttling", {
        times: Number.POSITIVE_INFINITY,
        where: (request) => request.CommonAttributes?.Dimensions === undefined,
      });

      const result = await store.write(points, { deadline: clock.now() + 50 });

      expect(result.rejected).toEqual([]);
      expect([...result.unwritten].sort(byRef)).toEqual(refsOf([...press, ...mixer]));
      expect(result.retries).toBeGreaterThan(0);
      expect(storedRefs(points)).toEqual(refsOf(oven));
      expect(fake.rows()).toHaveLength(oven.length);
    });

    it("gives up without retrying when the deadline has already passed", async () => {
      const points = series("oven-3", 5);
      fake.fail("throttling");

      const result = await store.write(points, { deadline: clock.now() });

      expect(result).toEqual({ rejected: [], unwritten: refsOf(points), retries: 0 });
      expect(fake.writeRequests()).toHaveLength(1);
    });
  });

  describe("records refused by Timestream", () => {
    it("reports rejected records with Timestream's reason and the rest of the request as stored", async () => {
      const points = series("oven-3", 10);
      const reason = "The record timestamp is outside the time range of the data ingestion window.";
      fake.rejectRecords([3, 7], { reason });

      const result = await store.write(points, { deadline: farDeadline() });

      expect(result).toEqual({
        rejected: [
          { ref: points[3]?.ref, reason },
          { ref: points[7]?.ref, reason },
        ],
        unwritten: [],
        retries: 0,
      });
      expect(storedRefs(points)).toEqual(refsOf(points.filter((_, index) => index !== 3 && index !== 7)));
    });

    it("accepts a replay of the same points with the same version", async () => {
      const points = series("oven-3", 10);
      await store.write(points, { deadline: farDeadline() });

      const replay = await store.write(points, { deadline: farDeadline() });

      expect(replay).toEqual({ rejected: [], unwritten: [], retries: 0 });
      expect(fake.requests.map((request) => request.status)).toEqual([200, 200]);
      expect(fake.rows()).toHaveLength(10);
    });

    it("reports a changed value with a lower version as rejected, with the existing version", async () => {
      const [original] = series("oven-3", 1, { metrics: () => ({ temperature: 70 }) }) as [SeriesPoint];
      await store.write([original], { deadline: farDeadline() });
      const stale = { ...original, version: original.version - 1, metrics: { temperature: 99 } };

      const result = await store.write([stale], { deadline: farDeadline() });

      expect(result.rejected).toEqual([
        { ref: stale.ref, reason: `${VERSION_CONFLICT_REASON} (existing version ${original.version})` },
      ]);
      expect(fake.rows().map((row) => row.measures)).toEqual([
        [{ Name: "temperature", Value: "70", Type: "DOUBLE" }],
      ]);
    });

    it("replaces a stored value with a changed one of a higher version", async () => {
      const [original] = series("oven-3", 1, { metrics: () => ({ temperature: 70 }) }) as [SeriesPoint];
      await store.write([original], { deadline: farDeadline() });
      const newer = { ...original, version: original.version + 1, metrics: { temperature: 99 } };

      const result = await store.write([newer], { deadline: farDeadline() });

      expect(result.rejected).toEqual([]);
      expect(fake.rows().map((row) => [row.version, row.measures[0]?.Value])).toEqual([
        [newer.version, "99"],
      ]);
    });

    it("isolates the records of a request refused with a ValidationException and stores the rest once", async () => {
      const points = series("oven-3", 100, {
        metrics: (index) => (index === 13 || index === 77 ? POISONED : { temperature: index }),
      });

      const result = await store.write(points, { deadline: farDeadline() });

      expect(result.unwritten).toEqual([]);
      expect(result.retries).toBe(0);
      expect(result.rejected.map((rejected) => rejected.ref)).toEqual([points[13]?.ref, points[77]?.ref]);
      for (const rejected of result.rejected) {
        expect(rejected.reason).toMatch(/^ValidationException: .*measure name poison is not allowed/);
      }
      expect(storedRefs(points)).toEqual(refsOf(points.filter((_, index) => index !== 13 && index !== 77)));
      const written = fake
        .acceptedWriteRequests()
        .reduce((sum, request) => sum + (request.Records?.length ?? 0), 0);
      expect(written).toBe(98);
    });

    it("throws an error that retrying cannot fix, without retrying it", async () => {
      fake.fail("accessDenied");

      await expect(store.write(series("oven-3", 5), { deadline: farDeadline() })).rejects.toMatchObject({
        name: "AccessDeniedException",
      });
      expect(fake.writeRequests()).toHaveLength(1);
    });
  });
});
