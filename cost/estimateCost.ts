import {
  type ConsoleCost,
  type ConsoleUsage,
  consoleCost,
  consoleProfile,
  DEFAULT_CONSOLE_USAGE,
} from "./consoleCost.ts";
import {
  ASSUMPTIONS,
  type CostBreakdown,
  type CostInputs,
  dominant,
  GOAL_PER_MILLION,
  perMessage,
  perMessageLambdaAnchor,
  plantwatchCost,
  ruleActionAnchor,
  type SeriesStoreChoice,
  streamBatch,
  volumes,
} from "./costModel.ts";
import { type MeasuredProfile, measureProfile, type ProfileShape } from "./measureProfile.ts";
import { NEGLIGIBLE, PRICE_REGION, PRICES, PRICES_READ_ON } from "./prices.ts";

/** Simulated devices: enough for the demo scenario (one oven overheats, one goes offline) to play. */
export const SIMULATED_DEVICES = 20;
const LAST_SEEN_INTERVAL_MS = 300_000;
const REGISTRY_CACHE_TTL_MS = 60_000;

export type StoreSelection = "both" | SeriesStoreChoice;

/** One ingestion configuration priced with each selected store. */
export interface ConfigurationCost {
  readonly label: string;
  readonly ingestion: CostInputs["ingestion"];
  readonly basicIngest: boolean;
  readonly costs: readonly CostBreakdown[];
}

/** The cheapest store and ingestion configuration for the fleet, and what the alternative costs. */
export interface Cheapest {
  readonly label: string;
  readonly cost: CostBreakdown;
  /** The best the other store can do (both stores), else the next ingestion configuration. */
  readonly alternative?: { readonly label: string; readonly cost: CostBreakdown };
}

export interface CostEstimate {
  readonly inputs: CostInputs;
  /** The hosted operator console, a monthly cost of its own (it does not grow with the fleet). */
  readonly console: ConsoleCost;
  readonly stores: readonly SeriesStoreChoice[];
  readonly messagesPerMonth: number;
  readonly measured: ReturnType<typeof perMessage> & {
    readonly simulatedDevices: number;
    readonly simulatedMessages: number;
    readonly batchSize: number;
    readonly containers: number;
    readonly averagePayloadBytes: number;
  };
  /** The configured ingestion, one breakdown per selected store. */
  readonly plantwatch: readonly CostBreakdown[];
  /** Every ingestion configuration (direct, stream, each with and without Basic Ingest) per store. */
  readonly configurations: readonly ConfigurationCost[];
  readonly cheapest: Cheapest;
  readonly anchors: readonly CostBreakdown[];
  readonly goal: {
    readonly perMillion: number;
    /** Judged on the cheaper store of the configured ingestion. */
    readonly store: SeriesStoreChoice;
    readonly met: boolean;
    readonly dominant: ReturnType<typeof dominant>;
  };
  readonly prices: {
    readonly region: string;
    readonly readOn: string;
    readonly unverified: readonly string[];
  };
  readonly assumptions: typeof ASSUMPTIONS;
  readonly negligible: readonly string[];
}

const CONFIGURATIONS = [
  { ingestion: "direct", basicIngest: false },
  { ingestion: "direct", basicIngest: true },
  { ingestion: "stream", basicIngest: false },
  { ingestion: "stream", basicIngest: true },
] as const;

export const configurationLabel = (inputs: Pick<CostInputs, "ingestion" | "basicIngest">) =>
  `${inputs.ingestion}${inputs.basicIngest ? " + Basic Ingest" : ""}`;

/**
 * Measures the real code's call counts for each ingestion mode (a fresh run every time: nothing is
 * cached between runs; one run serves both stores and both Basic Ingest settings), then prices them
 * with each selected series store, and the two anchors.
 */
export async function estimateCost(
  inputs: CostInputs,
  selection: StoreSelection = "both",
  consoleUsage: ConsoleUsage = DEFAULT_CONSOLE_USAGE,
): Promise<CostEstimate> {
  const stores: readonly SeriesStoreChoice[] =
    selection === "both" ? ["liveanalytics", "influxdb"] : [selection];
  const measured = {
    direct: await measureIngestion({ ...inputs, ingestion: "direct" }),
    stream: await measureIngestion({ ...inputs, ingestion: "stream" }),
  };
  const priced = (config: Pick<CostInputs, "ingestion" | "basicIngest">) =>
    stores.map((store) =>
      plantwatchCost({ ...inputs, ...config, store }, measured[config.ingestion].profile),
    );
  const plantwatch = priced(inputs);
  const configurations = CONFIGURATIONS.map((config) => ({
    label: configurationLabel(config),
    ...config,
    costs: priced(config),
  }));
  const own = measured[inputs.ingestion];
  const best = cheapestOf(plantwatch);
  return {
    inputs,
    console: consoleCost(consoleUsage, await consoleProfile()),
    stores,
    messagesPerMonth: volumes(inputs).messages,
    measured: {
      ...perMessage(own.profile),
      simulatedDevices: SIMULATED_DEVICES,
      simulatedMessages: own.simulatedMessages,
      batchSize: own.batchSize,
      containers: own.containers,
      averagePayloadBytes: own.profile.averagePayloadBytes,
    },
    plantwatch,
    configurations,
    cheapest: cheapestConfiguration(configurations),
    anchors: [perMessageLambdaAnchor(inputs, own.profile), ruleActionAnchor(inputs, own.profile)],
    goal: {
      perMillion: GOAL_PER_MILLION,
      store: best.store,
      met: best.perMillion <= GOAL_PER_MILLION,
      dominant: dominant(best),
    },
    prices: {
      region: PRICE_REGION,
      readOn: PRICES_READ_ON,
      unverified: Object.entries(PRICES)
        .filter(([, price]) => !price.verified)
        .map(
          ([name, price]) =>
            `${name}: ${"note" in price ? price.note : "not stated on a page we could read"}`,
        ),
    },
    assumptions: ASSUMPTIONS,
    negligible: NEGLIGIBLE,
  };
}

const cheapestOf = (costs: readonly CostBreakdown[]) =>
  costs.reduce((best, cost) => (cost.total < best.total ? cost : best));

/**
 * The cheapest (configuration, store) pair; the alternative is the other store's best when both
 * stores are priced (the choice the README asks for), else the next cheapest configuration.
 */
export function cheapestConfiguration(configurations: readonly ConfigurationCost[]): Cheapest {
  const all = configurations.flatMap((config) => config.costs.map((cost) => ({ label: config.label, cost })));
  const ranked = [...all].sort((a, b) => a.cost.total - b.cost.total);
  const [first, ...rest] = ranked;
  if (first === undefined) throw new RangeError("no configuration to compare");
  const otherStore = rest.find((candidate) => candidate.cost.store !== first.cost.store);
  const alternative = otherStore ?? rest[0];
  return alternative === undefined ? first : { ...first, alternative };
}

/** Runs the real code over a simulated fleet (`measureProfile`, or a cache of it). */
export type Measure = (shape: ProfileShape) => Promise<MeasuredProfile>;

/** One ingestion mode measured: the profile every store and Basic Ingest setting is priced from. */
export async function measureIngestion(inputs: CostInputs, measure: Measure = measureProfile) {
  const { messageRate } = volumes(inputs);
  let batchSize = 1;
  let containers = Math.max(1, Math.ceil((messageRate * ASSUMPTIONS.directIngestMs) / 1000));
  if (inputs.ingestion === "stream") {
    // Keep the real batch's mix: messages per thing per batch is what batching saves.
    const batch = streamBatch(inputs);
    batchSize = Math.max(1, Math.round((batch.size * SIMULATED_DEVICES) / batch.thingsPerShard));
    containers = 1;
  }
  const profile: MeasuredProfile = await measure({
    devices: SIMULATED_DEVICES,
    intervalMs: inputs.intervalMs,
    metrics: inputs.metrics,
    batchSize,
    containers,
    lastSeenIntervalMs: LAST_SEEN_INTERVAL_MS,
    registryCacheTtlMs: REGISTRY_CACHE_TTL_MS,
    ...(inputs.ingestion === "stream" ? { stream: true } : {}),
  });
  return {
    profile:
      inputs.ingestion === "stream" ? withSeriesOf(profile, await packedWrites(inputs, measure)) : profile,
    simulatedMessages: profile.messages,
    batchSize,
    containers,
  };
}

/**
 * Timestream packs the points of different things into one request, so its counts depend on the
 * real batch, which holds about one message from each of up to `batch.size` things: measured
 * again with that many things (capped, to keep the run short), one message each per batch.
 */
async function packedWrites(inputs: CostInputs, measure: Measure): Promise<MeasuredProfile> {
  const batch = streamBatch(inputs);
  const things = Math.max(1, Math.min(Math.round(batch.size), MAX_PACKING_THINGS));
  return measure({
    devices: things,
    intervalMs: inputs.intervalMs,
    metrics: inputs.metrics,
    batchSize: things,
    containers: 1,
    lastSeenIntervalMs: LAST_SEEN_INTERVAL_MS,
    registryCacheTtlMs: REGISTRY_CACHE_TTL_MS,
    stream: true,
  });
}

/** `profile` with the series stores' counts of `packed`, per message of `profile`. */
function withSeriesOf(profile: MeasuredProfile, packed: MeasuredProfile): MeasuredProfile {
  const scale = profile.messages / Math.max(1, packed.messages);
  const { requests, records, writeUnits, storedBytes } = packed.timestream;
  return {
    ...profile,
    timestream: {
      requests: requests * scale,
      records: records * scale,
      writeUnits: writeUnits * scale,
      storedBytes: storedBytes * scale,
    },
    influx: {
      requests: packed.influx.requests * scale,
      lines: packed.influx.lines * scale,
      bytes: packed.influx.bytes * scale,
    },
  };
}

/** Enough things to fill a WriteRecords request (100 records); an InfluxDB request takes 5,000 lines. */
const MAX_PACKING_THINGS = 100;
