import { describe, expect, it } from "vitest";
import { type CostInputs, plantwatchCost, streamBatch, volumes } from "../../../cli/cost/costModel.ts";
import { dynamoDbItemSize, readUnits, writeUnits } from "../../../cli/cost/dynamoDbItemSize.ts";
import type { MeasuredProfile } from "../../../cli/cost/measureProfile.ts";
import { tieredCost } from "../../../cli/cost/prices.ts";

const INPUTS: CostInputs = {
  devices: 100,
  intervalMs: 60_000,
  metrics: 8,
  payloadBytes: 300,
  ingestion: "direct",
  basicIngest: false,
  alarmRate: 0,
  batchSize: 100,
  batchWindowMs: 1_000,
  kinesis: "on-demand",
  memoryRetentionHours: 24,
  magneticRetentionDays: 365,
};

/** A profile as if measured: 1,000 messages, one single-record write and one alarm read and write each. */
const PROFILE: MeasuredProfile = {
  shape: {
    devices: 10,
    intervalMs: 60_000,
    metrics: 8,
    batchSize: 1,
    containers: 1,
    lastSeenIntervalMs: 300_000,
    registryCacheTtlMs: 60_000,
  },
  messages: 1_000,
  samples: 1_000,
  averagePayloadBytes: 180,
  timestream: { requests: 1_000, records: 1_000, writeUnits: 1_000, storedBytes: 200_000 },
  registry: { readUnits: 0, lastSeenWrites: 0, writeUnits: 0 },
  alarms: { readUnits: 1_000, writes: 1_000, writeUnits: 1_000, historyWriteUnits: 0, itemBytes: 500 },
  events: { putEventsRequests: 0, billedEvents: 0, transitions: 0 },
};

const line = (lines: readonly { service: string; usd: number }[], service: string) =>
  lines.find((candidate) => candidate.service === service)?.usd;

describe("cost model", () => {
  it("applies tiered prices tier by tier", () => {
    const tiers = {
      tiers: [
        { upTo: 1_000, usd: 1 },
        { upTo: 5_000, usd: 0.8 },
        { upTo: Infinity, usd: 0.7 },
      ],
    };
    expect(tieredCost(tiers, 500)).toBe(500);
    expect(tieredCost(tiers, 2_000)).toBeCloseTo(1_000 + 800);
    expect(tieredCost(tiers, 6_000)).toBeCloseTo(1_000 + 3_200 + 700);
  });

  it("counts a 730-hour month of messages", () => {
    // 100 devices once a minute: 100 × 730 × 60.
    expect(volumes(INPUTS).messages).toBe(4_380_000);
  });

  it("prices a small direct fleet by hand", () => {
    const { lines } = plantwatchCost(INPUTS, PROFILE);
    // 100 devices × 43,800 minutes = 4.38M minutes × $0.08.
    expect(line(lines, "IoT connectivity")).toBeCloseTo(0.3504, 6);
    // 4.38M messages under 5 KB × $1.00.
    expect(line(lines, "IoT messaging")).toBeCloseTo(4.38, 6);
    // 4.38M rules × $0.15 + 8.76M actions × $0.15.
    expect(line(lines, "IoT rules and actions")).toBeCloseTo(0.657 + 1.314, 6);
    // 4.38M write units × $0.50.
    expect(line(lines, "Timestream writes")).toBeCloseTo(2.19, 6);
    // Ingest and evaluate per message, plus the sweep once a minute (43,800), no transitions.
    const requests = (2 * 4_380_000 + 43_800) / 1e6;
    expect(line(lines, "Lambda requests")).toBeCloseTo(requests * 0.2, 6);
    expect(line(lines, "EventBridge")).toBe(0);
  });

  it("takes Basic Ingest off the messaging line only", () => {
    const direct = plantwatchCost(INPUTS, PROFILE);
    const basic = plantwatchCost({ ...INPUTS, basicIngest: true }, PROFILE);
    expect(line(basic.lines, "IoT messaging")).toBe(0);
    expect(direct.total - basic.total).toBeCloseTo(4.38, 6);
  });

  it("fills stream batches up to the window", () => {
    // 10,000 devices every 10 s = 1,000 msg/s over 4 on-demand shards = 250 msg/s per shard.
    const fleet = { ...INPUTS, devices: 10_000, intervalMs: 10_000, ingestion: "stream" as const };
    expect(streamBatch({ ...fleet, batchSize: 100, batchWindowMs: 1_000 }).size).toBe(100);
    expect(streamBatch({ ...fleet, batchSize: 1_000, batchWindowMs: 2_000 }).size).toBe(500);
    expect(streamBatch(fleet).shards).toBe(4);
  });
});

describe("DynamoDB item size", () => {
  it("counts names, strings, numbers, booleans and maps as DynamoDB does", () => {
    // thingName(9)+"oven-1"(6) + version(7)+12 (2 digits: 2) + ok(2)+true(1) + m(1)+{a:"b"}(3+1+1+1).
    expect(dynamoDbItemSize({ thingName: "oven-1", version: 12, ok: true, m: { a: "b" } })).toBe(
      15 + 9 + 3 + 7,
    );
    expect(writeUnits(1_024)).toBe(1);
    expect(writeUnits(1_025, 10)).toBe(2);
    expect(readUnits(4_097, true)).toBe(2);
    expect(readUnits(100, false)).toBe(0.5);
  });
});
