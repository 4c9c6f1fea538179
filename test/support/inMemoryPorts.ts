import type { AlarmEventDetail } from "../../shared/domain/alarms/alarmEvent.ts";
import type { ThingAlarms } from "../../shared/domain/alarms/alarmState.ts";
import type { HistoryRecord } from "../../shared/domain/alarms/history.ts";
import type { QuarantineEntry } from "../../shared/domain/ingest/types.ts";
import type { AlarmStore, CommitOutcome } from "../../shared/ports/alarmStore.ts";
import type { DeviceRecord, DeviceRegistry } from "../../shared/ports/deviceRegistry.ts";
import type { EventPublisher, PublishFailure, PublishResult } from "../../shared/ports/eventPublisher.ts";
import type { QuarantineStore } from "../../shared/ports/quarantineStore.ts";
import type { SeriesPoint, SeriesStore, SeriesWriteResult } from "../../shared/ports/seriesStore.ts";

/** Port implementations for domain tests: they keep what they are given and can be told to refuse. */
export class InMemoryDeviceRegistry implements DeviceRegistry {
  readonly lastSeen = new Map<string, number>();
  failLastSeen = false;

  constructor(private readonly devices: readonly DeviceRecord[] = []) {}

  async get(thingName: string): Promise<DeviceRecord | undefined> {
    return this.devices.find((device) => device.thingName === thingName);
  }

  async recordLastSeen(thingName: string, at: number): Promise<void> {
    if (this.failLastSeen) throw new Error("registry unavailable");
    this.lastSeen.set(thingName, at);
  }
}

export class InMemorySeriesStore implements SeriesStore {
  readonly points: SeriesPoint[] = [];
  /** Decides per point: stored, rejected with a reason, or left unwritten. */
  verdict: (point: SeriesPoint) => "store" | "unwritten" | { reject: string } = () => "store";

  async write(points: readonly SeriesPoint[]): Promise<SeriesWriteResult> {
    const rejected: { ref: SeriesPoint["ref"]; reason: string }[] = [];
    const unwritten: SeriesPoint["ref"][] = [];
    for (const point of points) {
      const verdict = this.verdict(point);
      if (verdict === "store") this.points.push(point);
      else if (verdict === "unwritten") unwritten.push(point.ref);
      else rejected.push({ ref: point.ref, reason: verdict.reject });
    }
    return { rejected, unwritten, retries: unwritten.length > 0 ? 3 : 0 };
  }
}

export class InMemoryQuarantineStore implements QuarantineStore {
  readonly batches: QuarantineEntry[][] = [];

  get entries(): QuarantineEntry[] {
    return this.batches.flat();
  }

  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    this.batches.push([...entries]);
  }
}

/** An alarm store with DynamoDB's conditional-write semantics, for engine tests. */
export class InMemoryAlarmStore implements AlarmStore {
  readonly docs = new Map<string, ThingAlarms>();
  readonly history = new Map<string, HistoryRecord>();
  commits = 0;
  conflicts = 0;

  async load(thingName: string): Promise<ThingAlarms | undefined> {
    return structuredClone(this.docs.get(thingName));
  }

  async commit(next: ThingAlarms, expectedVersion: number | undefined): Promise<CommitOutcome> {
    if (this.docs.get(next.thingName)?.version !== expectedVersion) {
      this.conflicts++;
      return "conflict";
    }
    this.docs.set(next.thingName, structuredClone(next));
    this.commits++;
    return "committed";
  }

  async clearOutbox(thingName: string, delivered: { events: readonly string[]; history: readonly string[] }) {
    const doc = this.docs.get(thingName);
    if (!doc) throw new Error(`no document for ${thingName}`);
    const outbox = { ...doc.outbox };
    const historyOutbox = { ...doc.historyOutbox };
    for (const key of delivered.events) delete outbox[key];
    for (const key of delivered.history) delete historyOutbox[key];
    this.docs.set(thingName, { ...doc, outbox, historyOutbox, version: doc.version + 1 });
  }

  async appendHistory(records: readonly HistoryRecord[]): Promise<void> {
    for (const record of records) this.history.set(`${record.entry.alarmId}|${record.sk}`, record);
  }

  async *scan(): AsyncIterable<ThingAlarms> {
    for (const doc of this.docs.values()) yield structuredClone(doc);
  }
}

/** Records what it publishes; `refuse` decides per detail whether this attempt fails. */
export class RecordingPublisher implements EventPublisher {
  readonly published: AlarmEventDetail[] = [];
  refuse: (detail: AlarmEventDetail) => false | { resendable: boolean } = () => false;

  async publish(details: readonly AlarmEventDetail[]): Promise<PublishResult> {
    const failures: PublishFailure[] = [];
    for (const detail of details) {
      const refusal = this.refuse(detail);
      if (refusal) failures.push({ detail, reason: "refused by the test", resendable: refusal.resendable });
      else this.published.push(detail);
    }
    return { failures, retries: 0 };
  }
}
