import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { queryCommand } from "../../../cli/commands/query.ts";
import { API_LIMITS, type TelemetryView } from "../../../shared/contracts/operatorApi.ts";
import { closedUrl, runCli, startRecordingServer } from "../../support/cliHarness.ts";
import { OPERATOR_API_T0, startTestOperatorApi, type TestOperatorApi } from "../../support/operatorApi.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RAW = [70, 71.5, 74, 80.25].map((value, index) => ({
  time: OPERATOR_API_T0 - (4 - index) * MINUTE,
  value,
}));
const BUCKETS = [
  { time: OPERATOR_API_T0 - 30 * MINUTE, value: 71, min: 70, max: 72, count: 15 },
  { time: OPERATOR_API_T0 - 15 * MINUTE, value: 78.5, min: 75, max: 83, count: 15 },
];

describe("plantwatch query", () => {
  let api: TestOperatorApi;
  let recorder: Awaited<ReturnType<typeof startRecordingServer>>;
  const query = (...args: string[]) =>
    runCli((io) => queryCommand(io, {}, () => api.clock.now()), [...args, "--local", api.url]);
  const offline = (...args: string[]) =>
    runCli(
      (io) => queryCommand(io, {}, () => OPERATOR_API_T0),
      [...args, "--local", `${recorder.endpoint}/api`],
    );

  beforeAll(async () => {
    recorder = await startRecordingServer();
    api = await startTestOperatorApi({ basePath: "/api" });
  });
  afterAll(async () => {
    await recorder.stop();
    await api.close();
  });
  afterEach(() => {
    api.series.requests.length = 0;
    api.series.points = [];
    api.series.truncated = false;
    recorder.requests.length = 0;
  });

  describe("range", () => {
    it("asks for the last hour by default", async () => {
      await query("oven-3", "--metric", "temperature");

      expect(api.series.requests).toEqual([
        {
          thingName: "oven-3",
          metric: "temperature",
          from: OPERATOR_API_T0 - HOUR,
          to: OPERATOR_API_T0,
          maxPoints: API_LIMITS.maxTelemetryPoints,
        },
      ]);
    });

    it("takes times relative to now, and a bucket width", async () => {
      await query("oven-3", "--metric", "temperature", "--from", "-1d", "--to", "-1h30m", "--step", "15m");

      expect(api.series.requests[0]).toMatchObject({
        from: OPERATOR_API_T0 - 24 * HOUR,
        to: OPERATOR_API_T0 - 90 * MINUTE,
        stepMs: 15 * MINUTE,
      });
    });

    it("takes ISO times and epoch milliseconds", async () => {
      await query(
        "oven-3",
        "--metric",
        "temperature",
        "--from",
        "2026-11-24T00:00:00+01:00",
        "--to",
        String(OPERATOR_API_T0),
      );

      expect(api.series.requests[0]).toMatchObject({
        from: Date.parse("2026-11-23T23:00:00Z"),
        to: OPERATOR_API_T0,
      });
    });
  });

  describe("output", () => {
    it("prints a summary with a sparkline and the raw points", async () => {
      api.series.points = RAW;

      const run = await query("oven-3", "--metric", "temperature");

      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(run.stdout).toBe(
        [
          "temperature of oven-3, 2026-11-25T11:00:00Z to 2026-11-25T12:00:00Z: 4 point(s), min 70 avg 73.9375 max 80.25  ▁▂▄█",
          "TIME                  VALUE",
          "2026-11-25T11:56:00Z  70",
          "2026-11-25T11:57:00Z  71.5",
          "2026-11-25T11:58:00Z  74",
          "2026-11-25T11:59:00Z  80.25",
          "",
        ].join("\n"),
      );
    });

    it("prints buckets with their min, max and count", async () => {
      api.series.points = BUCKETS;

      const run = await query("oven-3", "--metric", "temperature", "--step", "15m");

      expect(run.stdout).toBe(
        [
          "temperature of oven-3, 2026-11-25T11:00:00Z to 2026-11-25T12:00:00Z, 15m buckets: 2 point(s), min 70 avg 74.75 max 83  ▁█",
          "TIME                  AVG   MIN  MAX  COUNT",
          "2026-11-25T11:30:00Z  71    70   72   15",
          "2026-11-25T11:45:00Z  78.5  75   83   15",
          "",
        ].join("\n"),
      );
    });

    it("prints the API's view as JSON", async () => {
      api.series.points = RAW;

      const run = await query("oven-3", "--metric", "temperature", "--json");

      expect(JSON.parse(run.stdout) as TelemetryView).toEqual({
        thingName: "oven-3",
        metric: "temperature",
        from: "2026-11-25T11:00:00.000Z",
        to: "2026-11-25T12:00:00.000Z",
        points: RAW.map((point) => ({ ...point, time: new Date(point.time).toISOString() })),
        truncated: false,
      });
    });

    it("prints CSV", async () => {
      api.series.points = BUCKETS;

      const raw = await query("oven-3", "--metric", "temperature", "--csv");
      const bucketed = await query("oven-3", "--metric", "temperature", "--step", "15m", "--csv");

      expect(raw.stdout.split("\n").slice(0, 2)).toEqual(["time,value", "2026-11-25T11:30:00.000Z,71"]);
      expect(bucketed.stdout).toBe(
        [
          "time,value,min,max,count",
          "2026-11-25T11:30:00.000Z,71,70,72,15",
          "2026-11-25T11:45:00.000Z,78.5,75,83,15",
          "",
        ].join("\n"),
      );
    });

    it("says when there are no points", async () => {
      const run = await query("oven-3", "--metric", "temperature");

      expect(run.stdout).toBe(
        "temperature of oven-3, 2026-11-25T11:00:00Z to 2026-11-25T12:00:00Z: no points\n",
      );
    });

    it("warns when the API kept only the newest points", async () => {
      api.series.points = RAW;
      api.series.truncated = true;

      const run = await query("oven-3", "--metric", "temperature", "--json");

      expect(run.code).toBe(0);
      expect(run.stderr).toBe(
        "warning: more than 10000 points; the newest are shown (narrow the range or use --step)\n",
      );
    });
  });

  it.each([
    [["oven-3"], "required option '--metric <name>' not specified"],
    [["oven-3", "--metric", "oven-temp"], 'metric name "oven-temp" does not match'],
    [["oven-3", "--metric", "time"], 'metric name "time" is reserved'],
    [["oven/3", "--metric", "temperature"], 'error: not a thing name: "oven/3"'],
    [["oven-3", "--metric", "temperature", "--from", "yesterday"], "expected an ISO time with a zone"],
    [
      ["oven-3", "--metric", "temperature", "--from", "-1h", "--to", "-2h"],
      "error: --from must be before --to",
    ],
    [["oven-3", "--metric", "temperature", "--from", "-32d"], "error: the range may span at most 31d"],
    [
      ["oven-3", "--metric", "temperature", "--from", "-2d", "--step", "10s"],
      "makes more than 10000 buckets",
    ],
    [["oven-3", "--metric", "temperature", "--step", "500ms"], "expected a bucket width from 1s to 1d"],
    [["oven-3", "--metric", "temperature", "--step", "1.5s"], "error: --step must be whole seconds"],
    [["oven-3", "--metric", "temperature", "--json", "--csv"], "cannot be used with option '--csv'"],
  ])("refuses %j before any request (exit 1)", async (args, message) => {
    const run = await offline(...args);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(recorder.requests).toEqual([]);
  });

  it("exits 2 when the API is down", async () => {
    const run = await runCli(
      (io) => queryCommand(io),
      ["oven-3", "--metric", "temperature", "--local", await closedUrl()],
    );

    expect(run.code).toBe(2);
  });

  it("prints help with examples", async () => {
    const run = await runCli((io) => queryCommand(io), ["--help"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: query \[options\] <thingName>/);
    expect(run.stdout).toContain("Examples:\n  $ plantwatch query ");
  });
});
