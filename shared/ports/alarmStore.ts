import type { ThingAlarms } from "../domain/alarms/alarmState.ts";
import type { HistoryEntry } from "../domain/alarms/history.ts";

export type CommitOutcome = "committed" | "conflict";

export interface AlarmStore {
  /** The thing's alarm document, or undefined if it has none yet. */
  load(thingName: string): Promise<ThingAlarms | undefined>;
  /**
   * Writes `next` (whose version is `expectedVersion + 1`, or 1 for a new document) only if the
   * stored version is still `expectedVersion` (absent for a new document), together with its
   * history entries, atomically. `conflict` means another writer got there first: reload and redo.
   */
  commit(
    next: ThingAlarms,
    expectedVersion: number | undefined,
    history: readonly HistoryEntry[],
  ): Promise<CommitOutcome>;
  /** Removes published events from the outbox and bumps the version, so stale readers reload. */
  clearOutbox(thingName: string, eventKeys: readonly string[]): Promise<void>;
  /** Entries that need no state change (late samples); idempotent. */
  appendHistory(entries: readonly HistoryEntry[]): Promise<void>;
  /** Every thing's document, for the sweep. */
  scan(): AsyncIterable<ThingAlarms>;
}
