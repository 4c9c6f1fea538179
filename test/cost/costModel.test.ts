import { describe, expect, it } from "vitest";
import { type CostInputs, perMessage, plantwatchCost, streamBatch, volumes } from "../../cost/costModel.ts";
import { cheapestConfiguration, configurationLabel } from "../../cost/estimateCost.ts";
import { CONSUMER_LIFETIME_MS, type MeasuredProfile } from "../../cost/measureProfile.ts";
import { PRICES, tieredCost } from "../../cost/prices.ts";

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
  store: "liveanalytics",
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
  influx: { requests: 1_000, lines: 1_000, bytes: 300_000 },
  registry: { readUnits: 0, revisionReadUnits: 0, lastSeenWrites: 0, writeUnits: 0 },
  alarms: {
    readUnits: 1_000,
    writes: 1_000,
    writeUnits: 1_000,
    transitionWriteUnits: 0,
    historyWriteUnits: 0,
    itemBytes: 500,
  },
  events: { putEventsRequests: 0, billedEvents: 0, transitions: 0 },
  checkpoints: { heads: 0, loads: 0, saves: 0, bytes: 0 },
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

describe("cost model with the InfluxDB store", () => {
  const influx: CostInputs = { ...INPUTS, store: "influxdb" };
  const price = {
    mediumHour: PRICES.influxMediumInstanceHour.usd,
    t1GbMonth: PRICES.influxStorageT1GbMonth.usd,
    endpointHour: PRICES.vpcInterfaceEndpointHour.usd,
    endpointGb: PRICES.vpcEndpointGbProcessed.usd,
    secretMonth: PRICES.secretsManagerSecretMonth.usd,
    per10kCalls: PRICES.secretsManagerApiCalls.usd,
  };

  it("prices a small direct fleet by hand: the medium instance, 20 GiB, two endpoints in two AZs, one secret", () => {
    const cost = plantwatchCost(influx, PROFILE);
    // 1.7 lines/s and 800 series: a db.influx.medium (1 vCPU) for 730 h.
    expect(cost.influx?.instanceClass).toBe("db.influx.medium");
    expect(line(cost.lines, "InfluxDB instance")).toBeCloseTo(730 * price.mediumHour, 9);
    // 4.38M lines × 8 values × 2.5 B = 87.6 MB a month, a year of it well under the 20 GiB minimum.
    expect(cost.influx?.storageGib).toBe(20);
    expect(line(cost.lines, "InfluxDB storage")).toBeCloseTo(20 * price.t1GbMonth, 9);
    // One ingest container (1.7 msg/s × 25 ms) and one api container, a cold start each an hour: 1,460 calls.
    const calls = 2 * 730;
    const endpointGb = (calls * 4_096) / 1024 ** 3;
    expect(line(cost.lines, "VPC endpoints")).toBeCloseTo(
      2 * 2 * 730 * price.endpointHour + endpointGb * price.endpointGb,
      9,
    );
    expect(line(cost.lines, "Secrets Manager")).toBeCloseTo(
      price.secretMonth + (calls / 10_000) * price.per10kCalls,
      9,
    );
    // No LiveAnalytics line in an InfluxDB breakdown; the rest is the same bill.
    expect(line(cost.lines, "Timestream writes")).toBeUndefined();
    const liveAnalytics = plantwatchCost(INPUTS, PROFILE);
    expect(line(cost.lines, "DynamoDB")).toBe(line(liveAnalytics.lines, "DynamoDB"));
  });

  it("states the small fleet's InfluxDB total in dollars", () => {
    // With the table as read: $94.90 + $4.00 + $29.20 + $0.0000557 + $0.4073, plus the shared lines.
    const influxOnly = 94.9 + 4 + 29.2 + ((1_460 * 4_096) / 1024 ** 3) * 0.01 + 0.4 + 0.146 * 0.05;
    const cost = plantwatchCost(influx, PROFILE);
    const liveAnalytics = plantwatchCost(INPUTS, PROFILE);
    const timestream =
      (line(liveAnalytics.lines, "Timestream writes") ?? 0) +
      (line(liveAnalytics.lines, "Timestream storage") ?? 0);
    expect(cost.total).toBeCloseTo(liveAnalytics.total - timestream + influxOnly, 6);
  });

  it("doubles instance and storage in Multi-AZ, not the endpoints", () => {
    const single = plantwatchCost(influx, PROFILE);
    const multi = plantwatchCost(
      { ...influx, influx: { ...ASSUMED_SETTINGS, deployment: "multi-az" } },
      PROFILE,
    );
    expect(line(multi.lines, "InfluxDB instance")).toBeCloseTo(
      2 * (line(single.lines, "InfluxDB instance") ?? 0),
      9,
    );
    expect(line(multi.lines, "InfluxDB storage")).toBeCloseTo(
      2 * (line(single.lines, "InfluxDB storage") ?? 0),
      9,
    );
    expect(line(multi.lines, "VPC endpoints")).toBe(line(single.lines, "VPC endpoints"));
  });

  it("prices the reference fleet on a db.influx.large with a year of storage", () => {
    const reference = { ...influx, devices: 10_000, intervalMs: 10_000 };
    const cost = plantwatchCost(reference, PROFILE);
    expect(cost.influx).toMatchObject({
      instanceClass: "db.influx.large",
      linesPerSecond: 1_000,
      series: 80_000,
    });
    // 1,000 lines/s × 86,400 s × 8 values × 2.5 B × 365 d = 630.7 GB = 587.4 GiB, rounded up.
    expect(cost.influx?.storageGib).toBe(Math.ceil((1_000 * 86_400 * 8 * 2.5 * 365) / 1024 ** 3));
    expect(line(cost.lines, "InfluxDB instance")).toBeCloseTo(730 * 2 * price.mediumHour, 9);
    expect(line(cost.lines, "InfluxDB storage")).toBeCloseTo(588 * price.t1GbMonth, 9);
  });

  it("prices a forced class as given, flagged when it is too small", () => {
    const reference = { ...influx, devices: 10_000, intervalMs: 10_000 };
    const cost = plantwatchCost(
      { ...reference, influx: { ...ASSUMED_SETTINGS, instanceClass: "db.influx.medium" } },
      PROFILE,
    );
    expect(cost.influx).toMatchObject({ instanceClass: "db.influx.medium", chosen: "forced", fits: false });
    expect(cost.lines.find((candidate) => candidate.service === "InfluxDB instance")?.formula).toMatch(
      /TOO SMALL/,
    );
  });

  it("finds LiveAnalytics cheaper for a tiny fleet (no instance floor) and InfluxDB for the reference fleet", () => {
    const compare = (inputs: CostInputs) =>
      cheapestConfiguration(
        (["direct", "stream"] as const).flatMap((ingestion) =>
          [false, true].map((basicIngest) => {
            const config = { ingestion, basicIngest };
            return {
              label: configurationLabel(config),
              ...config,
              costs: (["liveanalytics", "influxdb"] as const).map((store) =>
                plantwatchCost({ ...inputs, ...config, store }, PROFILE),
              ),
            };
          }),
        ),
      );
    const tiny = compare(INPUTS);
    expect(tiny.cost.store).toBe("liveanalytics");
    expect(tiny.alternative?.cost.store).toBe("influxdb");
    const reference = compare({ ...INPUTS, devices: 10_000, intervalMs: 10_000 });
    expect(reference.cost.store).toBe("influxdb");
    expect(reference.alternative?.cost.store).toBe("liveanalytics");
    expect(reference.label).toBe("stream + Basic Ingest");
    expect(reference.alternative?.cost.total).toBeGreaterThan(reference.cost.total);
  });

  describe("per message and per transition", () => {
    const withTransitions: MeasuredProfile = {
      ...PROFILE,
      alarms: { ...PROFILE.alarms, writeUnits: 1_100, transitionWriteUnits: 300, historyWriteUnits: 200 },
      events: { putEventsRequests: 100, billedEvents: 100, transitions: 100 },
    };

    it("prices what transitions write per transition, not per message", () => {
      const counts = perMessage(withTransitions);

      expect(counts.alarmWriteUnits).toBeCloseTo(0.8);
      expect(counts.writeUnits).toBeCloseTo(0.8);
      expect(counts.writeUnitsPerTransition).toBeCloseTo(5);
    });

    it("prices the stream consumer's reads, which happen when its container starts, at the assumed lifetime", () => {
      const stream: MeasuredProfile = { ...PROFILE, shape: { ...PROFILE.shape, stream: true } };

      expect(perMessage(stream).alarmReadUnits).toBeCloseTo(CONSUMER_LIFETIME_MS / 3_600_000);
      expect(perMessage(PROFILE).alarmReadUnits).toBe(1);
    });
  });
});

const ASSUMED_SETTINGS = {
  deployment: "single-az",
  storageType: "InfluxIOIncludedT1",
  retentionDays: 365,
} as const;
