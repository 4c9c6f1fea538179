import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_CONSOLE_USAGE } from "../../cost/consoleCost.ts";
import type { CostInputs } from "../../cost/costModel.ts";
import { estimateCost, type StoreSelection } from "../../cost/estimateCost.ts";
import {
  INFLUX_INSTANCE_CLASSES,
  INFLUX_STORAGE_TYPES,
  type InfluxInstanceClass,
  type InfluxStorageType,
} from "../../cost/prices.ts";
import {
  DEFAULT_RECOMMEND_OPTIONS,
  type Fleet,
  NothingFitsError,
  recommendConfiguration,
} from "../../cost/recommend.ts";
import { formatCostEstimate } from "../cost/formatCost.ts";
import { formatRecommendation } from "../cost/formatRecommendation.ts";
import { UsageError } from "../errors.ts";
import { examples } from "../format/help.ts";
import { outputStyle } from "../format/table.ts";
import { action, type CliIo, processIo } from "../io.ts";
import { duration } from "../simulate/options.ts";

interface CostOptions {
  readonly devices: number;
  readonly interval: number;
  readonly metrics: number;
  readonly payloadBytes: number;
  readonly ingestion: "direct" | "stream";
  readonly basicIngest?: boolean;
  readonly alarmRate?: number;
  readonly batchSize: number;
  readonly batchWindow: number;
  readonly kinesis: "on-demand" | "provisioned";
  readonly shards?: number;
  readonly memoryRetentionHours: number;
  readonly magneticRetentionDays: number;
  readonly store: StoreSelection;
  readonly influxClass?: InfluxInstanceClass;
  readonly multiAz?: boolean;
  readonly influxStorageType: InfluxStorageType;
  readonly influxRetentionDays: number;
  readonly operators: number;
  readonly consoleHours: number;
  readonly consoleBackgroundHours: number;
  readonly json?: boolean;
  readonly recommend?: boolean;
  readonly peakFactor?: number;
  readonly headroom?: number;
  readonly maxLatency?: number;
}

const EXAMPLES = [
  "plantwatch cost --devices 10000 --interval 10s --metrics 8 --payload-bytes 300 --ingestion direct",
  "plantwatch cost --devices 10000 --interval 10s --ingestion stream --basic-ingest --batch-size 500 --batch-window 5s",
  "plantwatch cost --devices 500 --interval 1m --alarm-rate 2 --json",
  "plantwatch cost --devices 10000 --interval 10s --store influxdb --influx-class db.influx.xlarge --multi-az",
  "plantwatch cost --devices 10000 --interval 10s --alarm-rate 2 --recommend",
  "plantwatch cost --devices 2000 --interval 30s --operators 40 --console-hours 12 --console-background-hours 12",
  "plantwatch cost --devices 10000 --interval 10s --recommend --peak-factor 3 --headroom 0.3 --max-latency 30s --store influxdb",
];

/** What --recommend searches itself, so it refuses them. */
const SEARCHED_OPTIONS = ["ingestion", "batchSize", "batchWindow", "kinesis", "shards"];
const RECOMMEND_ONLY = {
  peakFactor: "--peak-factor",
  headroom: "--headroom",
  maxLatency: "--max-latency",
} as const;

const whole = (min: number, max: number) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
  }
  return parsed;
};

function hoursOfDay(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0 || parsed > 24) {
    throw new InvalidArgumentError("expected hours a day, from 0 to 24");
  }
  return parsed;
}

function rate(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError("expected transitions per device per day, a number ≥ 0");
  }
  return parsed;
}

function peakFactor(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 1 || parsed > 100) {
    throw new InvalidArgumentError("expected the peak message rate over the average, a number from 1 to 100");
  }
  return parsed;
}

function headroom(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0 || parsed > 0.9) {
    throw new InvalidArgumentError("expected the share of a shard kept free at the peak, from 0 to 0.9");
  }
  return parsed;
}

function interval(value: string): number {
  const ms = duration(value);
  if (ms < 100 || ms > 86_400_000) throw new InvalidArgumentError("expected an interval from 100ms to 24h");
  return ms;
}

/** `plantwatch cost`: the monthly bill of a fleet, per service, from prices and measured call counts. */
export function costCommand(io: CliIo = processIo()): Command {
  const cost = new Command("cost")
    .description(
      "monthly AWS cost of a fleet, per service and per million messages, with each series store " +
        "(Timestream for LiveAnalytics, Timestream for InfluxDB) and each ingestion configuration, and the two anchors; " +
        "the per-message call counts are measured by running the real code over a generated workload",
    )
    .option("--devices <n>", "devices reporting", whole(1, 10_000_000), 10_000)
    .option("--interval <duration>", "how often each device reports, e.g. 10s or 1m", interval, 10_000)
    .option("--metrics <n>", "metrics per message", whole(1, 200), 8)
    .option("--payload-bytes <n>", "bytes per message as sent", whole(1, 131_072), 300)
    .addOption(
      new Option("--ingestion <mode>", "direct (a Lambda per message) or stream (Kinesis batches)")
        .choices(["direct", "stream"])
        .default("direct"),
    )
    .option("--basic-ingest", "devices publish to $aws/rules/<rule>/... (no messaging charge)")
    .option(
      "--alarm-rate <n>",
      "alarm transitions per device per day (default: as measured under the demo scenario)",
      rate,
    )
    .option("--batch-size <n>", "stream mode: records per Lambda batch", whole(1, 10_000), 100)
    .option("--batch-window <duration>", "stream mode: longest wait to fill a batch", duration, 1_000)
    .addOption(
      new Option("--kinesis <mode>", "stream mode: Kinesis capacity mode")
        .choices(["on-demand", "provisioned"])
        .default("on-demand"),
    )
    .option(
      "--shards <n>",
      "stream mode, provisioned: shards deployed (default: the fewest for the average rate)",
      whole(1, 10_000),
    )
    .option("--memory-retention-hours <n>", "Timestream memory store retention", whole(1, 8766), 24)
    .option("--magnetic-retention-days <n>", "Timestream magnetic store retention", whole(1, 73_000), 365)
    .addOption(
      new Option("--store <store>", "series store(s) to price")
        .choices(["both", "influxdb", "liveanalytics"])
        .default("both"),
    )
    .addOption(
      new Option(
        "--influx-class <class>",
        "InfluxDB: force this instance class (default: the smallest sized for the load)",
      ).choices(INFLUX_INSTANCE_CLASSES),
    )
    .option("--multi-az", "InfluxDB: a standby in a second AZ (series.influxdb.deployment multi-az)")
    .addOption(
      new Option("--influx-storage-type <type>", "InfluxDB: storage type")
        .choices(INFLUX_STORAGE_TYPES)
        .default("InfluxIOIncludedT1"),
    )
    .option("--influx-retention-days <n>", "InfluxDB: the bucket's retention", whole(1, 36_500), 365)
    .option(
      "--operators <n>",
      "the hosted console: operators signing in each month",
      whole(0, 100_000),
      DEFAULT_CONSOLE_USAGE.operators,
    )
    .option(
      "--console-hours <h>",
      "the hosted console: hours a day each operator has it shown",
      hoursOfDay,
      DEFAULT_CONSOLE_USAGE.shownHoursPerDay,
    )
    .option(
      "--console-background-hours <h>",
      "the hosted console: hours a day it stays open in a background tab",
      hoursOfDay,
      DEFAULT_CONSOLE_USAGE.backgroundHoursPerDay,
    )
    .option("--json", "print the estimate as JSON")
    .addOption(
      new Option(
        "--recommend",
        "search ingestion mode, Kinesis mode and shards, batch size and window, and series store for the cheapest, and print how to deploy it",
      ).conflicts(SEARCHED_OPTIONS),
    )
    .option(
      "--peak-factor <x>",
      `--recommend: peak message rate over the average, for sizing shards (default ${DEFAULT_RECOMMEND_OPTIONS.peakFactor})`,
      peakFactor,
    )
    .option(
      "--headroom <share>",
      `--recommend: share of each shard's limits kept free at the peak (default ${DEFAULT_RECOMMEND_OPTIONS.headroom})`,
      headroom,
    )
    .option(
      "--max-latency <duration>",
      `--recommend: the longest alarm latency bound allowed, e.g. 10s (default ${DEFAULT_RECOMMEND_OPTIONS.maxLatencyMs / 1000}s)`,
      duration,
    )
    .addHelpText("after", examples(...EXAMPLES))
    .action(action(io, (options: CostOptions) => run(io, options)));
  cost.configureOutput({ writeOut: io.out, writeErr: io.err });
  return cost;
}

async function run(io: CliIo, options: CostOptions): Promise<void> {
  const misplaced = Object.entries(RECOMMEND_ONLY)
    .filter(([key]) => options[key as keyof typeof RECOMMEND_ONLY] !== undefined)
    .map(([, flag]) => flag);
  if (!options.recommend && misplaced.length > 0) {
    throw new UsageError(`${misplaced.join(", ")} only apply with --recommend`);
  }
  const fleet: Fleet = {
    devices: options.devices,
    intervalMs: options.interval,
    metrics: options.metrics,
    payloadBytes: options.payloadBytes,
    basicIngest: options.basicIngest === true,
    ...(options.alarmRate === undefined ? {} : { alarmRate: options.alarmRate }),
    memoryRetentionHours: options.memoryRetentionHours,
    magneticRetentionDays: options.magneticRetentionDays,
    influx: {
      ...(options.influxClass === undefined ? {} : { instanceClass: options.influxClass }),
      deployment: options.multiAz === true ? "multi-az" : "single-az",
      storageType: options.influxStorageType,
      retentionDays: options.influxRetentionDays,
    },
  };
  if (options.recommend) return recommend(io, fleet, options);
  if (options.shards !== undefined && (options.ingestion !== "stream" || options.kinesis !== "provisioned")) {
    throw new UsageError("--shards applies to --ingestion stream with --kinesis provisioned only");
  }
  const inputs: CostInputs = {
    ...fleet,
    ingestion: options.ingestion,
    batchSize: options.batchSize,
    batchWindowMs: options.batchWindow,
    kinesis: options.kinesis,
    ...(options.shards === undefined ? {} : { shards: options.shards }),
  };
  if (options.consoleHours + options.consoleBackgroundHours > 24) {
    throw new UsageError("--console-hours and --console-background-hours add up to more than 24 hours a day");
  }
  const estimate = await estimateCost(inputs, options.store, {
    ...DEFAULT_CONSOLE_USAGE,
    operators: options.operators,
    shownHoursPerDay: options.consoleHours,
    backgroundHoursPerDay: options.consoleBackgroundHours,
  });
  if (options.json) io.out(`${JSON.stringify(estimate, null, 2)}\n`);
  else io.out(formatCostEstimate(estimate, outputStyle(io)));
}

async function recommend(io: CliIo, fleet: Fleet, options: CostOptions): Promise<void> {
  const recommendation = await recommendConfiguration(fleet, {
    peakFactor: options.peakFactor ?? DEFAULT_RECOMMEND_OPTIONS.peakFactor,
    headroom: options.headroom ?? DEFAULT_RECOMMEND_OPTIONS.headroom,
    maxLatencyMs: options.maxLatency ?? DEFAULT_RECOMMEND_OPTIONS.maxLatencyMs,
    stores: options.store === "both" ? ["liveanalytics", "influxdb"] : [options.store],
  }).catch((error: unknown) => {
    throw error instanceof NothingFitsError ? new UsageError(error.message) : error;
  });
  if (options.json) io.out(`${JSON.stringify(recommendation, null, 2)}\n`);
  else io.out(formatRecommendation(recommendation, outputStyle(io)));
}
