import { describe, expect, it } from "vitest";
import { costCommand } from "../../../cli/commands/cost.ts";
import { costCommandFor, formatRecommendation } from "../../../cli/cost/formatRecommendation.ts";
import { DEFAULT_INFLUX_SETTINGS } from "../../../cost/costModel.ts";
import type { CostEstimate } from "../../../cost/estimateCost.ts";
import { measureProfile } from "../../../cost/measureProfile.ts";
import { type Recommendation, recommendConfiguration } from "../../../cost/recommend.ts";
import { type PlantwatchConfig, resolveConfig } from "../../../infra/config.ts";
import { readCdkJsonContext } from "../../../infra/projectPaths.ts";
import { runCli } from "../../support/cliHarness.ts";

const REFERENCE = ["--devices", "10000", "--interval", "10s", "--alarm-rate", "2"];
const TINY = ["--devices", "100", "--interval", "1m"];

/** The printed context merged into the repository's cdk.json, as `cdk deploy` would read it. */
function deployedWith(context: unknown): PlantwatchConfig {
  const cdk = readCdkJsonContext();
  return resolveConfig({ defaults: cdk.plantwatch, stages: cdk["plantwatch:stages"], overrides: context });
}

/** The JSON block printed after "Deploy it:". */
function printedContext(stdout: string): unknown {
  const after = stdout.slice(stdout.indexOf("\n", stdout.indexOf("Deploy it:")) + 1);
  return JSON.parse(after.slice(0, after.indexOf("\n}\n") + 2));
}

function expectDeploysAsRecommended(config: PlantwatchConfig, recommendation: Recommendation): void {
  const { chosen } = recommendation;
  expect(config.ingestion.mode).toBe(chosen.ingestion);
  expect(config.series.store).toBe(chosen.store);
  if (chosen.stream !== undefined) {
    expect(config.ingestion.stream).toMatchObject({
      capacity: chosen.stream.kinesis,
      batchSize: chosen.stream.batchSize,
      batchWindowSeconds: chosen.stream.batchWindowSeconds,
    });
    expect(config.ingestion.stream.shards).toBe(
      chosen.stream.kinesis === "provisioned" ? chosen.stream.shards : undefined,
    );
  }
  if (chosen.cost.influx !== undefined) {
    expect(config.series.influxdb.instanceClass).toBe(chosen.cost.influx.instanceClass);
  }
}

describe("plantwatch cost --recommend", () => {
  it("sizes the reference fleet's stream for its peak and prints a context cdk.json accepts", async () => {
    const json = await runCli((io) => costCommand(io), [...REFERENCE, "--recommend", "--json"]);
    expect(json.code).toBe(0);
    const recommendation = JSON.parse(json.stdout) as Recommendation;
    const { chosen } = recommendation;

    // 1,000 messages/s, twice that at the peak, shards kept at ≤ 80 %: 2,000 / 800 → 3 shards.
    expect(recommendation.peak.shards).toBe(3);
    expect(chosen.ingestion).toBe("stream");
    if (chosen.stream?.kinesis === "provisioned") expect(chosen.stream.shards).toBeGreaterThanOrEqual(3);
    for (const candidate of [chosen, ...recommendation.alternatives]) {
      if (candidate.stream?.kinesis === "provisioned")
        expect(candidate.stream.shards).toBeGreaterThanOrEqual(3);
      expect(candidate.latency.ms).toBeLessThanOrEqual(10_000);
    }
    // Nothing priced beats the choice by more than the tie share.
    for (const other of recommendation.alternatives)
      expect(chosen.cost.total).toBeLessThanOrEqual(other.cost.total * 1.01);

    // The text output prints the same recommendation (formatted from the JSON, as the command does).
    const text = formatRecommendation(recommendation, { colour: false });
    const context = printedContext(text);
    expect(context).toEqual(recommendation.context);
    expectDeploysAsRecommended(deployedWith(context), recommendation);
    expect(text).toMatch(
      /^ {2}alarm latency: ≤ [\d.]+ s = \d+ s batching window \+ 1 s Lambda polling the shard/m,
    );
    expect(text).toMatch(/^ {2}cost: \$[\d,]+ a month, \$\d+\.\d{3} per million messages/m);
    expect(text).toMatch(/^ {2}why: /m);
    expect(text).toMatch(/^Every line of its bill: plantwatch cost .*--ingestion stream --kinesis/m);
  });

  it("takes direct mode for a tiny fleet, where a stream costs more than it saves", async () => {
    const run = await runCli((io) => costCommand(io), [...TINY, "--recommend", "--json"]);
    expect(run.code).toBe(0);
    const recommendation = JSON.parse(run.stdout) as Recommendation;
    expect(recommendation.chosen.ingestion).toBe("direct");
    const text = await runCli((io) => costCommand(io), [...TINY, "--recommend"]);
    expect(text.code).toBe(0);
    expect(printedContext(text.stdout)).toEqual({
      series: { store: "liveanalytics" },
      timestream: { memoryRetentionHours: 24, magneticRetentionDays: 365 },
      ingestion: { mode: "direct" },
    });
    expect(text.stdout).toMatch(
      /^ {2}note: Timestream for LiveAnalytics is closed to new accounts since 2025-06-20/m,
    );
    const streams = recommendation.alternatives.filter((candidate) => candidate.ingestion === "stream");
    expect(streams.length).toBeGreaterThan(0);
    for (const stream of streams) expect(recommendation.chosen.cost.total).toBeLessThan(stream.cost.total);
    // LiveAnalytics has no instance floor, so it wins here: said to be closed to new accounts.
    expect(recommendation.chosen.store).toBe("liveanalytics");
    expect(recommendation.notes.join(" ")).toMatch(/closed to new accounts since 2025-06-20/);
    expectDeploysAsRecommended(deployedWith(recommendation.context), recommendation);

    // The printed `plantwatch cost` command bills the same configuration to the cent.
    const args = costCommandFor(recommendation)
      .replace(/^plantwatch cost /, "")
      .split(" ");
    const bill = await runCli((io) => costCommand(io), [...args, "--json"]);
    const [priced] = (JSON.parse(bill.stdout) as CostEstimate).plantwatch;
    expect(priced?.total).toBeCloseTo(recommendation.chosen.cost.total, 2);
  });

  it("takes InfluxDB alone with --store influxdb, and the peak factor and headroom size the shards", async () => {
    const run = await runCli(
      (io) => costCommand(io),
      [
        "--devices",
        "3000",
        "--interval",
        "10s",
        "--recommend",
        "--json",
        "--store",
        "influxdb",
        "--peak-factor",
        "3",
        "--headroom",
        "0.5",
        "--max-latency",
        "4s",
      ],
    );
    expect(run.code).toBe(0);
    const recommendation = JSON.parse(run.stdout) as Recommendation;
    // 300 messages/s × 3 = 900 records/s at ≤ 500 per shard: 2 shards (1 at the defaults).
    expect(recommendation.peak.shards).toBe(2);
    expect(recommendation.searched.shards[0]).toBe(2);
    for (const candidate of [recommendation.chosen, ...recommendation.alternatives]) {
      expect(candidate.store).toBe("influxdb");
      expect(candidate.latency.ms).toBeLessThanOrEqual(4_000);
      if (candidate.stream?.kinesis === "provisioned")
        expect(candidate.stream.shards).toBeGreaterThanOrEqual(2);
    }
    expect(recommendation.notes.join(" ")).not.toMatch(/LiveAnalytics/);
    expectDeploysAsRecommended(deployedWith(recommendation.context), recommendation);
  });

  it("says so when no configuration fits the latency budget", async () => {
    const run = await runCli((io) => costCommand(io), [...TINY, "--recommend", "--max-latency", "500ms"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /no configuration has an alarm latency bound within 0\.5 s; allow more with --max-latency/,
    );
  });

  it.each([
    [["--recommend", "--ingestion", "stream"]],
    [["--recommend", "--batch-window", "5s"]],
    [["--peak-factor", "2"]],
    [["--recommend", "--headroom", "1"]],
    [["--recommend", "--peak-factor", "0.5"]],
    [["--shards", "3"]],
  ])("refuses %j with exit code 1", async (args) => {
    const run = await runCli((io) => costCommand(io), [...TINY, ...args]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
  });
});

describe("recommendConfiguration", () => {
  it("prices DynamoDB from what the engine measurably did: an engine that writes less is priced less", async () => {
    const fleet = {
      devices: 100,
      intervalMs: 60_000,
      metrics: 8,
      payloadBytes: 300,
      basicIngest: false,
      memoryRetentionHours: 24,
      magneticRetentionDays: 365,
      influx: DEFAULT_INFLUX_SETTINGS,
    } as const;
    const options = { peakFactor: 2, headroom: 0.2, maxLatencyMs: 10_000, stores: ["influxdb"] } as const;
    const asMeasured = await recommendConfiguration(fleet, options);
    const quieter = await recommendConfiguration(fleet, options, async (shape) => {
      const profile = await measureProfile(shape);
      return { ...profile, alarms: { ...profile.alarms, readUnits: 0, writeUnits: 0 } };
    });
    const dynamo = (recommendation: Recommendation) =>
      recommendation.chosen.cost.lines.find((line) => line.service === "DynamoDB")?.usd ?? Number.NaN;
    expect(quieter.chosen.dynamoDb.writeUnits).toBeLessThan(asMeasured.chosen.dynamoDb.writeUnits);
    expect(dynamo(quieter)).toBeLessThan(dynamo(asMeasured));
  });
});
