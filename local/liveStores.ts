import type { LiveEventSink } from "../shared/contracts/liveEvents.ts";
import type { QuarantineEntry } from "../shared/domain/ingest/types.ts";
import type { QuarantineStore } from "../shared/ports/quarantineStore.ts";
import type { SeriesPoint, SeriesStore, SeriesWriteResult } from "../shared/ports/seriesStore.ts";

/**
 * A series store that also tells the dashboard what it stored: one `telemetry` live event per thing
 * and write, with the samples the store took (not those it refused or did not get to).
 */
export class LiveSeriesStore implements SeriesStore {
  readonly #store: SeriesStore;
  readonly #live: LiveEventSink;

  constructor(store: SeriesStore, live: LiveEventSink) {
    this.#store = store;
    this.#live = live;
  }

  async write(
    points: readonly SeriesPoint[],
    options: { readonly deadline: number },
  ): Promise<SeriesWriteResult> {
    const result = await this.#store.write(points, options);
    const key = (ref: SeriesPoint["ref"]) => `${ref.messageIndex}:${ref.sampleIndex}`;
    const notStored = new Set([...result.rejected.map(({ ref }) => key(ref)), ...result.unwritten.map(key)]);
    const byThing = new Map<
      string,
      { receivedAt: number; samples: { time: number; metrics: SeriesPoint["metrics"] }[] }
    >();
    for (const point of points) {
      if (notStored.has(key(point.ref))) continue;
      const entry = byThing.get(point.thingName) ?? { receivedAt: point.version, samples: [] };
      entry.receivedAt = Math.max(entry.receivedAt, point.version);
      entry.samples.push({ time: point.time, metrics: point.metrics });
      byThing.set(point.thingName, entry);
    }
    for (const [thingName, { receivedAt, samples }] of byThing) {
      this.#live.publish({ type: "telemetry", thingName, receivedAt, samples });
    }
    return result;
  }
}

/** A quarantine store that reports each entry it kept: to the dashboard and to `onEntry` (the console). */
export class LiveQuarantineStore implements QuarantineStore {
  readonly #store: QuarantineStore;
  readonly #live: LiveEventSink;
  readonly #onEntry: ((entry: QuarantineEntry) => void) | undefined;

  constructor(store: QuarantineStore, live: LiveEventSink, onEntry?: (entry: QuarantineEntry) => void) {
    this.#store = store;
    this.#live = live;
    this.#onEntry = onEntry;
  }

  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    await this.#store.put(entries);
    for (const entry of entries) {
      this.#live.publish({
        type: "quarantine",
        ...(entry.thingName === "" ? {} : { thingName: entry.thingName }),
        reason: entry.reason,
        at: entry.receivedAt,
      });
      this.#onEntry?.(entry);
    }
  }
}
