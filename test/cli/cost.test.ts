import { describe, expect, it } from "vitest";
import { costCommand } from "../../cli/commands/cost.ts";
import type { CostEstimate } from "../../cli/cost/estimateCost.ts";
import { runCli } from "./api/cliHarness.ts";

const SMALL = ["--devices", "100", "--interval", "1m", "--metrics", "8", "--payload-bytes", "300"];

describe("plantwatch cost", () => {
  it("prints the breakdown, the verdict and the anchors", async () => {
    const run = await runCli((io) => costCommand(io), [...SMALL, "--ingestion", "direct"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^SERVICE\s+MONTHLY\s+UNITS\s+HOW$/m);
    expect(run.stdout).toMatch(/^IoT connectivity\s+\$0\.35 /m);
    expect(run.stdout).toMatch(/per million messages/);
    expect(run.stdout).toMatch(/(meets|misses) the goal of ≤ \$0\.50 per million/);
    expect(run.stdout).toMatch(/A: LAMBDA PER MESSAGE\s+B: RULE → TIMESTREAM/);
    expect(run.stdout).toMatch(/Prices not verified/);
  });

  it("prints JSON that parses, stream mode with Basic Ingest", async () => {
    const run = await runCli(
      (io) => costCommand(io),
      [...SMALL, "--ingestion", "stream", "--basic-ingest", "--alarm-rate", "2", "--json"],
    );
    expect(run.code).toBe(0);
    const estimate = JSON.parse(run.stdout) as CostEstimate;
    expect(estimate.inputs).toMatchObject({ ingestion: "stream", basicIngest: true, alarmRate: 2 });
    expect(estimate.plantwatch.lines.find((line) => line.service === "IoT messaging")?.usd).toBe(0);
    expect(estimate.plantwatch.lines.some((line) => line.service === "Kinesis")).toBe(true);
    expect(estimate.anchors).toHaveLength(2);
    expect(estimate.measured.simulatedMessages).toBeGreaterThan(0);
  });

  it.each([
    [["--devices", "0"]],
    [["--interval", "soon"]],
    [["--ingestion", "kafka"]],
    [["--alarm-rate", "-1"]],
  ])("refuses %j with exit code 1", async (args) => {
    const run = await runCli((io) => costCommand(io), args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
  });
});
