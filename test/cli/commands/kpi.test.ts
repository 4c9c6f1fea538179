import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kpiCommand } from "../../../cli/commands/kpi.ts";
import { runCli } from "../../support/cliHarness.ts";
import { startTestOperatorApi, type TestOperatorApi } from "../../support/operatorApi.ts";
import { scenarioPoints, T0 } from "../../support/seriesFactsScenario.ts";

const M = 60_000;

describe("plantwatch kpi", () => {
  let api: TestOperatorApi;
  const range = ["--from", String(T0), "--to", String(T0 + 20 * M)];
  const kpi = (...args: string[]) =>
    runCli((io) => kpiCommand(io, {}, () => api.clock.now()), [...args, "--local", api.url]);

  beforeAll(async () => {
    api = await startTestOperatorApi({ basePath: "/api", now: T0 + 19 * M });
    await api.putDevice({
      thingName: "press-7",
      site: "plant-a",
      line: "line-1",
      attributes: { idealCycleSeconds: 6 },
    });
    await api.putDevice({ thingName: "press-8", site: "plant-a", line: "line-2" });
    await api.kpiSeries.write(scenarioPoints(), { deadline: Number.POSITIVE_INFINITY });
    // A good-parts counter for press-7: 11 good of its 16 parts (the rise over the 13-minute silence
    // is left out, as the total's is).
    await api.kpiSeries.write(
      [0, 1, 3, 16].map((minute, index) => ({
        thingName: "press-7",
        time: T0 + minute * M + 1,
        version: T0,
        metrics: { parts_good: [0, 4, 11, 12][index] as number },
        ref: { messageIndex: index, sampleIndex: 0 },
      })),
      { deadline: Number.POSITIVE_INFINITY },
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  it("prints availability, performance, quality, OEE, MTBF, MTTR and MTTA for a line", async () => {
    const run = await kpi("--line", "line-1", ...range, "--bucket", "hour");

    expect(run.code).toBe(0);
    const [heading, selection, device] = run.stdout
      .split("\n")
      .filter((line) => /AVAIL|^all|press-7/.test(line));
    expect(heading?.split(/\s{2,}/)).toEqual([
      "GROUP",
      "AVAIL",
      "PERF",
      "QUAL",
      "OEE",
      "RUN",
      "STOP",
      "UNKNOWN",
      "STOPS",
      "MTBF",
      "MTTR",
      "ALARMS",
      "MTTA",
      "ALARM MTTR",
    ]);
    // 3 of 8 known minutes running; 16 parts × 6 s in 3 min; 11 good of 16.
    const availability = 3 / 8;
    const performance = 96 / 180;
    const quality = 11 / 16;
    const oee = availability * performance * quality;
    const figures = [availability, performance, quality, oee].map((v) => `${(v * 100).toFixed(1)}%`);
    expect(selection?.split(/\s{2,}/)).toEqual([
      "all plant-a",
      ...figures,
      "3m",
      "5m",
      "12m",
      "2",
      "1m30s",
      "2m30s",
      "0",
      "n/a",
      "n/a",
    ]);
    expect(
      device
        ?.trim()
        .split(/\s{2,}/)
        .slice(0, 5),
    ).toEqual(["press-7", ...figures]);
    expect(run.stdout).toContain("n/a: MTTA: no_alarms_acknowledged");
  });

  it("prints every group as CSV with fractions and milliseconds", async () => {
    const run = await kpi("--site", "plant-a", ...range, "--csv");
    const rows = run.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^level,site,line,thing,availability,performance,quality,oee,planned_ms,run_ms/);
    expect(rows.slice(1).map((row) => row.split(",").slice(0, 4).join(","))).toEqual([
      "selection,plant-a,,",
      "line,plant-a,line-1,",
      "line,plant-a,line-2,",
      "device,plant-a,line-1,press-7",
      "device,plant-a,line-2,press-8",
    ]);
    expect(rows[4]?.split(",")[4]).toBe(String(3 / 8));
  });

  it("prints the API's answer as JSON, and refuses a range over 31 days before asking", async () => {
    const json = await kpi("--device", "press-7", ...range, "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({
      selection: { devices: 1 },
      devices: [{ thingName: "press-7" }],
    });
    const tooLong = await kpi("--from", "-32d");
    expect(tooLong.code).not.toBe(0);
    expect(tooLong.stderr).toContain("at most 31d");
  });
});
