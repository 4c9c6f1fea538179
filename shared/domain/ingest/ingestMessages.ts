import { groupBy } from "../../collections.ts";
import type { Clock } from "../../ports/clock.ts";
import type { DeviceRecord, DeviceRegistry } from "../../ports/deviceRegistry.ts";
import type { QuarantineStore } from "../../ports/quarantineStore.ts";
import type { SeriesPoint, SeriesStore } from "../../ports/seriesStore.ts";
import { parseTelemetry } from "./parseTelemetry.ts";
import type { QuarantineReason } from "./quarantineReason.ts";
import type { QuarantineEntry, ReceivedMessage, TelemetryLimits } from "./types.ts";

export interface IngestDependencies {
  readonly registry: DeviceRegistry;
  readonly store: SeriesStore;
  readonly quarantine: QuarantineStore;
  readonly clock: Clock;
  readonly limits: TelemetryLimits;
  /**
   * Whether ingest notes `lastSeen` in the registry (default true). Stream mode: false, the alarm
   * consumer is the one writer of a thing's state and keeps its last report (`lastTelemetryAt`).
   */
  readonly recordLastSeen?: boolean;
}

/** What happened to a batch: the C6 counts. */
export interface IngestReport {
  readonly messages: number;
  /** Samples written to the series store. */
  readonly stored: number;
  /** Quarantine entries by reason (a message, a sample or a single metric each). */
  readonly quarantined: Readonly<Partial<Record<QuarantineReason, number>>>;
  /** Store requests retried after throttling or server errors. */
  readonly retries: number;
  /** Samples the store could not take before the deadline: the batch must be retried. */
  readonly unwritten: number;
  readonly lastSeenFailures: number;
}

/** A message of the batch with samples the store could not take before the deadline. */
export interface UnwrittenSamples {
  /** The message's position in the batch. */
  readonly index: number;
  readonly samples: number;
}

export interface IngestOutcome {
  readonly report: IngestReport;
  /** In batch order: the messages to deliver again (the store write is idempotent, C6). */
  readonly unwritten: readonly UnwrittenSamples[];
}

/**
 * The telemetry path for a batch of messages (one from an IoT rule action, many from a stream):
 * parse, enrich from the registry, store, quarantine what cannot be stored, note `lastSeen`.
 *
 * Safe to run again on the same batch: the store write is idempotent (version = receive time) and
 * quarantine entries are content-addressed, so a retry after `unwritten > 0` duplicates nothing.
 */
export async function ingestMessages(
  messages: readonly ReceivedMessage[],
  deps: IngestDependencies,
  options: { readonly deadline: number },
): Promise<IngestOutcome> {
  const now = deps.clock.now();
  const quarantined: QuarantineEntry[] = [];
  const parsed = messages.map((message) => {
    const result = parseTelemetry(message, deps.limits, now);
    quarantined.push(...result.quarantined);
    return result;
  });

  const devices = await lookUpDevices(
    messages.filter((_, index) => (parsed[index]?.samples.length ?? 0) > 0).map((m) => m.thingName),
    deps.registry,
  );

  const points: SeriesPoint[] = [];
  parsed.forEach((result, messageIndex) => {
    const message = messages[messageIndex] as ReceivedMessage;
    const device = devices.get(message.thingName);
    for (const { sampleIndex, sample } of result.samples) {
      points.push({
        thingName: message.thingName,
        ...(device?.site === undefined ? {} : { site: device.site }),
        ...(device?.line === undefined ? {} : { line: device.line }),
        time: sample.time,
        version: message.receivedAt,
        metrics: sample.metrics,
        ref: { messageIndex, sampleIndex },
      });
    }
  });

  const written =
    points.length > 0 ? await deps.store.write(points, options) : { rejected: [], unwritten: [], retries: 0 };

  for (const { ref, reason } of written.rejected) {
    const message = messages[ref.messageIndex] as ReceivedMessage;
    quarantined.push(storeRejection(message, ref.sampleIndex, reason));
  }
  if (quarantined.length > 0) await deps.quarantine.put(quarantined);

  const lastSeen =
    deps.recordLastSeen === false
      ? []
      : await Promise.allSettled(
          [...latestReceipts(messages)].map(([thingName, at]) => deps.registry.recordLastSeen(thingName, at)),
        );

  const report = {
    messages: messages.length,
    stored: points.length - written.rejected.length - written.unwritten.length,
    quarantined: countByReason(quarantined),
    retries: written.retries,
    unwritten: written.unwritten.length,
    lastSeenFailures: lastSeen.filter((outcome) => outcome.status === "rejected").length,
  };
  const unwrittenByIndex = groupBy(written.unwritten, ({ messageIndex }) => messageIndex);
  const unwritten = [...unwrittenByIndex]
    .sort(([a], [b]) => a - b)
    .map(([index, samples]) => ({ index, samples: samples.length }));
  return { report, unwritten };
}

async function lookUpDevices(
  thingNames: readonly string[],
  registry: DeviceRegistry,
): Promise<Map<string, DeviceRecord | undefined>> {
  const unique = [...new Set(thingNames)];
  const records = await Promise.all(unique.map((thingName) => registry.get(thingName)));
  return new Map(unique.map((thingName, index) => [thingName, records[index]]));
}

function latestReceipts(messages: readonly ReceivedMessage[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const { thingName, receivedAt } of messages) {
    if (receivedAt > (latest.get(thingName) ?? Number.NEGATIVE_INFINITY)) latest.set(thingName, receivedAt);
  }
  return latest;
}

function storeRejection(message: ReceivedMessage, sampleIndex: number, reason: string): QuarantineEntry {
  return {
    reason: "store_rejected",
    detail: reason,
    thingName: message.thingName,
    receivedAt: message.receivedAt,
    ...(message.clientId === undefined ? {} : { clientId: message.clientId }),
    sampleIndex,
    // Only parsed (so UTF-8) messages reach the store.
    message: Buffer.from(message.payload).toString("utf8"),
    messageEncoding: "utf8",
  };
}

function countByReason(entries: readonly QuarantineEntry[]): Partial<Record<QuarantineReason, number>> {
  const counts: Partial<Record<QuarantineReason, number>> = {};
  for (const { reason } of entries) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}
