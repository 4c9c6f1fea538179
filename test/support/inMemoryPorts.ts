import type { QuarantineEntry } from "../../shared/domain/ingest/types.ts";
import type { DeviceRecord, DeviceRegistry } from "../../shared/ports/deviceRegistry.ts";
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
