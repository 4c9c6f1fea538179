import { randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InfluxConfigurationError } from "../../../../shared/adapters/influx/errors.ts";
import type { InfluxConnection } from "../../../../shared/adapters/influx/influxConnection.ts";
import { InfluxSeriesStore } from "../../../../shared/adapters/influx/influxSeriesStore.ts";
import type { MetricValue } from "../../../../shared/domain/ingest/types.ts";
import type { SeriesPoint } from "../../../../shared/ports/seriesStore.ts";
import { type LocalInflux, startInflux } from "../../../support/influxServer.ts";

// The real server: Debian's influxd 1.6.7, one per file, auth off, 64 KB body limit for the 413 tests.
const MAX_BODY = 64 * 1024;
const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const FAR = Number.MAX_SAFE_INTEGER;

interface SentRequest {
  readonly url: string;
  readonly headers: Headers;
  readonly lines: readonly string[];
  readonly status: number;
}

function point(
  sampleIndex: number,
  metrics: Record<string, MetricValue>,
  fields: Partial<Omit<SeriesPoint, "metrics" | "ref">> = {},
): SeriesPoint {
  return {
    thingName: "oven-1",
    site: "plant-a",
    line: "line-2",
    time: T0 + sampleIndex * 1_000,
    version: T0,
    metrics,
    ...fields,
    ref: { messageIndex: 0, sampleIndex },
  };
}

describe("InfluxSeriesStore against InfluxDB 1.6.7", () => {
  let influx: LocalInflux;
  let sent: SentRequest[];
  let database: string;

  /** A connection to this file's server that records every request it sends and the answer's status. */
  function connection(overrides: Partial<InfluxConnection> = {}): InfluxConnection {
    return {
      url: influx.url,
      database,
      token: async () => "test-token",
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const body = Buffer.from(init?.body as Uint8Array);
        sent.push({
          url: String(input),
          headers: new Headers(init?.headers),
          lines: gunzipSync(body).toString().split("\n"),
          status: response.status,
        });
        return response;
      },
      ...overrides,
    };
  }

  function store(options: { maxLinesPerRequest?: number } = {}): InfluxSeriesStore {
    return new InfluxSeriesStore({ connection: connection(), ...options });
  }

  async function rows(influxQl: string): Promise<unknown[][]> {
    const answer = await influx.query(influxQl, database);
    expect(answer.results[0]?.error).toBeUndefined();
    return (answer.results[0]?.series?.[0]?.values ?? []) as unknown[][];
  }

  beforeAll(async () => {
    influx = await startInflux({ maxBodySize: MAX_BODY });
  });
  afterAll(async () => {
    await influx?.stop();
  });

  let databases = 0;
  beforeEach(async () => {
    // A fresh database per test: field types are fixed per database (shard), so tests stay apart.
    database = `store_${++databases}`;
    await influx.execute(`CREATE DATABASE "${database}"`);
    sent = [];
  });

  it("writes gzipped line protocol with ms precision that reads back with its tags and types", async () => {
    const result = await store().write(
      [
        point(0, { temperature: 71.25, count: 3, running: true, mode: 'AUTO "fast" \\ lane' }),
        point(1, { temperature: -4, running: false }, { site: undefined, line: "" }),
      ],
      { deadline: FAR },
    );

    expect(result).toEqual({ rejected: [], unwritten: [], retries: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(`${influx.url}/write?db=${database}&precision=ms`);
    expect(sent[0]?.headers.get("content-encoding")).toBe("gzip");
    expect(sent[0]?.headers.get("authorization")).toBe("Token test-token");
    expect(sent[0]?.status).toBe(204);
    expect(
      await rows(
        `SELECT "device", "site", "line", "temperature", "count", "running", "mode" FROM "telemetry"`,
      ),
    ).toEqual([
      [T0, "oven-1", "plant-a", "line-2", 71.25, 3, true, 'AUTO "fast" \\ lane'],
      [T0 + 1_000, "oven-1", null, null, -4, null, false, null],
    ]);
    // `3` went without the `i` suffix: the field is a float, so 3.5 later is no conflict.
    expect(await rows(`SHOW FIELD KEYS FROM "telemetry"`)).toEqual([
      ["count", "float"],
      ["mode", "string"],
      ["running", "boolean"],
      ["temperature", "float"],
    ]);
  });

  it("round-trips numbers at the edges of a double", async () => {
    const values = [1e21, 1e-7, Number.MAX_VALUE, -Number.MIN_VALUE, 0.1 + 0.2, -0];
    const result = await store().write(
      values.map((value, index) => point(index, { value })),
      { deadline: FAR },
    );

    expect(result.rejected).toEqual([]);
    expect((await rows(`SELECT "value" FROM "telemetry"`)).map((row) => row[1])).toEqual([
      1e21,
      1e-7,
      Number.MAX_VALUE,
      -Number.MIN_VALUE,
      0.1 + 0.2,
      0,
    ]);
  });

  it("escapes hostile tag values and field keys so that they round-trip", async () => {
    const hostile = 'Plant 1, Hall=A "north"';
    const result = await store().write(
      [point(0, { "a b,c=d": 1, 'quote"d': 2 }, { site: hostile, line: "x=1,y=2 z" })],
      { deadline: FAR },
    );

    expect(result.rejected).toEqual([]);
    expect(sent[0]?.lines).toEqual([
      `telemetry,device=oven-1,line=x\\=1\\,y\\=2\\ z,site=Plant\\ 1\\,\\ Hall\\=A\\ "north" a\\ b\\,c\\=d=1,quote"d=2 ${T0}`,
    ]);
    expect(await rows(`SELECT "site", "line", "a b,c=d", "quote\\"d" FROM "telemetry"`)).toEqual([
      [T0, hostile, "x=1,y=2 z", 1, 2],
    ]);
  });

  it("is idempotent on replay, and a later write of the same thing and time wins per field", async () => {
    const first = [point(0, { temperature: 70, mode: "AUTO" }), point(1, { temperature: 71 })];
    await store().write(first, { deadline: FAR });
    await store().write(first, { deadline: FAR });
    expect(await rows(`SELECT count("temperature") FROM "telemetry"`)).toEqual([[0, 2]]);

    // The same point (time and tags) again with one field changed and one new: fields merge.
    await store().write([point(0, { temperature: 75, pressure: 2 }, { version: T0 - 1 })], { deadline: FAR });

    expect(await rows(`SELECT "temperature", "mode", "pressure" FROM "telemetry"`)).toEqual([
      // An older version still overwrites: InfluxDB has no conditional write.
      [T0, 75, "AUTO", 2],
      [T0 + 1_000, 71, null, null],
    ]);
  });

  it("rejects a point whose field type conflicts, with InfluxDB's reason, and keeps the others of the request", async () => {
    await store().write([point(0, { temperature: 70, mode: "AUTO" })], { deadline: FAR });
    sent = [];

    const result = await store().write(
      [
        point(1, { temperature: 71 }),
        point(2, { temperature: "hot" }),
        point(3, { temperature: 72, mode: 1 }),
        point(4, { temperature: 73 }),
      ],
      { deadline: FAR },
    );

    expect(result.unwritten).toEqual([]);
    expect(result.rejected).toEqual([
      {
        ref: { messageIndex: 0, sampleIndex: 2 },
        reason:
          'InfluxDB: field type conflict: input field "temperature" on measurement "telemetry" is type string, already exists as type float',
      },
      {
        ref: { messageIndex: 0, sampleIndex: 3 },
        reason:
          'InfluxDB: field type conflict: input field "mode" on measurement "telemetry" is type float, already exists as type string',
      },
    ]);
    expect((await rows(`SELECT "temperature" FROM "telemetry"`)).map((row) => row[1])).toEqual([70, 71, 73]);
    // Each 400 named one conflict; the rest was sent again until InfluxDB took it.
    expect(sent.map((request) => [request.status, request.lines.length])).toEqual([
      [400, 4],
      [400, 3],
      [204, 2],
    ]);
  });

  it("finds the culprit by halving when InfluxDB refuses a whole request without naming a line", async () => {
    // 1.x refuses the whole request when its own lines give a new field two types.
    const result = await store().write(
      [point(0, { state: "idle" }), point(1, { state: 1 }), point(2, { other: 1 }), point(3, { other: 2 })],
      { deadline: FAR },
    );

    expect(result.unwritten).toEqual([]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.ref).toEqual({ messageIndex: 0, sampleIndex: 1 });
    expect(result.rejected[0]?.reason).toMatch(/field type conflict/);
    expect(await rows(`SELECT count("state"), count("other") FROM "telemetry"`)).toEqual([[0, 1, 2]]);
    expect(sent[0]?.status).toBe(400);
  });

  it("maps a partial write's unparsable line to its point and keeps the others", async () => {
    // 9e15 ms is past 2262, the end of InfluxDB's nanosecond time range: the server cannot parse it.
    const result = await store().write(
      [
        point(0, { temperature: 1 }),
        point(1, { temperature: 2 }, { time: 9e15 }),
        point(2, { temperature: 3 }),
      ],
      { deadline: FAR },
    );

    expect(result.rejected).toEqual([
      {
        ref: { messageIndex: 0, sampleIndex: 1 },
        reason: expect.stringMatching(/^InfluxDB: unable to parse the line: /),
      },
    ]);
    expect((await rows(`SELECT "temperature" FROM "telemetry"`)).map((row) => row[1])).toEqual([1, 3]);
  });

  it("rejects points beyond the retention policy one by one, by halving, and writes the rest", async () => {
    await influx.execute(`CREATE RETENTION POLICY "hour" ON "${database}" DURATION 1h REPLICATION 1 DEFAULT`);
    const now = Date.now();
    const result = await store().write(
      [
        point(0, { temperature: 1 }, { time: now }),
        point(1, { temperature: 2 }, { time: now - 3 * 3_600_000 }),
        point(2, { temperature: 3 }, { time: now + 1 }),
        point(3, { temperature: 4 }, { time: now - 4 * 3_600_000 }),
      ],
      { deadline: FAR },
    );

    expect(result.rejected.map((rejected) => rejected.ref.sampleIndex)).toEqual([1, 3]);
    expect(result.rejected[0]?.reason).toBe(
      "InfluxDB (HTTP 400): partial write: points beyond retention policy",
    );
    expect((await rows(`SELECT "temperature" FROM "telemetry"`)).map((row) => row[1])).toEqual([1, 3]);
  });

  it("splits a request over the server's body limit, and rejects a line too large on its own", async () => {
    // Random text does not compress: 100 lines of 1 KB are well over the 64 KB limit after gzip.
    const noise = () => randomBytes(512).toString("hex");
    const points = Array.from({ length: 100 }, (_, index) => point(index, { note: noise() }));
    points.push(point(100, { note: randomBytes(MAX_BODY).toString("hex") }));

    const result = await store().write(points, { deadline: FAR });

    expect(result.unwritten).toEqual([]);
    expect(result.rejected).toEqual([
      { ref: { messageIndex: 0, sampleIndex: 100 }, reason: expect.stringMatching(/^InfluxDB \(HTTP 413\)/) },
    ]);
    expect(await rows(`SELECT count("note") FROM "telemetry"`)).toEqual([[0, 100]]);
    expect(sent[0]?.status).toBe(413);
  });

  it("sends at most maxLinesPerRequest lines per request", async () => {
    const result = await store({ maxLinesPerRequest: 2 }).write(
      Array.from({ length: 5 }, (_, index) => point(index, { temperature: index })),
      { deadline: FAR },
    );

    expect(result).toEqual({ rejected: [], unwritten: [], retries: 0 });
    expect(sent.map((request) => request.lines.length)).toEqual([2, 2, 1]);
    expect(await rows(`SELECT count("temperature") FROM "telemetry"`)).toEqual([[0, 5]]);
  });

  it("rejects what line protocol cannot carry without sending it, and writes the rest", async () => {
    const result = await store().write(
      [
        point(0, { note: "two\nlines" }),
        point(1, { temperature: 1 }, { site: "back\\slash" }),
        point(2, { temperature: Number.NaN }),
        point(3, {}),
        point(4, { temperature: 2 }),
      ],
      { deadline: FAR },
    );

    expect(result.rejected).toEqual([
      {
        ref: { messageIndex: 0, sampleIndex: 0 },
        reason: 'metric "note": the string contains a line break, which line protocol cannot carry',
      },
      {
        ref: { messageIndex: 0, sampleIndex: 1 },
        reason:
          'tag site "back\\\\slash" contains a backslash, which line protocol cannot carry unambiguously',
      },
      {
        ref: { messageIndex: 0, sampleIndex: 2 },
        reason: 'metric "temperature": NaN is not a finite number',
      },
      { ref: { messageIndex: 0, sampleIndex: 3 }, reason: "a point needs at least one metric" },
    ]);
    expect(sent.map((request) => request.lines)).toEqual([
      [`telemetry,device=oven-1,line=line-2,site=plant-a temperature=2 ${T0 + 4_000}`],
    ]);
  });

  it("throws a configuration error when the database does not exist", async () => {
    const missing = new InfluxSeriesStore({ connection: connection({ database: "no_such_db" }) });

    const error = await missing.write([point(0, { temperature: 1 })], { deadline: FAR }).catch((e) => e);

    expect(error).toBeInstanceOf(InfluxConfigurationError);
    expect(error).toMatchObject({ name: "InfluxConfigurationError", status: 404, retryable: false });
    expect(error.message).toMatch(/database not found/);
  });
});
