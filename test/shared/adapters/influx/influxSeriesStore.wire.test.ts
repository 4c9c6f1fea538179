import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { InfluxConfigurationError, InfluxWriteError } from "../../../../shared/adapters/influx/errors.ts";
import type { InfluxConnection } from "../../../../shared/adapters/influx/influxConnection.ts";
import { InfluxSeriesStore } from "../../../../shared/adapters/influx/influxSeriesStore.ts";
import type { SeriesPoint } from "../../../../shared/ports/seriesStore.ts";
import { type LocalReply, type LocalServer, startLocalServer } from "../../../support/localHttpServer.ts";
import { type ManualClock, manualClock } from "../../../support/testClock.ts";

// What InfluxDB 1.6.7 cannot show (token auth, 2.x/3.x error bodies, throttling, outages), against a
// local HTTP endpoint that records each request and answers from a script.
const T0 = Date.parse("2026-11-25T12:00:00.000Z");

interface Received {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly contentEncoding: string | undefined;
  readonly lines: readonly string[];
}

function points(count: number): SeriesPoint[] {
  return Array.from({ length: count }, (_, index) => ({
    thingName: "oven-3",
    time: T0 + index,
    version: T0,
    metrics: { temperature: index },
    ref: { messageIndex: 0, sampleIndex: index },
  }));
}

const line = (index: number) => `telemetry,device=oven-3 temperature=${index} ${T0 + index}`;

describe("InfluxSeriesStore at the wire", () => {
  let server: LocalServer | undefined;
  let received: Received[];
  let clock: ManualClock;

  async function fake(answer: (request: Received, index: number) => LocalReply): Promise<LocalServer> {
    received = [];
    server = await startLocalServer((request) => {
      const seen: Received = {
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        contentEncoding: request.headers["content-encoding"] as string | undefined,
        lines: gunzipSync(request.body).toString().split("\n"),
      };
      received.push(seen);
      return answer(seen, received.length - 1);
    });
    return server;
  }

  function store(endpoint: string, connection: Partial<InfluxConnection> = {}, minRequestMs = 1_000) {
    clock = manualClock(T0);
    return new InfluxSeriesStore({
      connection: { url: endpoint, database: "plant bucket", token: async () => "s3cr3t", ...connection },
      minRequestMs,
      // A clock that moves only when the store sleeps: the deadline is reached by backing off.
      backoff: {
        baseDelayMs: 100,
        maxDelayMs: 400,
        random: () => 0.5,
        ...clock,
      },
    });
  }

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("sends one gzipped POST /write per request with the token, the database and ms precision", async () => {
    const { endpoint } = await fake(() => ({ status: 204 }));

    const result = await store(endpoint).write(points(2), { deadline: T0 + 10_000 });

    expect(result).toEqual({ rejected: [], unwritten: [], retries: 0 });
    expect(received).toEqual([
      {
        method: "POST",
        url: "/write?db=plant+bucket&precision=ms",
        authorization: "Token s3cr3t",
        contentEncoding: "gzip",
        lines: [line(0), line(1)],
      },
    ]);
  });

  it("sends the Bearer scheme when the connection asks for it (InfluxDB 3)", async () => {
    const { endpoint } = await fake(() => ({ status: 204 }));

    await store(endpoint, { authScheme: "Bearer" }).write(points(1), { deadline: T0 + 10_000 });

    expect(received[0]?.authorization).toBe("Bearer s3cr3t");
  });

  it.each([
    [401, '{"code":"unauthorized","message":"unauthorized access"}', /unauthorized access/],
    [403, '{"error":"insufficient permissions"}', /insufficient permissions/],
    [404, '{"code":"not found","message":"bucket \\"plant bucket\\" not found"}', /not found/],
  ])("throws a configuration error on HTTP %d after one attempt", async (status, body, detail) => {
    const { endpoint } = await fake(() => ({ status, body }));

    const error = await store(endpoint)
      .write(points(3), { deadline: T0 + 10_000 })
      .catch((e) => e);

    expect(error).toBeInstanceOf(InfluxConfigurationError);
    expect(error).toMatchObject({ name: "InfluxConfigurationError", status, retryable: false });
    expect(error.message).toMatch(detail);
    expect(error.message).not.toContain("s3cr3t");
    expect(received).toHaveLength(1);
  });

  it.each([
    [401, 1],
    [403, 1],
    [404, 0],
  ])(
    "on HTTP %d tells the connection its token was refused %d time(s), so it is read again",
    async (status, times) => {
      const { endpoint } = await fake(() => ({ status, body: "{}" }));
      let refused = 0;

      await store(endpoint, { tokenRejected: () => refused++ })
        .write(points(1), { deadline: T0 + 10_000 })
        .catch(() => undefined);

      expect(refused).toBe(times);
    },
  );

  it("splits a request the server finds too large (413) until each part fits", async () => {
    const { endpoint } = await fake((request) =>
      request.lines.length > 2
        ? { status: 413, body: '{"error":"Request Entity Too Large"}' }
        : { status: 204 },
    );

    const result = await store(endpoint).write(points(5), { deadline: T0 + 10_000 });

    expect(result).toEqual({ rejected: [], unwritten: [], retries: 0 });
    expect(received.map((request) => request.lines.length)).toEqual([5, 3, 2, 1, 2]);
  });

  it("backs off after 429 and 503, honours Retry-After, and counts the retries", async () => {
    const { endpoint } = await fake((_, index) =>
      index === 0
        ? { status: 429, headers: { "Retry-After": "2" }, body: '{"message":"too many requests"}' }
        : index === 1
          ? { status: 503, body: "Service Unavailable" }
          : { status: 204 },
    );

    const result = await store(endpoint).write(points(2), { deadline: T0 + 10_000 });

    expect(result).toEqual({ rejected: [], unwritten: [], retries: 2 });
    // 2 s as asked, then the jittered backoff of attempt 1 (0.5 × min(400, 100 × 2)).
    expect(clock.sleeps).toEqual([2_000, 100]);
    expect(received).toHaveLength(3);
  });

  it("reports the points unwritten, without sleeping, when Retry-After would pass the deadline", async () => {
    const { endpoint } = await fake(() => ({ status: 503, headers: { "Retry-After": "30" } }));

    const result = await store(endpoint).write(points(2), { deadline: T0 + 10_000 });

    expect(result.unwritten).toEqual(points(2).map((point) => point.ref));
    expect(result.retries).toBe(0);
    expect(clock.sleeps).toEqual([]);
  });

  it("retries server errors until the deadline, then reports the points unwritten", async () => {
    const { endpoint } = await fake(() => ({ status: 500, body: '{"error":"engine: cache full"}' }));

    const result = await store(endpoint).write(points(2), { deadline: T0 + 1_000 });

    expect(result.rejected).toEqual([]);
    expect(result.unwritten).toEqual(points(2).map((point) => point.ref));
    expect(result.retries).toBe(clock.sleeps.length);
    expect(result.retries).toBeGreaterThan(1);
    expect(clock.now()).toBeLessThan(T0 + 1_000);
  });

  it("retries a refused connection, counting each retry, until the deadline", async () => {
    const { endpoint } = await fake(() => ({ status: 204 }));
    await server?.stop();
    server = undefined;

    const result = await store(endpoint).write(points(1), { deadline: T0 + 1_000 });

    expect(result.unwritten).toEqual([{ messageIndex: 0, sampleIndex: 0 }]);
    expect(result.retries).toBeGreaterThan(0);
    expect(result.retries).toBe(clock.sleeps.length);
  });

  it("aborts a request that would outlive the deadline and reports its points unwritten", async () => {
    let answered = false;
    let release = () => {};
    server = await startLocalServer(
      () =>
        new Promise<LocalReply>((resolve) => {
          release = () => {
            answered = true;
            resolve({ status: 204 });
          };
        }),
    );
    const hanging = new InfluxSeriesStore({
      connection: { url: server.endpoint, database: "plantwatch", token: async () => "s3cr3t" },
      minRequestMs: 50,
    });

    const result = await hanging.write(points(2), { deadline: Date.now() + 50 });

    expect(result).toEqual({ rejected: [], unwritten: points(2).map((point) => point.ref), retries: 0 });
    expect(answered).toBe(false);
    release();
  });

  it("maps InfluxDB 3's partial-write line numbers to points and sends the others again", async () => {
    const { endpoint } = await fake((_, index) =>
      index === 0
        ? {
            status: 400,
            body: JSON.stringify({
              error: "partial write of line protocol occurred",
              data: [
                {
                  original_line: line(1),
                  line_number: 2,
                  error_message: "invalid column type for column 'temperature'",
                },
              ],
            }),
          }
        : { status: 204 },
    );

    const result = await store(endpoint).write(points(3), { deadline: T0 + 10_000 });

    expect(result).toEqual({
      rejected: [
        {
          ref: { messageIndex: 0, sampleIndex: 1 },
          reason: "InfluxDB: invalid column type for column 'temperature'",
        },
      ],
      unwritten: [],
      retries: 0,
    });
    expect(received.map((request) => request.lines)).toEqual([
      [line(0), line(1), line(2)],
      [line(0), line(2)],
    ]);
  });

  it("reads InfluxDB 2's message field for a type conflict (422)", async () => {
    const conflict =
      'failure writing points to database: partial write: field type conflict: input field "temperature" on measurement "telemetry" is type float, already exists as type string dropped=3';
    const { endpoint } = await fake((_, index) =>
      index === 0
        ? { status: 422, body: JSON.stringify({ code: "unprocessable entity", message: conflict }) }
        : { status: 204 },
    );

    const result = await store(endpoint).write(points(3), { deadline: T0 + 10_000 });

    expect(result.rejected.map((rejected) => rejected.ref.sampleIndex)).toEqual([0, 1, 2]);
    expect(result.rejected[0]?.reason).toBe(
      'InfluxDB: field type conflict: input field "temperature" on measurement "telemetry" is type float, already exists as type string',
    );
    expect(received).toHaveLength(1);
  });

  it("halves a refusal that names no line down to the culprit", async () => {
    const { endpoint } = await fake((request) =>
      request.lines.includes(line(2))
        ? { status: 400, body: '{"error":"something about one line"}' }
        : { status: 204 },
    );

    const result = await store(endpoint).write(points(4), { deadline: T0 + 10_000 });

    expect(result).toEqual({
      rejected: [
        { ref: { messageIndex: 0, sampleIndex: 2 }, reason: "InfluxDB (HTTP 400): something about one line" },
      ],
      unwritten: [],
      retries: 0,
    });
    expect(received.map((request) => request.lines.length)).toEqual([4, 2, 2, 1, 1]);
  });

  it("throws a configuration error for a 400 that blames the database", async () => {
    const { endpoint } = await fake(() => ({ status: 400, body: '{"error":"database is required"}' }));

    await expect(store(endpoint).write(points(2), { deadline: T0 + 10_000 })).rejects.toThrow(
      InfluxConfigurationError,
    );
    expect(received).toHaveLength(1);
  });

  it("throws an InfluxWriteError for a status it has no meaning for", async () => {
    const { endpoint } = await fake(() => ({ status: 405, body: "Method Not Allowed" }));

    const error = await store(endpoint)
      .write(points(2), { deadline: T0 + 10_000 })
      .catch((e) => e);

    expect(error).toBeInstanceOf(InfluxWriteError);
    expect(error).toMatchObject({ name: "InfluxWriteError", status: 405 });
  });
});
