import type { PlantwatchConfigInput } from "../infra/config.ts";
import { PlantwatchError } from "../shared/errors.ts";
import {
  ASSUMPTIONS,
  type CostBreakdown,
  type CostInputs,
  perMessage,
  plantwatchCost,
  type SeriesStoreChoice,
  shardsFor,
  streamBatch,
  streamInvocationMs,
  volumes,
} from "./costModel.ts";
import { deployContext } from "./deployContext.ts";
import { type Measure, measureIngestion } from "./estimateCost.ts";
import { INFLUX_CAPACITY } from "./influxSizing.ts";
import { type MeasuredProfile, measureProfile } from "./measureProfile.ts";

/** The fleet and what it is priced with: everything but what `--recommend` searches. */
export type Fleet = Omit<
  CostInputs,
  "ingestion" | "batchSize" | "batchWindowMs" | "kinesis" | "shards" | "store"
>;

/** The fleet in direct mode (the stream settings are unused there). */
const directly = (fleet: Fleet): CostInputs => ({
  ...fleet,
  ingestion: "direct",
  batchSize: 1,
  batchWindowMs: 0,
  kinesis: "on-demand",
});

/** What `--recommend` assumes about the fleet's peaks and the alarm latency it may spend on batching. */
export interface RecommendOptions {
  /** Peak message rate over the average: devices reconnecting after an outage, reports on the clock. */
  readonly peakFactor: number;
  /** Share of a shard's write limits kept free at the peak: partition-key skew between shards, growth. */
  readonly headroom: number;
  /** The longest alarm latency bound a configuration may have. */
  readonly maxLatencyMs: number;
  readonly stores: readonly SeriesStoreChoice[];
}

export const DEFAULT_RECOMMEND_OPTIONS = {
  peakFactor: 2,
  headroom: 0.2,
  maxLatencyMs: 10_000,
} as const;

/** A shard's write limits (Kinesis Data Streams developer guide, "Create and manage Kinesis data streams"). */
/** Lambda polls each shard about once a second when it has caught up: a record may wait that long first. */
const SHARD_POLL_MS = 1_000;
/** Direct mode: IoT invokes evaluate asynchronously; Lambda's queue adds about this much (more when throttled). */
const ASYNC_INVOKE_MS = 1_000;
/** A batch is one synchronous invocation, whose payload Lambda caps at 6 MB (CreateEventSourceMapping). */
const INVOCATION_PAYLOAD_BYTES = 6_000_000;
/** Per record in the Lambda event besides its base64 data: ids, ARNs, sequence number (assumed). */
const EVENT_RECORD_OVERHEAD_BYTES = 600;
/** The event source mapping's batch sizes searched (it accepts 1-10,000). */
export const BATCH_SIZES = [100, 250, 500, 1_000, 2_500, 5_000, 10_000] as const;
/** Batching windows searched, in whole seconds as `ingestion.stream.batchWindowSeconds` takes them. */
export const WINDOW_SECONDS = [1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 300] as const;
/** Provisioned shard counts searched: the fewest sized for the peak, up to twice as many. */
const MAX_SHARD_CANDIDATES = 8;
/** Configurations this close to the cheapest count as cheapest; the shortest window of them is taken. */
export const TIE_SHARE = 0.01;

export interface LatencyBound {
  readonly ms: number;
  readonly parts: readonly { readonly what: string; readonly ms: number }[];
  /** What can delay an alarm beyond the bound. */
  readonly excludes: string;
}

/** One configuration priced: how it would be deployed, what it costs, how late its alarms may be. */
export interface PricedConfiguration {
  readonly ingestion: CostInputs["ingestion"];
  readonly store: SeriesStoreChoice;
  /** Stream mode only. */
  readonly stream?: {
    readonly kinesis: CostInputs["kinesis"];
    /** Provisioned: deployed; on-demand: what the stream starts with (it scales by itself). */
    readonly shards: number;
    readonly batchSize: number;
    readonly batchWindowSeconds: number;
    /** Records per batch at the average rate and at the peak. */
    readonly averageBatch: number;
    readonly peakBatch: number;
    /** Share of the time each shard's consumer is busy at the peak (≤ 1 or the stream falls behind). */
    readonly consumerBusy: number;
  };
  readonly cost: CostBreakdown;
  readonly latency: LatencyBound;
  /** Measured per message by running the real ingest and alarm engine (the DynamoDB line's source). */
  readonly dynamoDb: {
    /** Registry, alarm state and history together. */
    readonly readUnits: number;
    readonly writeUnits: number;
    /** The alarm state items alone. */
    readonly alarmReadUnits: number;
    readonly alarmWriteUnits: number;
  };
}

export interface Recommendation {
  readonly fleet: Fleet;
  readonly options: RecommendOptions;
  readonly messagesPerMonth: number;
  readonly peak: {
    readonly recordsPerSecond: number;
    readonly bytesPerSecond: number;
    readonly recordBytes: number;
    /** The fewest provisioned shards that take the peak with the headroom kept free. */
    readonly shards: number;
  };
  readonly chosen: PricedConfiguration;
  /** The best of every other (ingestion, Kinesis mode, store) that fits, cheapest first. */
  readonly alternatives: readonly PricedConfiguration[];
  readonly searched: {
    readonly priced: number;
    readonly measuredRuns: number;
    readonly rejected: {
      readonly latency: number;
      readonly payload: number;
      readonly consumer: number;
    };
    readonly batchSizes: readonly number[];
    readonly windowSeconds: readonly number[];
    readonly shards: readonly number[];
  };
  /** One or two lines: why this one. */
  readonly why: readonly string[];
  /** To merge into cdk.json `context.plantwatch` (or a stage under `plantwatch:stages`). */
  readonly context: PlantwatchConfigInput;
  readonly notes: readonly string[];
}

/** No configuration fits the latency budget with a consumer that keeps up. */
export class NothingFitsError extends PlantwatchError {
  readonly maxLatencyMs: number;

  constructor(maxLatencyMs: number) {
    super(
      `no configuration has an alarm latency bound within ${maxLatencyMs / 1000} s; allow more with --max-latency`,
    );
    this.name = "NothingFitsError";
    this.maxLatencyMs = maxLatencyMs;
  }
}

/**
 * The cheapest configuration for a fleet: direct mode, and stream mode over every Kinesis mode,
 * provisioned shard count (from the fewest that take the peak with headroom), batch size and
 * window within the latency budget, each priced with each store from the real code's measured
 * calls (`measureProfile`, one run per distinct simulated batch). Within TIE_SHARE of the cheapest,
 * the shortest window wins, then fewer shards, then smaller batches.
 */
export async function recommendConfiguration(
  fleet: Fleet,
  options: RecommendOptions,
  measure: Measure = measureProfile,
): Promise<Recommendation> {
  const runs = new Map<string, Promise<MeasuredProfile>>();
  const cached: Measure = (shape) => {
    const key = JSON.stringify(shape);
    const run = runs.get(key) ?? measure(shape);
    runs.set(key, run);
    return run;
  };
  const peak = peakLoad(fleet, options);
  const shardCounts = Array.from(
    { length: Math.min(MAX_SHARD_CANDIDATES, peak.shards + 1) },
    (_, index) => peak.shards + index,
  );
  const rejected = { latency: 0, payload: 0, consumer: 0 };
  const priced: PricedConfiguration[] = [];

  const directProfile = (await measureIngestion(directly(fleet), cached)).profile;
  for (const store of options.stores) {
    const candidate = priceDirect({ ...directly(fleet), store }, directProfile);
    if (candidate.latency.ms > options.maxLatencyMs) rejected.latency++;
    else priced.push(candidate);
  }

  const streams = [
    ...shardCounts.map((shards) => ({ kinesis: "provisioned" as const, shards })),
    { kinesis: "on-demand" as const },
  ];
  for (const stream of streams) {
    for (const batchSize of BATCH_SIZES) {
      if (batchSize * eventRecordBytes(fleet) > INVOCATION_PAYLOAD_BYTES) {
        rejected.payload += WINDOW_SECONDS.length * options.stores.length;
        continue;
      }
      for (const batchWindowSeconds of WINDOW_SECONDS) {
        // The window alone already spends the budget: not worth a measurement.
        if (batchWindowSeconds * 1000 + SHARD_POLL_MS > options.maxLatencyMs) {
          rejected.latency += options.stores.length;
          continue;
        }
        const inputs: CostInputs = {
          ...fleet,
          ingestion: "stream",
          ...stream,
          batchSize,
          batchWindowMs: batchWindowSeconds * 1000,
        };
        const profile = (await measureIngestion(inputs, cached)).profile;
        for (const store of options.stores) {
          const candidate = priceStream({ ...inputs, store }, profile, options.peakFactor);
          if (candidate.latency.ms > options.maxLatencyMs) rejected.latency++;
          else if ((candidate.stream?.consumerBusy ?? 0) > 1) rejected.consumer++;
          else priced.push(candidate);
        }
      }
    }
  }

  const chosen = choose(priced, options.maxLatencyMs);
  const alternatives = bestOfEachKind(priced).filter((candidate) => kindOf(candidate) !== kindOf(chosen));
  return {
    fleet,
    options,
    messagesPerMonth: volumes(fleet).messages,
    peak,
    chosen,
    alternatives,
    searched: {
      priced: priced.length,
      measuredRuns: runs.size,
      rejected,
      batchSizes: [...BATCH_SIZES],
      windowSeconds: [...WINDOW_SECONDS],
      shards: shardCounts,
    },
    why: explain(chosen, priced, peak, options),
    context: deployContext(chosen, fleet),
    notes: notesOn(chosen, fleet, options),
  };
}

/** The fleet's peak write load on the stream and the fewest shards that take it with the headroom. */
export function peakLoad(fleet: Fleet, options: Pick<RecommendOptions, "peakFactor" | "headroom">) {
  const recordsPerSecond = volumes(fleet).messageRate * options.peakFactor;
  const { recordBytes } = streamBatch(directly(fleet));
  const bytesPerSecond = recordsPerSecond * recordBytes;
  const shards = shardsFor(recordsPerSecond, recordBytes, 1 - options.headroom);
  return { recordsPerSecond, bytesPerSecond, recordBytes, shards };
}

function eventRecordBytes(fleet: Fleet): number {
  const { recordBytes } = streamBatch(directly(fleet));
  return Math.ceil((recordBytes * 4) / 3) + EVENT_RECORD_OVERHEAD_BYTES;
}

function dynamoDbPerMessage(profile: MeasuredProfile): PricedConfiguration["dynamoDb"] {
  const counts = perMessage(profile);
  return {
    readUnits: counts.readUnits,
    writeUnits: counts.writeUnits,
    alarmReadUnits: counts.alarmReadUnits,
    alarmWriteUnits: counts.alarmWriteUnits,
  };
}

function priceDirect(inputs: CostInputs, profile: MeasuredProfile): PricedConfiguration {
  const evaluateMs = ASSUMPTIONS.directEvaluateMs;
  return {
    ingestion: "direct",
    store: inputs.store ?? "influxdb",
    cost: plantwatchCost(inputs, profile),
    latency: {
      ms: ASYNC_INVOKE_MS + evaluateMs,
      parts: [
        {
          what: "IoT's asynchronous invocation (Lambda's queue; longer when throttled)",
          ms: ASYNC_INVOKE_MS,
        },
        { what: "evaluating the message (assumed)", ms: evaluateMs },
      ],
      excludes: "Lambda's retries of a failed invocation",
    },
    dynamoDb: dynamoDbPerMessage(profile),
  };
}

function priceStream(inputs: CostInputs, profile: MeasuredProfile, peakFactor: number): PricedConfiguration {
  const batch = streamBatch(inputs);
  const peakPerShard = (volumes(inputs).messageRate * peakFactor) / batch.shards;
  const peakBatch = Math.max(1, Math.min(inputs.batchSize, (peakPerShard * inputs.batchWindowMs) / 1000));
  const counts = perMessage(profile);
  const atPeak = streamInvocationMs(inputs, counts, {
    size: peakBatch,
    thingsPerShard: batch.thingsPerShard,
  });
  const slowest = Math.max(atPeak.ingestMs, atPeak.evaluateMs);
  return {
    ingestion: "stream",
    store: inputs.store ?? "influxdb",
    stream: {
      kinesis: inputs.kinesis,
      shards: batch.shards,
      batchSize: inputs.batchSize,
      batchWindowSeconds: inputs.batchWindowMs / 1000,
      averageBatch: batch.size,
      peakBatch,
      consumerBusy: ((peakPerShard / peakBatch) * slowest) / 1000,
    },
    cost: plantwatchCost(inputs, profile),
    latency: {
      ms: inputs.batchWindowMs + SHARD_POLL_MS + atPeak.evaluateMs,
      parts: [
        { what: "batching window", ms: inputs.batchWindowMs },
        { what: "Lambda polling the shard", ms: SHARD_POLL_MS },
        { what: "evaluating a peak batch (assumed)", ms: atPeak.evaluateMs },
      ],
      excludes: "retries of a failed batch, which hold back its shard until they succeed",
    },
    dynamoDb: dynamoDbPerMessage(profile),
  };
}

const shardsOf = (candidate: PricedConfiguration) => candidate.stream?.shards ?? 0;
const batchOf = (candidate: PricedConfiguration) => candidate.stream?.batchSize ?? 0;
const windowOf = (candidate: PricedConfiguration) => candidate.stream?.batchWindowSeconds ?? 0;

/**
 * The cheapest; within TIE_SHARE of it, the shortest window (the latency one chooses), then fewer
 * shards, smaller batches, the lower bound (what is left: assumed evaluation times), the lower cost.
 */
function choose(priced: readonly PricedConfiguration[], maxLatencyMs: number): PricedConfiguration {
  const cheapest = Math.min(...priced.map((candidate) => candidate.cost.total));
  const [chosen] = priced
    .filter((candidate) => candidate.cost.total <= cheapest * (1 + TIE_SHARE))
    .sort(
      (a, b) =>
        windowOf(a) - windowOf(b) ||
        shardsOf(a) - shardsOf(b) ||
        batchOf(a) - batchOf(b) ||
        a.latency.ms - b.latency.ms ||
        a.cost.total - b.cost.total,
    );
  if (chosen === undefined) throw new NothingFitsError(maxLatencyMs);
  return chosen;
}

export function kindOf(candidate: PricedConfiguration): string {
  const ingestion = candidate.stream === undefined ? "direct" : `stream, ${candidate.stream.kinesis}`;
  return `${ingestion}, ${candidate.store}`;
}

/** The cheapest of each (ingestion, Kinesis mode, store), cheapest first. */
function bestOfEachKind(priced: readonly PricedConfiguration[]): PricedConfiguration[] {
  const best = new Map<string, PricedConfiguration>();
  for (const candidate of priced) {
    const current = best.get(kindOf(candidate));
    if (current === undefined || candidate.cost.total < current.cost.total)
      best.set(kindOf(candidate), candidate);
  }
  return [...best.values()].sort((a, b) => a.cost.total - b.cost.total);
}

const dollars = (usd: number) => `$${Math.round(usd).toLocaleString("en-US")}`;

function explain(
  chosen: PricedConfiguration,
  priced: readonly PricedConfiguration[],
  peak: Recommendation["peak"],
  options: RecommendOptions,
): string[] {
  const others = bestOfEachKind(priced).filter((candidate) => kindOf(candidate) !== kindOf(chosen));
  const next = others[0];
  const versus =
    next === undefined ? "" : `; the next kind, ${kindOf(next)}, costs ${dollars(next.cost.total)} a month`;
  const lines = [
    `Cheapest of ${priced.length} priced configurations within the ${options.maxLatencyMs / 1000} s latency budget${versus}.`,
  ];
  const { stream } = chosen;
  if (stream === undefined) {
    lines.push(
      "Direct mode has no stream to pay for and no batching window; at this rate batching saves less than the stream costs.",
    );
    return lines;
  }
  const cheapest = Math.min(...priced.map((candidate) => candidate.cost.total));
  const atPeak = `the ${Math.round(peak.recordsPerSecond).toLocaleString("en-US")} records/s peak at ≤ ${Math.round((1 - options.headroom) * 100)} % of their limits`;
  const sizing =
    stream.kinesis === "on-demand"
      ? "on-demand scales by itself and costs less here than the shard-hours provisioned capacity needs"
      : stream.shards === peak.shards
        ? `${stream.shards} shard(s), the fewest that take ${atPeak}`
        : `${stream.shards} shards, more than the ${peak.shards} that take ${atPeak}: with fewer, every configuration costs over ${TIE_SHARE * 100} % more or falls behind at the peak`;
  lines.push(
    `${sizing}; longer windows and bigger batches save ${chosen.cost.total - cheapest < 0.005 ? "nothing more" : `at most ${dollars(chosen.cost.total - cheapest)} a month (< ${TIE_SHARE * 100} %)`}, so the shortest window within ${TIE_SHARE * 100} % of the cheapest was taken.`,
  );
  return lines;
}

function notesOn(chosen: PricedConfiguration, fleet: Fleet, options: RecommendOptions): string[] {
  const notes: string[] = [];
  if (chosen.store === "liveanalytics") {
    notes.push(
      "Timestream for LiveAnalytics is closed to new accounts since 2025-06-20: only an account that used it before can deploy this; otherwise take the best InfluxDB configuration below (or --store influxdb).",
    );
  }
  if (chosen.stream?.kinesis === "on-demand") {
    notes.push(
      "On-demand streams start at 4 MB/s and 4,000 records/s and take up to twice their highest throughput of the last 30 days at once; a first peak above that may be throttled until the stream has scaled. Remove ingestion.stream.shards from cdk.json if it is set (on-demand refuses it).",
    );
  }
  const { influx } = chosen.cost;
  if (influx !== undefined && !influx.fits) {
    notes.push(`${influx.instanceClass} is beyond what one InfluxDB 2 instance is sized for at this load.`);
  } else if (
    influx !== undefined &&
    influx.linesPerSecond * options.peakFactor > INFLUX_CAPACITY[influx.instanceClass].linesPerSecond
  ) {
    // AWS's sizing figures are sustained rates; a short burst is absorbed by the write-ahead log.
    notes.push(
      `${influx.instanceClass} is sized for the average ${Math.round(influx.linesPerSecond).toLocaleString("en-US")} lines/s; the peak of ${Math.round(influx.linesPerSecond * options.peakFactor).toLocaleString("en-US")} is above its sustained ${INFLUX_CAPACITY[influx.instanceClass].linesPerSecond.toLocaleString("en-US")}: take a larger series.influxdb.instanceClass if peaks last longer than minutes.`,
    );
  }
  if (!fleet.basicIngest) {
    notes.push(
      "Devices publishing through Basic Ingest ($aws/rules/<rule>/...) skip the IoT messaging charge: see --basic-ingest (a device setting, not a deployment one).",
    );
  }
  return notes;
}
