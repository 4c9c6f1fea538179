import { type InfluxSizing, influxStorageGib, sizeInfluxInstance } from "./influxSizing.ts";
import { CONSUMER_LIFETIME_MS, type MeasuredProfile } from "./measureProfile.ts";
import {
  type InfluxInstanceClass,
  type InfluxStorageType,
  influxInstanceHourUsd,
  influxStorageGbMonthUsd,
  PRICES,
  tieredCost,
} from "./prices.ts";

/** Hours AWS bills a month as. */
export const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const MILLION = 1_000_000;
const GB = 1024 ** 3;
export const GOAL_PER_MILLION = 0.5;

/**
 * What is assumed rather than measured: Lambda durations (they depend on AWS latencies, which
 * cannot be measured here) and the IoT rule's output size. Each is printed with the result.
 */
export const ASSUMPTIONS = {
  lambdaMemoryGb: 0.25,
  /** Direct mode: one Timestream write (~15 ms) plus the registry; evaluate: one read and one write. */
  directIngestMs: 25,
  directEvaluateMs: 15,
  /** Stream mode: a fixed part plus each round of 4 parallel Timestream requests / 8 parallel things. */
  streamBaseMs: 10,
  timestreamRoundMs: 15,
  alarmRoundMs: 10,
  notifyMs: 60,
  /** Sweep: once a minute, a scan of the alarm table. */
  sweepMs: 300,
  /** Topic `dt/plantwatch/{thing}/telemetry`, metered with the payload (5 KB increments). */
  topicBytes: 36,
  /** The telemetry rule's output to Kinesis: the payload base64-encoded plus topic, thing, timestamp. */
  ruleOutputOverheadBytes: 120,
  /** Kinesis on-demand starts at 4 MB/s (4 shards' worth); provisioned streams need at least one. */
  onDemandShards: 4,
  /** Emails per SNS publish (one subscriber). */
  emailsPerNotification: 1,
  /** InfluxDB 2's TSM files hold a float value in about 2-3 bytes once compressed (research §8): the middle. */
  influxBytesPerValue: 2.5,
  /** Multi-AZ keeps a standby: instance and storage billed twice ("about doubles the cost", third party). */
  influxMultiAzFactor: 2,
  /** Interface endpoints of the influx VPC (Secrets Manager, EventBridge), each in this many AZs. */
  interfaceEndpoints: 2,
  endpointAzs: 2,
  /** Lambda does not say how long a warm container lives; an hour is assumed (one GetSecretValue each). */
  containerLifetimeMinutes: 60,
  /** Warm api containers (operator queries). */
  apiContainers: 1,
  /** One GetSecretValue request and answer through the endpoint. */
  secretCallBytes: 4_096,
} as const;

export type SeriesStoreChoice = "liveanalytics" | "influxdb";

/** `series.influxdb` of the stack configuration, as far as it moves the bill. */
export interface InfluxSettings {
  /** Forced with `--influx-class`; absent: sized for the load. */
  readonly instanceClass?: InfluxInstanceClass;
  readonly deployment: "single-az" | "multi-az";
  readonly storageType: InfluxStorageType;
  readonly retentionDays: number;
}

export const DEFAULT_INFLUX_SETTINGS: InfluxSettings = {
  deployment: "single-az",
  storageType: "InfluxIOIncludedT1",
  retentionDays: 365,
};

export interface CostInputs {
  readonly devices: number;
  readonly intervalMs: number;
  readonly metrics: number;
  readonly payloadBytes: number;
  readonly ingestion: "direct" | "stream";
  readonly basicIngest: boolean;
  /** Transitions per device per day; absent: as measured under the demo scenario. */
  readonly alarmRate?: number;
  readonly batchSize: number;
  readonly batchWindowMs: number;
  readonly kinesis: "on-demand" | "provisioned";
  /** Provisioned Kinesis only: the shards deployed. @default the fewest that take the average rate */
  readonly shards?: number;
  readonly memoryRetentionHours: number;
  readonly magneticRetentionDays: number;
  /** The series store priced. @default "influxdb" (as deployed by default) */
  readonly store?: SeriesStoreChoice;
  readonly influx?: InfluxSettings;
}

export type Service =
  | "IoT connectivity"
  | "IoT messaging"
  | "IoT rules and actions"
  | "Lambda requests"
  | "Lambda duration"
  | "Kinesis"
  | "Timestream writes"
  | "Timestream storage"
  | "InfluxDB instance"
  | "InfluxDB storage"
  | "VPC endpoints"
  | "Secrets Manager"
  | "S3 checkpoints"
  | "DynamoDB"
  | "EventBridge"
  | "SNS";

export interface CostLine {
  readonly service: Service;
  readonly usd: number;
  readonly units: string;
  readonly formula: string;
}

export interface CostBreakdown {
  readonly name: string;
  readonly store: SeriesStoreChoice;
  /** InfluxDB only: the class priced and why. */
  readonly influx?: InfluxSizing & {
    readonly linesPerSecond: number;
    readonly series: number;
    readonly storageGib: number;
  };
  readonly lines: readonly CostLine[];
  readonly total: number;
  readonly perMillion: number;
}

/** The fleet's monthly volumes, shared by plantwatch and the anchors. */
export function volumes(inputs: Pick<CostInputs, "devices" | "intervalMs">) {
  const messages = (inputs.devices * SECONDS_PER_MONTH * 1000) / inputs.intervalMs;
  const messageRate = messages / SECONDS_PER_MONTH;
  return { messages, messageRate, millions: messages / MILLION };
}

/**
 * Per-message (and per-transition) counts from the measured run. What a transition writes (its
 * commit with the outbox, the outbox clear, history) is per transition, so that `--alarm-rate`
 * prices it at the plant's rate, not the demo's. The stream consumer reads only when its container
 * starts: those reads, measured through restarts every `CONSUMER_LIFETIME_MS`, are priced at the
 * assumed container lifetime.
 */
export function perMessage(profile: MeasuredProfile) {
  const n = Math.max(1, profile.messages);
  const transitions = profile.events.transitions;
  const coldReadsScale =
    profile.shape.stream === true
      ? CONSUMER_LIFETIME_MS / (ASSUMPTIONS.containerLifetimeMinutes * 60_000)
      : 1;
  const alarmReadUnits = (profile.alarms.readUnits * coldReadsScale) / n;
  const alarmWriteUnits = (profile.alarms.writeUnits - profile.alarms.transitionWriteUnits) / n;
  return {
    timestreamRequests: profile.timestream.requests / n,
    timestreamWriteUnits: profile.timestream.writeUnits / n,
    recordsPerRequest: profile.timestream.records / Math.max(1, profile.timestream.requests),
    storedBytes: profile.timestream.storedBytes / n,
    influxRequests: profile.influx.requests / n,
    influxLines: profile.influx.lines / n,
    linesPerRequest: profile.influx.lines / Math.max(1, profile.influx.requests),
    readUnits: (profile.registry.readUnits * coldReadsScale) / n + alarmReadUnits,
    writeUnits: profile.registry.writeUnits / n + alarmWriteUnits,
    lastSeenWrites: profile.registry.lastSeenWrites / n,
    alarmReadUnits,
    alarmWriteUnits,
    transitions: transitions / n,
    /** Per transition: its commit, history records and the outbox clear. */
    writeUnitsPerTransition:
      transitions === 0
        ? 0
        : (profile.alarms.transitionWriteUnits + profile.alarms.historyWriteUnits) / transitions,
    putEventsPerTransition: transitions === 0 ? 1 : profile.events.putEventsRequests / transitions,
    billedEventsPerTransition: transitions === 0 ? 1 : profile.events.billedEvents / transitions,
  };
}

const usd = (units: number, price: { readonly usd: number }) => units * price.usd;
const fmt = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString("en-US") : Number(value.toPrecision(3)).toString();

/** The lines every architecture shares: devices connected and, unless Basic Ingest, the broker. */
function iotLines(inputs: CostInputs, actions: number, actionNames: string): CostLine[] {
  const { millions } = volumes(inputs);
  const chunks = Math.max(1, Math.ceil((inputs.payloadBytes + ASSUMPTIONS.topicBytes) / 5120));
  const minutes = (inputs.devices * HOURS_PER_MONTH * 60) / MILLION;
  const lines: CostLine[] = [
    {
      service: "IoT connectivity",
      usd: usd(minutes, PRICES.iotConnectivity),
      units: `${fmt(minutes)}M connection-minutes`,
      formula: "devices × minutes in a month × price per million minutes",
    },
    {
      service: "IoT messaging",
      usd: inputs.basicIngest ? 0 : tieredCost(PRICES.iotMessaging, millions * chunks),
      units: inputs.basicIngest ? "0 (Basic Ingest)" : `${fmt(millions * chunks)}M messages`,
      formula: inputs.basicIngest
        ? "Basic Ingest ($aws/rules/...) skips the broker: no messaging charge"
        : "messages × 5 KB chunks of payload + topic, tiered price per million",
    },
    {
      service: "IoT rules and actions",
      usd:
        usd(millions * chunks, PRICES.iotRulesTriggered) +
        usd(millions * chunks * actions, PRICES.iotActionsExecuted),
      units: `${fmt(millions * chunks)}M rules, ${fmt(millions * chunks * actions)}M actions`,
      formula: `one rule per message, ${actions} action(s) each (${actionNames})`,
    },
  ];
  return lines;
}

/** Lambda requests and GB-seconds of a list of functions, each `[name, invocations, ms]`. */
function lambdaLines(functions: readonly (readonly [string, number, number])[]): CostLine[] {
  const requests = functions.reduce((total, [, invocations]) => total + invocations, 0);
  const gbSeconds = functions.reduce(
    (total, [, invocations, ms]) => total + (invocations * ms * ASSUMPTIONS.lambdaMemoryGb) / 1000,
    0,
  );
  const names = functions.map(
    ([name, invocations, ms]) => `${name} ${fmt(invocations / MILLION)}M × ${fmt(ms)} ms`,
  );
  return [
    {
      service: "Lambda requests",
      usd: usd(requests / MILLION, PRICES.lambdaRequests),
      units: `${fmt(requests / MILLION)}M invocations`,
      formula: names.map((name) => name.replace(/ × .*$/, "")).join(", "),
    },
    {
      service: "Lambda duration",
      usd: tieredCost(PRICES.lambdaArmGbSecond, gbSeconds),
      units: `${fmt(gbSeconds)} GB-s`,
      formula: `${names.join(", ")} at ${ASSUMPTIONS.lambdaMemoryGb * 1024} MB arm64 (durations assumed)`,
    },
  ];
}

function timestreamLines(
  inputs: CostInputs,
  writeUnitsPerMessage: number,
  storedBytesPerMessage: number,
  how: string,
): CostLine[] {
  const { millions, messageRate } = volumes(inputs);
  const bytesPerHour = messageRate * 3600 * storedBytesPerMessage;
  const memoryGb = (bytesPerHour * inputs.memoryRetentionHours) / GB;
  const magneticGb = (bytesPerHour * 24 * inputs.magneticRetentionDays) / GB;
  return [
    {
      service: "Timestream writes",
      usd: usd(millions * writeUnitsPerMessage, PRICES.timestreamWrites),
      units: `${fmt(millions * writeUnitsPerMessage)}M write units`,
      formula: how,
    },
    {
      service: "Timestream storage",
      usd:
        memoryGb * HOURS_PER_MONTH * PRICES.timestreamMemoryGbHour.usd +
        usd(magneticGb, PRICES.timestreamMagneticGbMonth),
      units: `${fmt(memoryGb)} GB memory, ${fmt(magneticGb)} GB magnetic`,
      formula: `${fmt(storedBytesPerMessage)} B per message; memory store ${inputs.memoryRetentionHours} h, magnetic ${inputs.magneticRetentionDays} d (once full)`,
    },
  ];
}

function notificationLines(transitions: number, billedEventsPerTransition: number): CostLine[] {
  const millions = transitions / MILLION;
  // Per transition: the C5 event, and the notify function's "Alarm Notification" for the webhooks.
  const events = millions * (billedEventsPerTransition + 1);
  return [
    {
      service: "EventBridge",
      usd: usd(events, PRICES.eventBridgeCustomEvents),
      units: `${fmt(events)}M events`,
      formula: "per transition: the alarm event (measured) + the notification event",
    },
    {
      service: "SNS",
      usd:
        usd(millions, PRICES.snsPublishes) +
        usd(millions * ASSUMPTIONS.emailsPerNotification, PRICES.snsEmail),
      units: `${fmt(millions)}M publishes, ${fmt(millions * ASSUMPTIONS.emailsPerNotification)}M emails`,
      formula: "one publish per transition, one email subscriber (SMS varies by country: not included)",
    },
  ];
}

function monthlyTransitions(inputs: CostInputs, counts: ReturnType<typeof perMessage>): number {
  if (inputs.alarmRate !== undefined) return (inputs.devices * inputs.alarmRate * SECONDS_PER_MONTH) / 86_400;
  return volumes(inputs).messages * counts.transitions;
}

function dynamoLine(readUnits: number, writeUnits: number, formula: string): CostLine {
  return {
    service: "DynamoDB",
    usd:
      usd(readUnits / MILLION, PRICES.dynamoDbReadUnits) +
      usd(writeUnits / MILLION, PRICES.dynamoDbWriteUnits),
    units: `${fmt(readUnits / MILLION)}M RRU, ${fmt(writeUnits / MILLION)}M WRU`,
    formula,
  };
}

function breakdown(
  name: string,
  inputs: CostInputs,
  lines: CostLine[],
  extra: Pick<CostBreakdown, "influx"> = {},
): CostBreakdown {
  const total = lines.reduce((sum, line) => sum + line.usd, 0);
  return {
    name,
    store: storeOf(inputs),
    lines,
    total,
    perMillion: total / volumes(inputs).millions,
    ...extra,
  };
}

const storeOf = (inputs: CostInputs): SeriesStoreChoice => inputs.store ?? "influxdb";

/** What the InfluxDB instance must take: lines a second (one per sample) and series (one per device and field). */
export function influxLoad(inputs: CostInputs, counts: ReturnType<typeof perMessage>) {
  return {
    linesPerSecond: volumes(inputs).messageRate * counts.influxLines,
    series: inputs.devices * inputs.metrics,
  };
}

/** Concurrent ingest containers: one per message in flight (direct) or one per shard (stream). */
/**
 * The functions' registry reads that do not follow messages: every container of ingest and evaluate
 * reads the revision item once a minute (1 RRU, strongly consistent) and, once per start, each device
 * it sees (a shard's things in stream mode, any thing in direct mode). The stream consumer's own
 * device reads are measured (`perMessage`); this prices ingest's, and both functions' in direct mode.
 */
function registryCheckReadUnits(inputs: CostInputs): number {
  const startsPerHour = 60 / ASSUMPTIONS.containerLifetimeMinutes;
  const containers = ingestContainers(inputs);
  if (inputs.ingestion === "stream") {
    const thingsPerShard = inputs.devices / streamBatch(inputs).shards;
    return (2 * containers * 60 + containers * startsPerHour * thingsPerShard) * HOURS_PER_MONTH;
  }
  return 2 * containers * (60 + startsPerHour * inputs.devices) * HOURS_PER_MONTH;
}

function ingestContainers(inputs: CostInputs): number {
  if (inputs.ingestion === "stream") return streamBatch(inputs).shards;
  return Math.max(1, Math.ceil((volumes(inputs).messageRate * ASSUMPTIONS.directIngestMs) / 1000));
}

/** The InfluxDB store: the instance sized for the load, storage for the retention, the VPC's endpoints and the token. */
function influxLines(
  inputs: CostInputs,
  counts: ReturnType<typeof perMessage>,
): {
  lines: CostLine[];
  sizing: NonNullable<CostBreakdown["influx"]>;
} {
  const settings = inputs.influx ?? DEFAULT_INFLUX_SETTINGS;
  const load = influxLoad(inputs, counts);
  const sizing = sizeInfluxInstance(load, settings.instanceClass);
  const multiAz = settings.deployment === "multi-az" ? ASSUMPTIONS.influxMultiAzFactor : 1;
  const bytesPerDay = load.linesPerSecond * 86_400 * inputs.metrics * ASSUMPTIONS.influxBytesPerValue;
  const storageGib = influxStorageGib(bytesPerDay, settings.retentionDays, settings.storageType);
  const endpointHours = ASSUMPTIONS.interfaceEndpoints * ASSUMPTIONS.endpointAzs * HOURS_PER_MONTH;
  const containers = ingestContainers(inputs) + ASSUMPTIONS.apiContainers;
  const secretCalls = containers * HOURS_PER_MONTH * (60 / ASSUMPTIONS.containerLifetimeMinutes);
  const endpointGb = (secretCalls * ASSUMPTIONS.secretCallBytes) / GB;
  const fitNote = sizing.fits
    ? ""
    : sizing.chosen === "forced"
      ? "; TOO SMALL for this load"
      : "; beyond what one InfluxDB 2 instance is sized for";
  return {
    sizing: { ...sizing, ...load, storageGib },
    lines: [
      {
        service: "InfluxDB instance",
        usd: HOURS_PER_MONTH * influxInstanceHourUsd(sizing.instanceClass) * multiAz,
        units: `${sizing.instanceClass}, ${settings.deployment}, ${HOURS_PER_MONTH} h`,
        formula: `${sizing.chosen === "forced" ? "forced (--influx-class)" : "smallest class sized for"} ${fmt(load.linesPerSecond)} lines/s and ${fmt(load.series)} series${sizing.extrapolated ? " (capacity extrapolated by vCPUs)" : ""}${fitNote}${multiAz > 1 ? "; standby billed too" : ""}`,
      },
      {
        service: "InfluxDB storage",
        usd: storageGib * influxStorageGbMonthUsd(settings.storageType) * multiAz,
        units: `${fmt(storageGib)} GiB ${settings.storageType}`,
        formula: `${fmt(inputs.metrics)} values per line × ${ASSUMPTIONS.influxBytesPerValue} B (TSM, assumed) × ${settings.retentionDays} d retention (once full), at least the type's minimum`,
      },
      {
        service: "VPC endpoints",
        usd:
          endpointHours * PRICES.vpcInterfaceEndpointHour.usd +
          usd(endpointGb, PRICES.vpcEndpointGbProcessed),
        units: `${fmt(endpointHours)} endpoint-AZ-hours, ${fmt(endpointGb)} GB`,
        formula: `${ASSUMPTIONS.interfaceEndpoints} interface endpoints (Secrets Manager, EventBridge) in ${ASSUMPTIONS.endpointAzs} AZs; DynamoDB and S3 gateway endpoints are free`,
      },
      {
        service: "Secrets Manager",
        usd:
          PRICES.secretsManagerSecretMonth.usd + (secretCalls / 10_000) * PRICES.secretsManagerApiCalls.usd,
        units: `1 secret, ${fmt(secretCalls)} GetSecretValue`,
        formula: `the token, read once per cold start: ${containers} warm container(s) (ingest, api), each assumed to live ${ASSUMPTIONS.containerLifetimeMinutes} min`,
      },
    ],
  };
}

/** What one Kinesis shard takes in: 1,000 records and 1 MiB a second. */
export const SHARD_LIMITS = { recordsPerSecond: 1_000, bytesPerSecond: 1_048_576 } as const;

/** The fewest shards that take `recordsPerSecond` of `recordBytes` each, using `usable` of each shard's limits. */
export function shardsFor(recordsPerSecond: number, recordBytes: number, usable = 1): number {
  return Math.max(
    1,
    Math.ceil(
      Math.max(
        recordsPerSecond / (SHARD_LIMITS.recordsPerSecond * usable),
        (recordsPerSecond * recordBytes) / (SHARD_LIMITS.bytesPerSecond * usable),
      ),
    ),
  );
}

/** The stream's batches as the functions see them: full at `batchSize`, or cut by the window. */
export function streamBatch(inputs: CostInputs) {
  const { messageRate } = volumes(inputs);
  const recordBytes = Math.ceil((inputs.payloadBytes * 4) / 3) + ASSUMPTIONS.ruleOutputOverheadBytes;
  const neededShards = shardsFor(messageRate, recordBytes);
  const shards =
    inputs.kinesis === "on-demand"
      ? Math.max(ASSUMPTIONS.onDemandShards, neededShards)
      : (inputs.shards ?? neededShards);
  const perShardRate = messageRate / shards;
  const size = Math.max(1, Math.min(inputs.batchSize, perShardRate * (inputs.batchWindowMs / 1000)));
  return { shards, size, recordBytes, thingsPerShard: inputs.devices / shards };
}

/** How long (assumed) the ingest and evaluate functions take for one batch of `batch.size` records. */
export function streamInvocationMs(
  inputs: CostInputs,
  counts: ReturnType<typeof perMessage>,
  batch: Pick<ReturnType<typeof streamBatch>, "size" | "thingsPerShard">,
): { ingestMs: number; evaluateMs: number } {
  const requestsPerBatch =
    (storeOf(inputs) === "influxdb" ? counts.influxRequests : counts.timestreamRequests) * batch.size;
  return {
    ingestMs: ASSUMPTIONS.streamBaseMs + Math.ceil(requestsPerBatch / 4) * ASSUMPTIONS.timestreamRoundMs,
    evaluateMs:
      ASSUMPTIONS.streamBaseMs +
      Math.ceil(Math.min(batch.size, batch.thingsPerShard) / 8) * ASSUMPTIONS.alarmRoundMs,
  };
}

/** plantwatch as configured: the measured counts priced. */
export function plantwatchCost(inputs: CostInputs, profile: MeasuredProfile): CostBreakdown {
  const { messages, millions } = volumes(inputs);
  const counts = perMessage(profile);
  const transitions = monthlyTransitions(inputs, counts);
  const sweeps = HOURS_PER_MONTH * 60;
  const scanReadUnits = sweeps * Math.ceil((inputs.devices * profile.alarms.itemBytes) / 4096) * 0.5;
  const registryChecks = registryCheckReadUnits(inputs);
  const transitionWriteUnits = transitions * counts.writeUnitsPerTransition;
  const lines: CostLine[] = [];
  if (inputs.ingestion === "direct") {
    lines.push(...iotLines(inputs, 2, "Lambda ingest, Lambda evaluate"));
    lines.push(
      ...lambdaLines([
        ["ingest", messages, ASSUMPTIONS.directIngestMs],
        ["evaluate", messages, ASSUMPTIONS.directEvaluateMs],
        ["notify", transitions, ASSUMPTIONS.notifyMs],
        ["sweep", sweeps, ASSUMPTIONS.sweepMs],
      ]),
    );
  } else {
    const batch = streamBatch(inputs);
    const invocations = messages / batch.size;
    const { ingestMs, evaluateMs } = streamInvocationMs(inputs, counts, batch);
    lines.push(...iotLines(inputs, 1, "Kinesis"));
    lines.push(
      ...lambdaLines([
        ["ingest", invocations, ingestMs],
        ["evaluate", invocations, evaluateMs],
        ["notify", transitions, ASSUMPTIONS.notifyMs],
        ["sweep", sweeps, ASSUMPTIONS.sweepMs],
      ]),
    );
    const kilobytes = Math.ceil(batch.recordBytes / 1024);
    const gbIn = (messages * kilobytes * 1024) / GB;
    lines.push(
      inputs.kinesis === "on-demand"
        ? {
            service: "Kinesis",
            usd:
              HOURS_PER_MONTH * PRICES.kinesisOnDemandStreamHour.usd +
              usd(gbIn, PRICES.kinesisOnDemandGbIn) +
              usd(gbIn * 2, PRICES.kinesisOnDemandGbOut),
            units: `${fmt(gbIn)} GB in, ${fmt(gbIn * 2)} GB out`,
            formula: `on-demand: stream-hours + records rounded to 1 KB in + read by 2 consumers; batches of ${fmt(batch.size)}`,
          }
        : {
            service: "Kinesis",
            usd:
              batch.shards * HOURS_PER_MONTH * PRICES.kinesisShardHour.usd +
              usd(millions * Math.ceil(batch.recordBytes / 25_600), PRICES.kinesisPutPayloadUnits),
            units: `${batch.shards} shard(s), ${fmt(millions * Math.ceil(batch.recordBytes / 25_600))}M PUT units`,
            formula: `provisioned: shard-hours + 25 KB PUT payload units; batches of ${fmt(batch.size)}`,
          },
    );
  }
  if (inputs.ingestion === "stream") {
    // The stream consumer's shard checkpoint: a HEAD before and a PUT after every evaluate batch;
    // a GET per cold start (measured, per message).
    const batches = messages / streamBatch(inputs).size;
    const loads = (profile.checkpoints.loads / Math.max(1, profile.messages)) * messages;
    lines.push({
      service: "S3 checkpoints",
      usd:
        (batches / 1000) * PRICES.s3PutRequests.usd + ((batches + loads) / 1000) * PRICES.s3GetRequests.usd,
      units: `${fmt(batches / MILLION)}M PUT, ${fmt((batches + loads) / MILLION)}M HEAD/GET`,
      formula:
        "the stream consumer's shard checkpoint: a HEAD before and a PUT after each evaluate batch, a GET per cold start",
    });
  }
  let influx: CostBreakdown["influx"];
  if (storeOf(inputs) === "influxdb") {
    const series = influxLines(inputs, counts);
    influx = series.sizing;
    lines.push(...series.lines);
  } else {
    lines.push(
      ...timestreamLines(
        inputs,
        counts.timestreamWriteUnits,
        counts.storedBytes,
        `measured: ${fmt(counts.timestreamRequests)} WriteRecords and ${fmt(counts.timestreamWriteUnits)} write units per message (${fmt(counts.recordsPerRequest)} records per request)`,
      ),
    );
  }
  lines.push(
    dynamoLine(
      messages * counts.readUnits + scanReadUnits + registryChecks,
      messages * counts.writeUnits + transitionWriteUnits,
      `measured per message: ${fmt(counts.readUnits)} RRU, ${fmt(counts.writeUnits)} WRU (lastSeen ${fmt(counts.lastSeenWrites)}); ${fmt(counts.writeUnitsPerTransition)} WRU per transition; sweep scans once a minute; each container checks the registry's revision once a minute and reads its devices once per start`,
    ),
  );
  lines.push(...notificationLines(transitions, counts.billedEventsPerTransition));
  return breakdown(
    `plantwatch (${inputs.ingestion}${inputs.basicIngest ? ", Basic Ingest" : ""}, ${STORE_NAMES[storeOf(inputs)]})`,
    inputs,
    lines,
    influx === undefined ? {} : { influx },
  );
}

export const STORE_NAMES: Record<SeriesStoreChoice, string> = {
  liveanalytics: "Timestream for LiveAnalytics",
  influxdb: "Timestream for InfluxDB",
};

/** Anchor A: what a naive port of IoT Events does — a Lambda per message, one write per message. */
export function perMessageLambdaAnchor(inputs: CostInputs, profile: MeasuredProfile): CostBreakdown {
  const { messages } = volumes(inputs);
  const counts = perMessage(profile);
  const transitions = monthlyTransitions(inputs, counts);
  const itemWriteUnits = Math.max(1, Math.ceil(profile.alarms.itemBytes / 1024));
  const singleRecordUnits = Math.max(1, Math.ceil(counts.storedBytes / 1024));
  return breakdown("A: per-message Lambda + single writes", { ...inputs, store: "liveanalytics" }, [
    ...iotLines(inputs, 1, "Lambda"),
    ...lambdaLines([
      ["handler", messages, ASSUMPTIONS.directIngestMs + ASSUMPTIONS.directEvaluateMs],
      ["notify", transitions, ASSUMPTIONS.notifyMs],
    ]),
    ...timestreamLines(
      inputs,
      singleRecordUnits,
      counts.storedBytes,
      "one WriteRecords of one record per message",
    ),
    dynamoLine(
      messages,
      messages * itemWriteUnits + transitions,
      "one consistent read and one write of the state per message",
    ),
    ...notificationLines(transitions, 1),
  ]);
}

/** Anchor B: the rule writes Timestream itself (one single-measure record per metric); a Lambda per message alarms. */
export function ruleActionAnchor(inputs: CostInputs, profile: MeasuredProfile): CostBreakdown {
  const { messages } = volumes(inputs);
  const counts = perMessage(profile);
  const transitions = monthlyTransitions(inputs, counts);
  const itemWriteUnits = Math.max(1, Math.ceil(profile.alarms.itemBytes / 1024));
  // The Timestream rule action writes each metric as its own record, dimensions repeated in each.
  const metricBytes = (counts.storedBytes - 8) / Math.max(1, inputs.metrics);
  const bytesPerMessage = inputs.metrics * (8 + metricBytes + 8);
  return breakdown(
    "B: IoT rule Timestream action + Lambda for alarms",
    { ...inputs, store: "liveanalytics" },
    [
      ...iotLines(inputs, 2, "Timestream, Lambda"),
      ...lambdaLines([
        ["alarms", messages, ASSUMPTIONS.directEvaluateMs],
        ["notify", transitions, ASSUMPTIONS.notifyMs],
      ]),
      ...timestreamLines(
        inputs,
        Math.max(1, Math.ceil(bytesPerMessage / 1024)),
        bytesPerMessage,
        "the rule action: one request per message, one record per metric",
      ),
      dynamoLine(
        messages,
        messages * itemWriteUnits + transitions,
        "one consistent read and one write of the state per message",
      ),
      ...notificationLines(transitions, 1),
    ],
  );
}

/** The largest line and the setting that moves it. */
export function dominant(cost: CostBreakdown): { service: Service; share: number; lever: string } {
  const top = [...cost.lines].sort((a, b) => b.usd - a.usd)[0] as CostLine;
  return {
    service: top.service,
    share: cost.total === 0 ? 0 : top.usd / cost.total,
    lever: LEVERS[top.service],
  };
}

const LEVERS: Record<Service, string> = {
  "IoT connectivity":
    "fewer, longer-lived connections (a gateway per line) — connection-minutes, not messages",
  "IoT messaging": "--basic-ingest: publish to $aws/rules/<rule>/... (no broker charge)",
  "IoT rules and actions":
    "--ingestion stream (one Kinesis action instead of two Lambda actions), or batch samples in one message ({samples: [...]})",
  "Lambda requests": "--ingestion stream with a larger --batch-size and --batch-window",
  "Lambda duration": "--ingestion stream (one invocation per batch)",
  Kinesis: "--kinesis provisioned at steady load (shard-hours instead of per-GB)",
  "Timestream writes":
    "more records per WriteRecords request: --batch-window at least the device interval, or devices sending batches",
  "Timestream storage":
    "timestream.memoryRetentionHours (memory store is billed per GB-hour; 1 h is the minimum)",
  DynamoDB:
    "direct mode reads and writes the alarm state on every message: --ingestion stream keeps it in memory (written on durable changes only); the registry cache TTL bounds the registry reads",
  "S3 checkpoints": "a longer --batch-window: one checkpoint PUT per evaluate batch",
  EventBridge: "fewer transitions (hysteresis, `for`, `count` on noisy rules)",
  SNS: "fewer transitions, or webhooks instead of email/SMS",
  "InfluxDB instance":
    "a smaller class (--influx-class) if the load allows, Single-AZ outside production, or LiveAnalytics for small fleets (no instance floor)",
  "InfluxDB storage": "a shorter series.influxdb.retentionDays, or InfluxIOIncludedT1",
  "VPC endpoints": "fixed per endpoint and AZ: shared by every function in the VPC, flat with the fleet",
  "Secrets Manager": "fixed: one secret, read once per cold start",
};
