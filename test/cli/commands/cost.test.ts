import { describe, expect, it } from "vitest";
import { costCommand } from "../../../cli/commands/cost.ts";
import { messageCount } from "../../../cli/cost/formatCost.ts";
import type { CostEstimate } from "../../../cost/estimateCost.ts";
import { runCli } from "../../support/cliHarness.ts";

const SMALL = ["--devices", "100", "--interval", "1m", "--metrics", "8", "--payload-bytes", "300"];

describe("plantwatch cost", () => {
  it("prints the breakdown with both stores, the verdict, the configurations and the anchors", async () => {
    const run = await runCli((io) => costCommand(io), [...SMALL, "--ingestion", "direct"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^SERVICE\s+LIVEANALYTICS\s+INFLUXDB\s+UNITS\s+HOW$/m);
    expect(run.stdout).toMatch(/^IoT connectivity\s+\$0\.35\s+\$0\.35 /m);
    expect(run.stdout).toMatch(/^InfluxDB instance\s+-\s+\$94\.90\s+db\.influx\.medium, single-az/m);
    expect(run.stdout).toMatch(/^Timestream writes\s+\$\d+\.\d\d\s+-\s/m);
    expect(run.stdout).toMatch(/per million messages/);
    expect(run.stdout).toMatch(/(meets|misses) the goal of ≤ \$0\.50 per million/);
    expect(run.stdout).toMatch(/^INGESTION\s+LIVEANALYTICS\s+INFLUXDB\s/m);
    for (const label of ["direct", "direct \\+ Basic Ingest", "stream", "stream \\+ Basic Ingest"]) {
      expect(run.stdout).toMatch(new RegExp(`^${label}\\s+\\$[\\d,.]+\\s+\\$[\\d,.]+\\s`, "m"));
    }
    expect(run.stdout).toMatch(/A: LAMBDA PER MESSAGE\s+B: RULE → TIMESTREAM/);
    expect(run.stdout).toMatch(/Prices not verified.*influxMediumInstanceHour/);
    expect(run.stdout).toMatch(
      /^The operator console: \$\d+\.\d\d a month for 20 operators \(8 h a day shown, 16 h/m,
    );
    expect(run.stdout).toMatch(/^Cognito \(Plus plan\)\s+\$0\.40\s+20 MAU/m);
  });

  it("prices the console for the operators and hours given, and refuses days longer than 24 hours", async () => {
    const run = await runCli(
      (io) => costCommand(io),
      [...SMALL, "--operators", "40", "--console-hours", "12", "--console-background-hours", "12", "--json"],
    );
    const estimate = JSON.parse(run.stdout) as CostEstimate;
    expect(estimate.console.usage).toMatchObject({
      operators: 40,
      shownHoursPerDay: 12,
      backgroundHoursPerDay: 12,
    });
    expect(estimate.console.lines.find((line) => line.service === "Cognito (Plus plan)")?.usd).toBeCloseTo(
      0.8,
      10,
    );

    const tooLong = await runCli(
      (io) => costCommand(io),
      [...SMALL, "--console-hours", "20", "--console-background-hours", "8"],
    );
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toMatch(/more than 24 hours a day/);
  });

  it("says LiveAnalytics is cheaper for a tiny fleet: InfluxDB's instance is a floor", async () => {
    const run = await runCli((io) => costCommand(io), SMALL);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Cheapest for this fleet: direct \+ Basic Ingest with Timestream for LiveAnalytics: \$\d+\.\d\d a month, \$\d+ a month less than direct \+ Basic Ingest with Timestream for InfluxDB on db\.influx\.medium, single-az \(\$\d+\)\.$/m,
    );
  });

  it("prints a readable header: the fleet on one line, the messages in words on the next", async () => {
    const run = await runCli((io) => costCommand(io), [...SMALL, "--store", "liveanalytics"]);
    const [fleet, volume] = run.stdout.split("\n");
    expect(fleet).toBe("plantwatch (direct): 100 devices every 60 s, 8 metrics, 300 B payloads");
    expect(volume).toBe("4.38 million messages a month (730 h); us-east-1 list prices read 2026-11-25");
    // One store: the single MONTHLY column of before, no InfluxDB lines.
    expect(run.stdout).toMatch(/^SERVICE\s+MONTHLY\s+UNITS\s+HOW$/m);
    expect(run.stdout).not.toMatch(/InfluxDB instance/);
    expect(messageCount(2_628_000_000)).toBe("2.63 billion");
    expect(messageCount(2_628_000)).toBe("2.63 million");
    expect(messageCount(52_560)).toBe("52,560");
  });

  it("prices the InfluxDB store alone with a forced class in Multi-AZ", async () => {
    const run = await runCli(
      (io) => costCommand(io),
      [...SMALL, "--store", "influxdb", "--influx-class", "db.influx.xlarge", "--multi-az", "--json"],
    );
    expect(run.code).toBe(0);
    const estimate = JSON.parse(run.stdout) as CostEstimate;
    expect(estimate.stores).toEqual(["influxdb"]);
    const [influx] = estimate.plantwatch;
    expect(influx?.influx).toMatchObject({ instanceClass: "db.influx.xlarge", chosen: "forced", fits: true });
    // 4 vCPUs × $0.13 × 730 h, standby included.
    expect(influx?.lines.find((line) => line.service === "InfluxDB instance")?.usd).toBeCloseTo(
      4 * 0.13 * 730 * 2,
      6,
    );
    expect(estimate.configurations.every((config) => config.costs.length === 1)).toBe(true);
  });

  it("prints JSON that parses, stream mode with Basic Ingest", async () => {
    const run = await runCli(
      (io) => costCommand(io),
      [...SMALL, "--ingestion", "stream", "--basic-ingest", "--alarm-rate", "2", "--json"],
    );
    expect(run.code).toBe(0);
    const estimate = JSON.parse(run.stdout) as CostEstimate;
    expect(estimate.inputs).toMatchObject({ ingestion: "stream", basicIngest: true, alarmRate: 2 });
    expect(estimate.plantwatch.map((cost) => cost.store)).toEqual(["liveanalytics", "influxdb"]);
    for (const cost of estimate.plantwatch) {
      expect(cost.lines.find((line) => line.service === "IoT messaging")?.usd).toBe(0);
      expect(cost.lines.some((line) => line.service === "Kinesis")).toBe(true);
    }
    expect(estimate.anchors).toHaveLength(2);
    expect(estimate.measured.simulatedMessages).toBeGreaterThan(0);
  });

  it.each([
    [["--devices", "0"]],
    [["--interval", "soon"]],
    [["--ingestion", "kafka"]],
    [["--alarm-rate", "-1"]],
    [["--store", "sqlite"]],
    [["--influx-class", "db.influx.tiny"]],
    [["--influx-storage-type", "gp3"]],
  ])("refuses %j with exit code 1", async (args) => {
    const run = await runCli((io) => costCommand(io), args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
  });
});
