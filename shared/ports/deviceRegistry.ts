/** A registered device, as `plantwatch provision` writes it. */
export interface DeviceRecord {
  readonly thingName: string;
  readonly site?: string;
  readonly line?: string;
  readonly model?: string;
  /** Further attributes, e.g. alarm thresholds such as `maxTemp`. */
  readonly attributes?: Readonly<Record<string, string | number>>;
  readonly lastSeen?: number;
  /** False for a thing the local stack heard from that nobody provisioned; absent for a registered device. */
  readonly provisioned?: false;
}

export interface DeviceRegistry {
  /** The device, or undefined if it is not registered (not an error: telemetry is still stored). */
  get(thingName: string): Promise<DeviceRecord | undefined>;
  /** Notes that the thing was heard from at `at` (epoch ms). Implementations may coalesce writes. */
  recordLastSeen(thingName: string, at: number): Promise<void>;
}

/** Every registered device, for listings (the operator API); not cached. */
export interface DeviceCatalog {
  list(): Promise<readonly DeviceRecord[]>;
}
