import { afterEach, describe, expect, it } from "vitest";
import {
  InfluxConfigurationError,
  InfluxQueryError,
  InfluxUnavailableError,
} from "../../../../shared/adapters/influx/errors.ts";
import { InfluxSeriesQuery } from "../../../../shared/adapters/influx/influxSeriesQuery.ts";
import type { SeriesQueryRequest } from "../../../../shared/ports/seriesQuery.ts";
import {
  type LocalReply,
  type LocalRequest,
  type LocalServer,
  startLocalServer,
} from "../../../support/localHttpServer.ts";

// What InfluxDB 1.6.7 cannot show (token auth, 2.x/3.x answers, outages), against a recording endpoint.
const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const REQUEST: SeriesQueryRequest = {
  thingName: "oven-1",
  metric: "temperature",
  from: T0,
  to: T0 + 60_000,
  maxPoints: 2,
};

describe("InfluxSeriesQuery at the wire", () => {
  let server: LocalServer | undefined;
  let received: LocalRequest[];

  async function query(
    reply: LocalReply,
    authScheme?: "Token" | "Bearer",
    tokenRejected?: () => void,
  ): Promise<InfluxSeriesQuery> {
    received = [];
    server = await startLocalServer((request) => {
      received.push(request);
      return reply;
    });
    return new InfluxSeriesQuery({
      connection: {
        url: server.endpoint,
        database: "plantwatch",
        token: async () => "s3cr3t",
        ...(authScheme ? { authScheme } : {}),
        ...(tokenRejected ? { tokenRejected } : {}),
      },
    });
  }

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("sends the token and reads an InfluxDB 2 answer newest-first into oldest-first points", async () => {
    const series = await query({
      status: 200,
      body: JSON.stringify({
        results: [
          {
            statement_id: 0,
            series: [
              {
                name: "telemetry",
                columns: ["time", "value"],
                values: [
                  [T0 + 2, 3],
                  [T0 + 1, 2],
                  [T0, 1],
                ],
              },
            ],
          },
        ],
      }),
    });

    const result = await series.query(REQUEST);

    expect(result).toEqual({
      points: [
        { time: T0 + 1, value: 2 },
        { time: T0 + 2, value: 3 },
      ],
      truncated: true,
    });
    expect(received).toHaveLength(1);
    expect(received[0]?.method).toBe("GET");
    expect(received[0]?.headers.authorization).toBe("Token s3cr3t");
    const url = new URL(received[0]?.url ?? "", "http://x");
    expect(url.pathname).toBe("/query");
    expect(url.searchParams.get("db")).toBe("plantwatch");
    expect(url.searchParams.get("epoch")).toBe("ms");
  });

  it("sends the Bearer scheme when the connection asks for it (InfluxDB 3)", async () => {
    const series = await query({ status: 200, body: '{"results":[{"statement_id":0}]}' }, "Bearer");

    expect(await series.query(REQUEST)).toEqual({ points: [], truncated: false });
    expect(received[0]?.headers.authorization).toBe("Bearer s3cr3t");
  });

  it.each([
    [401, '{"code":"unauthorized","message":"unauthorized access"}'],
    [403, '{"error":"forbidden"}'],
    [404, '{"code":"not found","message":"database not found"}'],
  ])("throws a configuration error on HTTP %d", async (status, body) => {
    const series = await query({ status, body });

    const error = await series.query(REQUEST).catch((e) => e);

    expect(error).toBeInstanceOf(InfluxConfigurationError);
    expect(error).toMatchObject({ status, retryable: false });
    expect(error.message).not.toContain("s3cr3t");
  });

  it.each([
    [401, 1],
    [403, 1],
    [404, 0],
  ])("on HTTP %d tells the connection its token was refused %d time(s)", async (status, times) => {
    let refused = 0;
    const series = await query({ status, body: "{}" }, undefined, () => refused++);

    await series.query(REQUEST).catch(() => undefined);

    expect(refused).toBe(times);
  });

  it.each([429, 503])("throws a retryable InfluxUnavailableError on HTTP %d", async (status) => {
    const series = await query({ status, body: "busy" });

    const error = await series.query(REQUEST).catch((e) => e);

    expect(error).toBeInstanceOf(InfluxUnavailableError);
    expect(error).toMatchObject({ name: "InfluxUnavailableError", status, retryable: true });
  });

  it("throws a retryable InfluxUnavailableError when nothing listens", async () => {
    const series = await query({ status: 200 });
    await server?.stop();
    server = undefined;

    const error = await series.query(REQUEST).catch((e) => e);

    expect(error).toBeInstanceOf(InfluxUnavailableError);
    expect(error).toMatchObject({ status: 0, retryable: true });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it.each([
    ["a request-level error (400)", 400, '{"error":"error parsing query: found EOF"}', /error parsing query/],
    ["an answer that is not JSON", 200, "<html>gateway</html>", /not a JSON answer/],
    ["an answer without results", 200, "{}", /unexpected answer/],
  ])("throws an InfluxQueryError for %s", async (_, status, body, detail) => {
    const series = await query({ status, body });

    const error = await series.query(REQUEST).catch((e) => e);

    expect(error).toBeInstanceOf(InfluxQueryError);
    expect(error.message).toMatch(detail);
  });
});
