/**
 * The ingest function's CPU path without the network: event → message → parse + validate (C2) →
 * enrich → map to Timestream records → the WriteRecords request body as the SDK serializes it.
 * Measured against the same run's floor: a bare `JSON.parse` + iterate over the same payloads.
 */
import {
  TimestreamWriteClient,
  WriteRecords$,
  WriteRecordsCommand,
  type WriteRecordsCommandInput,
} from "@aws-sdk/client-timestream-write";
import { operation } from "@smithy/core/schema";
import { createIngest, type Ingest } from "../functions/ingest/createIngest.ts";
import { toReceivedMessage } from "../functions/ingest/toReceivedMessage.ts";
import { toWriteChunks } from "../shared/adapters/aws/timestreamRecords.ts";
import type { TelemetryRuleEvent } from "../shared/contracts/telemetryRule.ts";
import type { IngestReport } from "../shared/domain/ingest/ingestMessages.ts";
import { DEFAULT_TELEMETRY_LIMITS, type ReceivedMessage } from "../shared/domain/ingest/types.ts";
import type { DeviceRecord, DeviceRegistry } from "../shared/ports/deviceRegistry.ts";
import type { SeriesPoint, SeriesStore, SeriesWriteResult } from "../shared/ports/seriesStore.ts";
import { measure } from "./measure.ts";
import type { BenchProfile } from "./profile.ts";
import { BENCH_METRICS as METRICS, BENCH_T0 as T0 } from "./workload.ts";

export interface IngestCase {
  readonly name: string;
  /** Messages per invocation of the ingest use case (1 = direct mode, one message per invocation). */
  readonly messagesPerCall: number;
  readonly samplesPerMessage: number;
  readonly messagesPerSecond: number;
  readonly samplesPerSecond: number;
  readonly floorMessagesPerSecond: number;
  /** Path ÷ floor (goal ≥ 0.35). */
  readonly ratio: number;
  /** WriteRecords requests and records per message, as the run built them. */
  readonly requestsPerMessage: number;
  readonly recordsPerRequest: number;
  readonly bodyBytesPerMessage: number;
}

export interface IngestResults {
  readonly cases: readonly IngestCase[];
  /** Where the path's time goes, per WriteRecords request and per record (µs). */
  readonly serializer: {
    readonly sdkMicrosPerRequest1Record: number;
    readonly sdkMicrosPerRecord100: number;
    readonly jsonStringifyMicrosPerRecord100: number;
  };
}

const TARGET = { databaseName: "plantwatch", tableName: "telemetry" };

function metrics(seed: number): Record<string, number> {
  return Object.fromEntries(METRICS.map((name, i) => [name, Math.round((seed * 7 + i * 13) % 1000) / 4]));
}

function event(thingName: string, payload: unknown, receivedAt: number): TelemetryRuleEvent {
  return {
    thingName,
    clientId: thingName,
    receivedAt,
    payload: Buffer.from(JSON.stringify(payload)).toString("base64"),
  };
}

/** The SDK's own request serializer for WriteRecords (what its serialize middleware runs), no signing, no network. */
function sdkSerializer() {
  const client = new TimestreamWriteClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "bench" },
  });
  const config = client.config as unknown as {
    protocol: {
      serializeRequest(op: unknown, input: unknown, context: unknown): Promise<{ body: Uint8Array | string }>;
    };
  };
  // At run time the schema is [kind, namespace, name, traits, input, output]: the kind comes first.
  const [, ns, name, traits, input, output] = WriteRecords$ as unknown as [
    number,
    ...Parameters<typeof operation>,
  ];
  const op = operation(ns, name, traits, input, output);
  const context = {
    ...client.config,
    endpoint: async () => ({
      hostname: "ingest-cell1.timestream.eu-west-1.amazonaws.com",
      protocol: "https:",
      path: "/",
    }),
  };
  return {
    client,
    serialize: async (request: WriteRecordsCommandInput) =>
      (await config.protocol.serializeRequest(op, request, context)).body,
  };
}

const utf8 = new TextDecoder();
// The SDK's body is a Uint8Array subclass that warns when treated as a string; copy its bytes instead.
const toBytes = (body: Uint8Array | string) =>
  typeof body === "string" ? new TextEncoder().encode(body) : Uint8Array.prototype.slice.call(body);

/** Proves once that the bench serializes exactly what `client.send(new WriteRecordsCommand(...))` puts on the wire. */
async function assertSameBodyAsSend(
  serializer: ReturnType<typeof sdkSerializer>,
  input: WriteRecordsCommandInput,
): Promise<void> {
  let sent: unknown;
  const { client } = serializer;
  client.middlewareStack.add(
    () => async (args) => {
      sent = (args.request as { body: unknown }).body;
      return { output: { $metadata: {} }, response: {} } as never;
    },
    { step: "build", priority: "high", name: "benchCapture" },
  );
  await client.send(new WriteRecordsCommand(input));
  const ours = utf8.decode(toBytes(await serializer.serialize(input)));
  const theirs = utf8.decode(toBytes(sent as Uint8Array | string));
  if (ours !== theirs) throw new Error("bench serializer differs from the SDK's send path");
}

/** The Timestream adapter minus the network: chunks as the adapter cuts them, bodies as the SDK serializes them. */
class SerializingSeriesStore implements SeriesStore {
  requests = 0;
  records = 0;
  bytes = 0;
  constructor(
    private readonly serialize: (input: WriteRecordsCommandInput) => Promise<Uint8Array | string>,
  ) {}

  async write(points: readonly SeriesPoint[]): Promise<SeriesWriteResult> {
    for (const chunk of toWriteChunks(points, TARGET)) {
      const body = await this.serialize(chunk.input);
      this.requests++;
      this.records += chunk.input.Records?.length ?? 0;
      this.bytes += body.length;
    }
    return { rejected: [], unwritten: [], retries: 0 };
  }
}

const registry: DeviceRegistry = {
  get: async (thingName): Promise<DeviceRecord> => ({ thingName, site: "plant-1", line: "line-2" }),
  recordLastSeen: async () => {},
};

interface Workload {
  readonly name: string;
  readonly events: readonly TelemetryRuleEvent[];
  readonly messagesPerCall: number;
  readonly samplesPerMessage: number;
}

function workloads(messages: number): Workload[] {
  const single = (thing: (i: number) => string) =>
    Array.from({ length: messages }, (_, i) =>
      event(thing(i), { ts: T0 + i * 1_000, seq: i, metrics: metrics(i) }, T0 + i * 1_000 + 40),
    );
  const batches = Array.from({ length: Math.max(1, Math.round(messages / 100)) }, (_, b) =>
    event(
      `press-${b % 50}`,
      {
        samples: Array.from({ length: 100 }, (_, i) => ({
          ts: T0 + (b * 100 + i) * 100,
          metrics: metrics(b * 100 + i),
        })),
      },
      T0 + (b + 1) * 10_000,
    ),
  );
  return [
    {
      name: "8-metric message, 1 per call (direct)",
      events: single((i) => `oven-${i % 500}`),
      messagesPerCall: 1,
      samplesPerMessage: 1,
    },
    {
      name: "8-metric messages, 100 per call, 100 things (stream)",
      events: single((i) => `oven-${i % 500}`),
      messagesPerCall: 100,
      samplesPerMessage: 1,
    },
    {
      name: "8-metric messages, 100 per call, 1 thing (stream)",
      events: single(() => "oven-1"),
      messagesPerCall: 100,
      samplesPerMessage: 1,
    },
    {
      name: "100-sample batch message, 1 per call",
      events: batches,
      messagesPerCall: 1,
      samplesPerMessage: 100,
    },
  ];
}

/** Lambda's longest timeout: the store here never retries, so the deadline never matters. */
const INVOCATION = { remainingMs: 900_000 };

/** The ingest function's use case over `store`, on the bench's fixed clock. */
function ingestInto(store: SeriesStore): Ingest {
  return createIngest({
    registry,
    store,
    quarantine: { put: async () => {} },
    clock: { now: () => T0 + 3_600_000 },
    limits: DEFAULT_TELEMETRY_LIMITS,
  });
}

/** As the handler calls it: one message in direct mode, a batch in stream mode. */
async function invoke(ingest: Ingest, batch: readonly ReceivedMessage[]): Promise<IngestReport> {
  if (batch.length === 1) return ingest.message(batch[0] as ReceivedMessage, INVOCATION);
  return (await ingest.batch(batch, INVOCATION)).report;
}

export async function benchIngestPath(profile: BenchProfile): Promise<IngestResults> {
  const serializer = sdkSerializer();
  const cases: IngestCase[] = [];

  for (const workload of workloads(profile.ingestMessages)) {
    const texts = workload.events.map((e) => Buffer.from(e.payload, "base64").toString("utf8"));
    const ingest = ingestInto(new SerializingSeriesStore(serializer.serialize));
    const run = async () => {
      for (let start = 0; start < workload.events.length; start += workload.messagesPerCall) {
        const batch = workload.events
          .slice(start, start + workload.messagesPerCall)
          .map((e) => toReceivedMessage(e));
        const report = await invoke(ingest, batch);
        if (report.stored !== batch.length * workload.samplesPerMessage)
          throw new Error(`${workload.name}: not all stored`);
      }
    };
    // The floor touches every metric value of every sample, as any consumer must.
    let sink = 0;
    const floor = () => {
      for (const text of texts) {
        const json = JSON.parse(text) as {
          samples?: { metrics: Record<string, unknown> }[];
          metrics?: Record<string, unknown>;
        };
        for (const sample of json.samples ?? [json]) {
          for (const name in sample.metrics) if (sample.metrics[name] !== undefined) sink++;
        }
      }
    };

    const { path, floor: base } = await measure({ path: run, floor }, profile);
    if (sink < 0) throw new Error("unreachable");
    const messages = workload.events.length;
    const perSecond = (ms: number | undefined) => (messages / (ms as number)) * 1_000;
    const pathRate = perSecond(path);
    const floorRate = perSecond(base);

    // One clean pass for the request counts.
    const counted = new SerializingSeriesStore(serializer.serialize);
    const countedIngest = ingestInto(counted);
    for (let start = 0; start < messages; start += workload.messagesPerCall) {
      const batch = workload.events
        .slice(start, start + workload.messagesPerCall)
        .map((e) => toReceivedMessage(e));
      await invoke(countedIngest, batch);
    }
    cases.push({
      name: workload.name,
      messagesPerCall: workload.messagesPerCall,
      samplesPerMessage: workload.samplesPerMessage,
      messagesPerSecond: pathRate,
      samplesPerSecond: pathRate * workload.samplesPerMessage,
      floorMessagesPerSecond: floorRate,
      ratio: pathRate / floorRate,
      requestsPerMessage: counted.requests / messages,
      recordsPerRequest: counted.records / counted.requests,
      bodyBytesPerMessage: counted.bytes / messages,
    });
  }

  return { cases, serializer: await serializerCosts(serializer, profile) };
}

async function serializerCosts(serializer: ReturnType<typeof sdkSerializer>, profile: BenchProfile) {
  const points = (count: number): SeriesPoint[] =>
    Array.from({ length: count }, (_, i) => ({
      thingName: "oven-1",
      site: "plant-1",
      line: "line-2",
      time: T0 + i,
      version: T0,
      metrics: metrics(i),
      ref: { messageIndex: 0, sampleIndex: i },
    }));
  const one = toWriteChunks(points(1), TARGET)[0]?.input as WriteRecordsCommandInput;
  const hundred = toWriteChunks(points(100), TARGET)[0]?.input as WriteRecordsCommandInput;
  await assertSameBodyAsSend(serializer, hundred);
  const ms = await measure(
    {
      sdk1: () => serializer.serialize(one),
      sdk100: () => serializer.serialize(hundred),
      stringify100: () => JSON.stringify(hundred),
    },
    { ...profile, cpuTimeMs: profile.cpuTimeMs / 2 },
  );
  return {
    sdkMicrosPerRequest1Record: (ms.sdk1 as number) * 1_000,
    sdkMicrosPerRecord100: ((ms.sdk100 as number) * 1_000) / 100,
    jsonStringifyMicrosPerRecord100: ((ms.stringify100 as number) * 1_000) / 100,
  };
}
