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
  streamBatch,
  volumes,
} from "./costModel.ts";
import { type MeasuredProfile, measureProfile } from "./measureProfile.ts";
import { NEGLIGIBLE, PRICE_REGION, PRICES, PRICES_READ_ON } from "./prices.ts";

/** Simulated devices: enough for the demo scenario (one oven overheats, one goes offline) to play. */
export const SIMULATED_DEVICES = 20;
const LAST_SEEN_INTERVAL_MS = 300_000;
const REGISTRY_CACHE_TTL_MS = 60_000;

export interface CostEstimate {
  readonly inputs: CostInputs;
  readonly messagesPerMonth: number;
  readonly measured: ReturnType<typeof perMessage> & {
    readonly simulatedDevices: number;
    readonly simulatedMessages: number;
    readonly batchSize: number;
    readonly containers: number;
    readonly averagePayloadBytes: number;
  };
  readonly plantwatch: CostBreakdown;
  readonly anchors: readonly CostBreakdown[];
  readonly goal: {
    readonly perMillion: number;
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

/**
 * Measures the real code's call counts for the configured ingestion mode (a fresh run every time:
 * nothing is cached), then prices them and the two anchors.
 */
export async function estimateCost(inputs: CostInputs): Promise<CostEstimate> {
  const { messageRate, messages } = volumes(inputs);
  let batchSize = 1;
  let containers = Math.max(1, Math.ceil((messageRate * ASSUMPTIONS.directIngestMs) / 1000));
  if (inputs.ingestion === "stream") {
    // Keep the real batch's mix: messages per thing per batch is what batching saves.
    const batch = streamBatch(inputs);
    batchSize = Math.max(1, Math.round((batch.size * SIMULATED_DEVICES) / batch.thingsPerShard));
    containers = 1;
  }
  const profile: MeasuredProfile = await measureProfile({
    devices: SIMULATED_DEVICES,
    intervalMs: inputs.intervalMs,
    metrics: inputs.metrics,
    batchSize,
    containers,
    lastSeenIntervalMs: LAST_SEEN_INTERVAL_MS,
    registryCacheTtlMs: REGISTRY_CACHE_TTL_MS,
  });
  const measuredProfile =
    inputs.ingestion === "stream" ? withTimestreamOf(profile, await packedWrites(inputs)) : profile;
  const plantwatch = plantwatchCost(inputs, measuredProfile);
  return {
    inputs,
    messagesPerMonth: messages,
    measured: {
      ...perMessage(measuredProfile),
      simulatedDevices: SIMULATED_DEVICES,
      simulatedMessages: profile.messages,
      batchSize,
      containers,
      averagePayloadBytes: profile.averagePayloadBytes,
    },
    plantwatch,
    anchors: [perMessageLambdaAnchor(inputs, profile), ruleActionAnchor(inputs, profile)],
    goal: {
      perMillion: GOAL_PER_MILLION,
      met: plantwatch.perMillion <= GOAL_PER_MILLION,
      dominant: dominant(plantwatch),
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

/**
 * Timestream packs the points of different things into one request, so its counts depend on the
 * real batch, which holds about one message from each of up to `batch.size` things: measured
 * again with that many things (capped, to keep the run short), one message each per batch.
 */
async function packedWrites(inputs: CostInputs): Promise<MeasuredProfile> {
  const batch = streamBatch(inputs);
  const things = Math.max(1, Math.min(Math.round(batch.size), MAX_PACKING_THINGS));
  return measureProfile({
    devices: things,
    intervalMs: inputs.intervalMs,
    metrics: inputs.metrics,
    batchSize: things,
    containers: 1,
    lastSeenIntervalMs: LAST_SEEN_INTERVAL_MS,
    registryCacheTtlMs: REGISTRY_CACHE_TTL_MS,
  });
}

/** `profile` with the Timestream counts of `packed`, per message of `profile`. */
function withTimestreamOf(profile: MeasuredProfile, packed: MeasuredProfile): MeasuredProfile {
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
  };
}

/** Enough things to fill a WriteRecords request (100 records). */
const MAX_PACKING_THINGS = 100;
