import { describe, expect, it } from "vitest";
import { estimateCost } from "../../cost/estimateCost.ts";

describe("estimateCost in stream mode", () => {
  it("measures Timestream writes on a batch of many things' messages, packed into full requests", async () => {
    const estimate = await estimateCost({
      devices: 10_000,
      intervalMs: 10_000,
      metrics: 8,
      payloadBytes: 300,
      ingestion: "stream",
      basicIngest: true,
      batchSize: 100,
      batchWindowMs: 1_000,
      kinesis: "on-demand",
      memoryRetentionHours: 24,
      magneticRetentionDays: 365,
    });

    expect(estimate.measured.recordsPerRequest).toBeGreaterThan(90);
    expect(estimate.measured.timestreamWriteUnits).toBeLessThan(0.5);
    // The same batches to InfluxDB: one /write per batch of ~100 lines.
    expect(estimate.measured.linesPerRequest).toBeGreaterThan(90);
    expect(estimate.measured.influxRequests).toBeLessThan(0.02);
  });
});
