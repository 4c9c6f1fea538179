import { gzipSync } from "node:zlib";
import { createAlarmEngine, createStreamAlarmConsumer } from "../functions/commons/alarmEngine.ts";
import { createEvaluate, type Evaluate } from "../functions/evaluate/createEvaluate.ts";
import { createStreamEvaluate } from "../functions/evaluate/createStreamEvaluate.ts";
import { createIngest } from "../functions/ingest/createIngest.ts";
import { DEMO_SCENARIOS, DEMO_SETTINGS, demoDevices, demoRules } from "../local/demoFleet.ts";
import { DynamoDbAlarmStore } from "../shared/adapters/aws/dynamoDbAlarmStore.ts";
import { DynamoDbDeviceRegistry } from "../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import {
  MAX_RULES_REFRESH_MS,
  type RuleSnapshotReader,
} from "../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { EventBridgePublisher } from "../shared/adapters/aws/eventBridgePublisher.ts";
import { DEFAULT_BACKOFF } from "../shared/adapters/aws/retry.ts";
import { TimestreamSeriesStore } from "../shared/adapters/aws/timestreamSeriesStore.ts";
import { InfluxSeriesStore } from "../shared/adapters/influx/influxSeriesStore.ts";
import { type EngineReport, reportOrThrow } from "../shared/domain/alarms/alarmEngine.ts";
import { DEFAULT_TELEMETRY_LIMITS, type ReceivedMessage } from "../shared/domain/ingest/types.ts";
import { PlantwatchError } from "../shared/errors.ts";
import type { Clock } from "../shared/ports/clock.ts";
import type { SeriesPoint, SeriesStore, SeriesWriteResult } from "../shared/ports/seriesStore.ts";
import type { CheckpointedThing, ShardCheckpoints } from "../shared/ports/shardCheckpoints.ts";
import { createFleetSimulation } from "../simulator/domain/fleetSimulation.ts";
import {
  CountingDynamoDb,
  countingEventBridgeClient,
  countingInfluxFetch,
  countingTimestreamClient,
} from "./countingClients.ts";

/** How the simulated fleet reaches the functions. */
export interface ProfileShape {
  /** Simulated devices (the counts are per message, so a small fleet stands for a large one). */
  readonly devices: number;
  readonly intervalMs: number;
  /** Metrics per message: the simulator's seven, trimmed or padded with extra gauges. */
  readonly metrics: number;
  /** Messages per function invocation: 1 in direct mode, the stream batch otherwise. */
  readonly batchSize: number;
  /**
   * Warm containers a thing's messages are spread over: in direct mode any container may take any
   * message (each keeps its own registry cache), in stream mode a thing's shard always goes to one.
   */
  readonly containers: number;
  readonly lastSeenIntervalMs: number;
  readonly registryCacheTtlMs: number;
  /** Stream mode: alarms evaluated by the stream consumer (memory, shard checkpoints), not per message. */
  readonly stream?: boolean;
}

/** What the real code did, counted at the SDK clients, over the measured (second) half of the run. */
export interface MeasuredProfile {
  readonly shape: ProfileShape;
  readonly messages: number;
  readonly samples: number;
  readonly averagePayloadBytes: number;
  readonly timestream: {
    readonly requests: number;
    readonly records: number;
    readonly writeUnits: number;
    readonly storedBytes: number;
  };
  /** The same points through the InfluxDB adapter: HTTP `/write` requests and their lines. */
  readonly influx: {
    readonly requests: number;
    readonly lines: number;
    readonly bytes: number;
  };
  readonly registry: {
    /** Device lookups only: each container reads a device once after it starts (or the registry changed). */
    readonly readUnits: number;
    /** The containers' periodic checks of the registry's revision (priced per container, not per message). */
    readonly revisionReadUnits: number;
    readonly lastSeenWrites: number;
    readonly writeUnits: number;
  };
  readonly alarms: {
    readonly readUnits: number;
    readonly writes: number;
    readonly writeUnits: number;
    /** Of `writeUnits`: transitions' commits and outbox clears (priced per transition). */
    readonly transitionWriteUnits: number;
    readonly historyWriteUnits: number;
    /** Average alarm item size in bytes (for the sweep's scan and storage). */
    readonly itemBytes: number;
  };
  readonly events: {
    readonly putEventsRequests: number;
    readonly billedEvents: number;
    readonly transitions: number;
  };
  /** Stream mode: the consumer's shard checkpoints in S3 (HEAD and GET requests, PUTs, bytes put). */
  readonly checkpoints: {
    readonly heads: number;
    readonly loads: number;
    readonly saves: number;
    readonly bytes: number;
  };
}

/**
 * Stream mode restarts the consumer (a new container: its memory and caches gone, the shard's state
 * read back from the checkpoint and the store) every this much simulated time, so that the measured
 * half holds restarts. Lambda recycles a warm container far less often (the cost model assumes an
 * hour): the consumer's reads, which happen on a restart only, are measured here and priced at that
 * lifetime (`perMessage`).
 */
export const CONSUMER_LIFETIME_MS = 5 * 60_000;

/** The InfluxDB stand-in refused points the Timestream one took: the two stores' counts would not compare. */
export class MeasurementMismatchError extends PlantwatchError {
  readonly refused: number;

  constructor(refused: number) {
    super(
      `the InfluxDB adapter refused or left unwritten ${refused} point(s) that Timestream stored; the measurement is not comparable`,
    );
    this.name = "MeasurementMismatchError";
    this.refused = refused;
  }
}

/**
 * Both series stores behind one port, so a single run of the real ingest measures both: every batch
 * goes to each adapter unchanged, and the ingest sees the Timestream adapter's result (as before).
 */
class BothSeriesStores implements SeriesStore {
  constructor(
    private readonly primary: SeriesStore,
    private readonly secondary: SeriesStore,
  ) {}

  async write(
    points: readonly SeriesPoint[],
    options: { readonly deadline: number },
  ): Promise<SeriesWriteResult> {
    const [primary, secondary] = await Promise.all([
      this.primary.write(points, options),
      this.secondary.write(points, options),
    ]);
    const refused = secondary.rejected.length + secondary.unwritten.length;
    const primaryRefused = primary.rejected.length + primary.unwritten.length;
    if (refused > primaryRefused) throw new MeasurementMismatchError(refused - primaryRefused);
    return primary;
  }
}

const START = Date.UTC(2026, 10, 23, 6, 0, 0);
const DATABASE = { databaseName: "plantwatch", tableName: "telemetry" };
const INFLUX_URL = "http://influxdb.invalid:8086";
const TABLES = { registry: "registry", alarms: "alarms", history: "history" } as const;
/** A Lambda timeout, in simulated time: long enough that no write is cut short. */
const INVOCATION = { remainingMs: 60_000 };

/**
 * Runs the real ingest and alarm code (the functions' `createIngest`, `createAlarmEngine` and
 * `createEvaluate`, on the Timestream,
 * InfluxDB, DynamoDB and EventBridge adapters) over the demo fleet's messages, with SDK clients that answer
 * like AWS and count what AWS would bill. The first half of the run warms caches and fills items;
 * the second half is what is reported, per message. Deterministic: no wall clock, a fixed seed.
 */
export async function measureProfile(shape: ProfileShape): Promise<MeasuredProfile> {
  const dynamo = new CountingDynamoDb();
  const timestream = countingTimestreamClient();
  const influx = countingInfluxFetch();
  const eventBridge = countingEventBridgeClient();
  const now = { value: START };
  const clock: Clock = { now: () => now.value };
  const devices = demoDevices(shape.devices);
  for (const device of devices) dynamo.put(TABLES.registry, device.thingName, { ...device });
  const stored = demoRules().map((document) => ({ valid: true as const, id: document.id, document }));
  const rules: RuleSnapshotReader = { version: async () => "demo", list: async () => stored };
  // Deadlines are in simulated time, so the adapters must read the same clock.
  const backoff = { ...DEFAULT_BACKOFF, now: clock.now };
  const store = new BothSeriesStores(
    new TimestreamSeriesStore({ ...DATABASE, client: timestream.client, backoff }),
    new InfluxSeriesStore({
      connection: { url: INFLUX_URL, database: "plantwatch", token: async () => "t", fetch: influx.fetch },
      backoff,
    }),
  );
  const alarmStore = new DynamoDbAlarmStore({
    alarmsTableName: TABLES.alarms,
    historyTableName: TABLES.history,
    historyRetentionMs: 90 * 86_400_000,
    client: dynamo.client,
  });
  const publisher = new EventBridgePublisher({
    eventBusName: "plantwatch",
    client: eventBridge.client,
    backoff,
  });
  const registry = (lastSeenIntervalMs: number) =>
    new DynamoDbDeviceRegistry({
      tableName: TABLES.registry,
      cacheTtlMs: shape.registryCacheTtlMs,
      lastSeenIntervalMs,
      clock,
      client: dynamo.client,
    });
  const startContainer = () => {
    const alarmRegistry = registry(Number.MAX_SAFE_INTEGER);
    return {
      ingest: createIngest({
        registry: registry(shape.lastSeenIntervalMs),
        // Stream mode: the consumer keeps each thing's last report; ingest writes no lastSeen.
        recordLastSeen: shape.stream !== true,
        store,
        quarantine: { put: async () => {} },
        clock,
        limits: DEFAULT_TELEMETRY_LIMITS,
        wallClock: clock,
      }),
      evaluate: createEvaluate(
        createAlarmEngine({
          store: alarmStore,
          publisher,
          rules: { reader: rules, refreshMs: MAX_RULES_REFRESH_MS },
          registry: alarmRegistry,
          clock,
        }),
        { wallClock: clock },
      ),
    };
  };
  const containers = Array.from({ length: Math.max(1, shape.containers) }, startContainer);

  const checkpoints = countingCheckpoints();
  const streamConsumer = () =>
    createStreamEvaluate(
      createStreamAlarmConsumer({
        store: alarmStore,
        publisher,
        checkpoints,
        rules: { reader: rules, refreshMs: MAX_RULES_REFRESH_MS },
        registry: registry(Number.MAX_SAFE_INTEGER),
        clock,
      }),
      { wallClock: clock },
    );
  let stream = streamConsumer();
  let consumerStarted = START;
  let sequence = 0n;

  const batches = generateBatches(shape);
  const half = Math.floor(batches.length / 2);
  let transitions = 0;
  // Every counter now: the run's start, its measured half's start, its end.
  const counters = () =>
    snapshot(dynamo, timestream.counts, influx.counts, eventBridge.counts, transitions, checkpoints.counts);
  let baseline = counters();
  let messages = 0;
  let samples = 0;
  let payloadBytes = 0;
  for (const [index, { container, batch }] of batches.entries()) {
    if (index === half) baseline = counters();
    const last = batch[batch.length - 1] as ReceivedMessage;
    now.value = last.receivedAt;
    const worker = containers[container % containers.length] as (typeof containers)[number];
    const { report } = await worker.ingest.batch(batch, INVOCATION);
    if (shape.stream === true) {
      if (now.value - consumerStarted >= CONSUMER_LIFETIME_MS) {
        stream = streamConsumer();
        consumerStarted = now.value;
      }
      const records = batch.map((message) => ({
        sequenceNumber: String(49_000_000_000_000_000_000n + ++sequence),
        input: { kind: "telemetry" as const, message },
      }));
      const outcome = await stream.batch(SHARD, records, INVOCATION);
      if (outcome.failures[0] !== undefined) throw outcome.failures[0].error;
      transitions += outcome.report.transitions;
    } else {
      transitions += (await evaluateAsTheFunctionDoes(worker.evaluate, batch)).transitions;
    }
    if (index >= half) {
      messages += batch.length;
      samples += report.stored;
      payloadBytes += batch.reduce((total, message) => total + message.payload.byteLength, 0);
    }
  }
  const end = counters();
  const alarmItems = dynamo.tables.get(TABLES.alarms)?.size ?? 0;
  // What the measured half of the run cost: every counter's growth since the baseline.
  const counted = difference(end, baseline);
  return {
    shape,
    messages,
    samples,
    averagePayloadBytes: payloadBytes / Math.max(1, messages),
    timestream: counted.timestream,
    influx: counted.influx,
    registry: {
      readUnits: counted.registry.readUnits - counted.registry.revisionReadUnits,
      revisionReadUnits: counted.registry.revisionReadUnits,
      lastSeenWrites: counted.registry.writes,
      writeUnits: counted.registry.writeUnits,
    },
    alarms: {
      readUnits: counted.alarms.readUnits,
      writes: counted.alarms.writes,
      writeUnits: counted.alarms.writeUnits,
      transitionWriteUnits: counted.alarms.transitionWriteUnits,
      historyWriteUnits: counted.history.writeUnits,
      itemBytes: alarmItems === 0 ? 0 : dynamo.storedBytes(TABLES.alarms) / alarmItems,
    },
    events: {
      putEventsRequests: counted.events.requests,
      billedEvents: counted.events.billedEvents,
      transitions: counted.transitions,
    },
    checkpoints: counted.checkpoints,
  };
}

type Counters = { readonly [name: string]: number | Counters };

/** `end - start`, counter by counter, for counters of the same shape. */
function difference<T extends Counters>(end: T, start: T): T {
  return Object.fromEntries(
    Object.entries(end).map(([name, value]) => [
      name,
      typeof value === "number"
        ? value - (start[name] as number)
        : difference(value, start[name] as Counters),
    ]),
  ) as T;
}

const SHARD = "shardId-000000000000";

/** Shard checkpoints kept in memory, counting what S3 would bill: HEAD and GET requests, PUTs and their bytes. */
function countingCheckpoints(): ShardCheckpoints & {
  counts: { heads: number; loads: number; saves: number; bytes: number };
} {
  const saved = new Map<string, { tag: string; things: readonly CheckpointedThing[] }>();
  const counts = { heads: 0, loads: 0, saves: 0, bytes: 0 };
  let tags = 0;
  return {
    counts,
    latestTag: async (shardId) => {
      counts.heads++;
      return saved.get(shardId)?.tag;
    },
    load: async (shardId) => {
      counts.loads++;
      const checkpoint = saved.get(shardId);
      return checkpoint && structuredClone(checkpoint);
    },
    save: async (shardId, things, expectedTag) => {
      counts.saves++;
      counts.bytes += gzipSync(JSON.stringify({ format: 1, things })).byteLength;
      if (saved.get(shardId)?.tag !== expectedTag) return "conflict";
      const tag = String(++tags);
      saved.set(shardId, { tag, things: structuredClone(things) });
      return { tag };
    },
  };
}

/** One message as the direct-mode action delivers it, a stream batch thing by thing; a failure spoils the run. */
async function evaluateAsTheFunctionDoes(
  evaluate: Evaluate,
  batch: readonly ReceivedMessage[],
): Promise<EngineReport> {
  if (batch.length === 1) return evaluate.telemetry(batch[0] as ReceivedMessage, INVOCATION);
  return reportOrThrow(
    await evaluate.batch(
      batch.map((message) => ({ kind: "telemetry", message })),
      INVOCATION,
    ),
  );
}

function snapshot(
  dynamo: CountingDynamoDb,
  timestream: ReturnType<typeof countingTimestreamClient>["counts"],
  influx: ReturnType<typeof countingInfluxFetch>["counts"],
  events: ReturnType<typeof countingEventBridgeClient>["counts"],
  transitions: number,
  checkpoints: ReturnType<typeof countingCheckpoints>["counts"],
) {
  return {
    checkpoints: { ...checkpoints },
    timestream: { ...timestream },
    influx: { ...influx },
    registry: { ...dynamo.countsOf(TABLES.registry) },
    alarms: { ...dynamo.countsOf(TABLES.alarms) },
    history: { ...dynamo.countsOf(TABLES.history) },
    events: { ...events },
    transitions,
  };
}

/**
 * The demo fleet's messages in time order (the demo scenarios, at the given interval), long enough
 * for several lastSeen intervals and two scenario cycles, cut into invocations: one message each in
 * direct mode (spread over the containers in turn), consecutive runs of `batchSize` in stream mode
 * (one container: a shard's batches are handled in order).
 */
function generateBatches(shape: ProfileShape): { container: number; batch: ReceivedMessage[] }[] {
  const cycleMs = DEMO_SETTINGS.cycleMs ?? 240_000;
  const runMs = Math.max(2 * cycleMs, 4 * shape.lastSeenIntervalMs, 4 * shape.registryCacheTtlMs);
  const ticks = Math.max(24, Math.ceil(runMs / shape.intervalMs));
  const simulations = createFleetSimulation({
    things: demoDevices(shape.devices).map(({ thingName }) => ({ thingName })),
    scenarios: DEMO_SCENARIOS,
    seed: 7,
    startTime: START,
    intervalMs: shape.intervalMs,
    totalTicks: ticks,
    settings: DEMO_SETTINGS,
  });
  const messages: ReceivedMessage[] = [];
  for (let tick = 0; tick < ticks; tick++) {
    simulations.forEach((simulation, index) => {
      for (const action of simulation.step(tick).actions) {
        if (action.type !== "publish") continue;
        messages.push({
          thingName: simulation.thingName,
          // Devices spread over the interval, as a real fleet's clocks do.
          receivedAt:
            START + tick * shape.intervalMs + Math.floor((index * shape.intervalMs) / shape.devices),
          payload: withMetrics(action.payload, shape.metrics),
        });
      }
    });
  }
  const batches: { container: number; batch: ReceivedMessage[] }[] = [];
  const size = Math.max(1, shape.batchSize);
  for (let start = 0; start < messages.length; start += size) {
    const index = batches.length;
    // Direct mode: IoT invokes whichever container is free; in turn is the even spread.
    batches.push({ container: size === 1 ? index : 0, batch: messages.slice(start, start + size) });
  }
  return batches;
}

/** The simulator sends seven metrics; trim or pad (with plausible gauges) to the asked-for count. */
function withMetrics(payload: Uint8Array, count: number): Uint8Array {
  const message = JSON.parse(Buffer.from(payload).toString("utf8")) as {
    metrics?: Record<string, unknown>;
    samples?: { metrics: Record<string, unknown> }[];
  };
  const adjust = (metrics: Record<string, unknown>) => {
    const names = Object.keys(metrics);
    // Keep the alarm rules' metrics first, so trimming never hides what the rules evaluate.
    const keep = [
      "temperature",
      "oil_pressure",
      ...names.filter((name) => name !== "temperature" && name !== "oil_pressure"),
    ]
      .filter((name) => name in metrics)
      .slice(0, count);
    const adjusted: Record<string, unknown> = {};
    for (const name of keep) adjusted[name] = metrics[name];
    for (let extra = keep.length; extra < count; extra++)
      adjusted[`gauge_${extra}`] = 100 + extra + (extra % 7) / 10;
    return adjusted;
  };
  if (message.metrics) message.metrics = adjust(message.metrics);
  for (const sample of message.samples ?? []) sample.metrics = adjust(sample.metrics);
  return Buffer.from(JSON.stringify(message), "utf8");
}
