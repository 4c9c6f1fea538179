/** The registry fields that rules match on (C3 `match`); stored as fields, apart from the other attributes. */
export const MATCH_FIELDS = ["site", "line", "model"] as const;

/** A registry item as provisioning writes it (the ingest function adds `lastSeen`). */
export interface RegistryEntry {
  readonly thingName: string;
  readonly site?: string;
  readonly line?: string;
  readonly model?: string;
  readonly attributes: Readonly<Record<string, string | number>>;
}

/**
 * The registry table as provisioning writes it. `getEntry` is named apart from `DeviceRegistry.get`
 * because one adapter serves both ports and the two reads differ: this one is consistent and uncached.
 */
export interface DeviceRecordStore {
  /** The entry as stored now (a consistent read), or undefined if there is none. */
  getEntry(thingName: string): Promise<RegistryEntry | undefined>;
  /** Writes the entry, keeping `lastSeen`; returns what was there before (undefined if nothing). */
  put(entry: RegistryEntry): Promise<RegistryEntry | undefined>;
  /** Puts back what `put` returned: the previous entry, or no item at all. */
  restore(thingName: string, previous: RegistryEntry | undefined): Promise<void>;
  /** Deletes the item; true if there was one. */
  delete(thingName: string): Promise<boolean>;
}
