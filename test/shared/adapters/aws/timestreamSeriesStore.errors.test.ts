import {
  TimestreamWriteClient,
  ValidationException,
  WriteRecordsCommand,
} from "@aws-sdk/client-timestream-write";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TimestreamSeriesStore } from "../../../../shared/adapters/aws/timestreamSeriesStore.ts";
import type { SeriesPoint } from "../../../../shared/ports/seriesStore.ts";
import { TEST_CLIENT_CONFIG } from "../../../support/awsClients.ts";
import { type LocalServer, startLocalServer } from "../../../support/localHttpServer.ts";
import { type ManualClock, manualClock } from "../../../support/testClock.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");

function points(count: number, thingName = "oven-3"): SeriesPoint[] {
  return Array.from({ length: count }, (_, index) => ({
    thingName,
    time: T0 + index,
    version: T0,
    metrics: { temperature: index },
    ref: { messageIndex: 0, sampleIndex: index },
  }));
}

function awsError(name: string, fields: object = {}): Error {
  return Object.assign(new Error(`${name} from the mock`), { name, ...fields });
}

describe("TimestreamSeriesStore", () => {
  const client = new TimestreamWriteClient({ ...TEST_CLIENT_CONFIG, maxAttempts: 1 });
  const timestream = mockClient(client);
  let clock: ManualClock;
  let store: TimestreamSeriesStore;

  beforeEach(() => {
    timestream.reset();
    clock = manualClock(T0);
    store = new TimestreamSeriesStore({
      databaseName: "plantwatch",
      tableName: "telemetry",
      client,
      backoff: {
        baseDelayMs: 1,
        maxDelayMs: 5,
        ...clock,
      },
    });
  });
  afterEach(() => {
    timestream.reset();
  });

  it.each([
    ["a dropped connection (ECONNRESET)", awsError("Error", { code: "ECONNRESET" })],
    ["a refused connection (ECONNREFUSED)", awsError("Error", { code: "ECONNREFUSED" })],
    ["an SDK timeout", awsError("TimeoutError")],
    ["a 503 of any name", awsError("UnknownError", { $metadata: { httpStatusCode: 503 } })],
    ["a 429 of any name", awsError("TooManyRequests", { $metadata: { httpStatusCode: 429 } })],
    [
      "a ServiceUnavailableException",
      awsError("ServiceUnavailableException", { $metadata: { httpStatusCode: 400 } }),
    ],
  ])("retries after %s", async (_, error) => {
    timestream.on(WriteRecordsCommand).rejectsOnce(error).resolves({});

    const result = await store.write(points(3), { deadline: T0 + 1_000 });

    expect(result).toEqual({ rejected: [], unwritten: [], retries: 1 });
    expect(timestream.commandCalls(WriteRecordsCommand)).toHaveLength(2);
    expect(clock.sleeps).toHaveLength(1);
  });

  it.each([
    ["ResourceNotFoundException", 404],
    ["AccessDeniedException", 403],
    ["ServiceQuotaExceededException", 402],
  ])("throws a %s (HTTP %d) after one attempt", async (name, status) => {
    timestream.on(WriteRecordsCommand).rejects(awsError(name, { $metadata: { httpStatusCode: status } }));

    await expect(store.write(points(3), { deadline: T0 + 1_000 })).rejects.toMatchObject({ name });
    expect(timestream.commandCalls(WriteRecordsCommand)).toHaveLength(1);
  });

  it("waits longer after each throttled attempt, up to maxDelayMs", async () => {
    const throttled = awsError("ThrottlingException", { $metadata: { httpStatusCode: 400 } });
    timestream
      .on(WriteRecordsCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolves({});
    const randomStore = new TimestreamSeriesStore({
      databaseName: "plantwatch",
      tableName: "telemetry",
      client,
      backoff: {
        baseDelayMs: 2,
        maxDelayMs: 10,
        random: () => 0.99,
        ...clock,
      },
    });

    const result = await randomStore.write(points(1), { deadline: T0 + 1_000 });

    expect(result.retries).toBe(4);
    expect(clock.sleeps).toEqual([1, 3, 7, 9]);
  });

  it("reports a lone record refused with a ValidationException with the service's message", async () => {
    timestream.on(WriteRecordsCommand).rejects(
      new ValidationException({
        message: "Invalid time for record",
        $metadata: { httpStatusCode: 400 },
        Message: "Invalid time for record",
      }),
    );
    const [point] = points(1) as [SeriesPoint];

    const result = await store.write([point], { deadline: T0 + 1_000 });

    expect(result).toEqual({
      rejected: [{ ref: point.ref, reason: "ValidationException: Invalid time for record" }],
      unwritten: [],
      retries: 0,
    });
  });

  it("keeps at most maxConcurrentWrites requests in flight", async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    timestream.on(WriteRecordsCommand).callsFake(async () => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return {};
    });
    const limited = new TimestreamSeriesStore({
      databaseName: "plantwatch",
      tableName: "telemetry",
      client,
      maxConcurrentWrites: 2,
    });

    await limited.write(
      ["a", "b", "c", "d", "e"].flatMap((thing) => points(150, thing)),
      { deadline: T0 + 60_000 },
    );

    // Each thing's first 100 points fill a request; the other 5 × 50 share 3 more.
    expect(timestream.commandCalls(WriteRecordsCommand)).toHaveLength(8);
    expect(mostInFlight).toBe(2);
  });
});

describe("TimestreamSeriesStore under failure", () => {
  const client = new TimestreamWriteClient({ ...TEST_CLIENT_CONFIG, maxAttempts: 1 });
  const timestream = mockClient(client);
  afterEach(() => {
    timestream.reset();
  });

  it("starts no further request once one fails for good, and settles before throwing", async () => {
    let calls = 0;
    let inFlight = 0;
    timestream.on(WriteRecordsCommand).callsFake(async () => {
      const call = ++calls;
      inFlight++;
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      if (call === 1) throw awsError("AccessDeniedException", { $metadata: { httpStatusCode: 403 } });
      return {};
    });
    const store = new TimestreamSeriesStore({
      databaseName: "plantwatch",
      tableName: "telemetry",
      client,
      maxConcurrentWrites: 2,
    });

    await expect(
      store.write(
        ["a", "b", "c", "d", "e", "f"].flatMap((thing) => points(100, thing)),
        { deadline: Date.now() + 60_000 },
      ),
    ).rejects.toThrow(/AccessDenied/);

    expect(inFlight).toBe(0);
    expect(calls).toBe(2);
  });

  it("treats a concurrency below one as one, so no point is left unaccounted", async () => {
    timestream.on(WriteRecordsCommand).resolves({});
    const store = new TimestreamSeriesStore({
      databaseName: "plantwatch",
      tableName: "telemetry",
      client,
      maxConcurrentWrites: 0,
    });

    const result = await store.write(points(3), { deadline: Date.now() + 60_000 });

    expect(result).toEqual({ rejected: [], unwritten: [], retries: 0 });
    expect(timestream.commandCalls(WriteRecordsCommand)).toHaveLength(1);
  });
});

describe("TimestreamSeriesStore against an endpoint that never answers", () => {
  let silent: LocalServer;
  beforeAll(async () => {
    silent = await startLocalServer(() => new Promise<never>(() => {}));
  });
  afterAll(async () => {
    await silent.stop();
  });

  it("abandons the hung request at the deadline and reports its points unwritten", async () => {
    const store = new TimestreamSeriesStore({
      databaseName: "plantwatch",
      tableName: "telemetry",
      client: new TimestreamWriteClient({ ...TEST_CLIENT_CONFIG, endpoint: silent.endpoint, maxAttempts: 1 }),
    });
    const hung = points(2);

    const result = await store.write(hung, { deadline: Date.now() + 200 });

    expect(result).toEqual({ rejected: [], unwritten: hung.map((point) => point.ref), retries: 0 });
  });
});
