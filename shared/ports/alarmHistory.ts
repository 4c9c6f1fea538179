import type { HistoryEntry } from "../domain/alarms/history.ts";

export interface HistoryPage {
  /** Oldest first. */
  readonly entries: readonly HistoryEntry[];
  /** The sort key to continue after, when more entries may follow. */
  readonly last?: string;
}

/** An alarm's history (C4), page by page. */
export interface AlarmHistoryReader {
  history(alarmId: string, page: { readonly limit: number; readonly after?: string }): Promise<HistoryPage>;
}
