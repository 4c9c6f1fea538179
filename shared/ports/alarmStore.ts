import type { ThingAlarms } from "../domain/alarms/alarmState.ts";
import type { HistoryRecord } from "../domain/alarms/history.ts";

export type CommitOutcome = "committed" | "conflict";

export interface AlarmStore {
  /** The thing's alarm document (strongly consistent), or undefined if it has none yet. */
  load(thingName: string): Promise<ThingAlarms | undefined>;
  /**
   * Writes `next` (version `expectedVersion + 1`, or 1 for a new document) only if the stored
   * version is still `expectedVersion` (no document when undefined). `conflict` means another
   * writer got there first: reload and evaluate again.
   */
  commit(next: ThingAlarms, expectedVersion: number | undefined): Promise<CommitOutcome>;
  /**
   * Removes delivered entries from the event and history outboxes and bumps the version, so a
   * writer holding an older copy reloads instead of writing them back.
   */
  clearOutbox(
    thingName: string,
    delivered: { readonly events: readonly string[]; readonly history: readonly string[] },
  ): Promise<void>;
  /** Writes history records; writing one again overwrites it (idempotent). */
  appendHistory(records: readonly HistoryRecord[]): Promise<void>;
  /** Every thing's document, for the sweep. */
  scan(): AsyncIterable<ThingAlarms>;
}
