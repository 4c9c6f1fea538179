import type { QuarantineEntry } from "../domain/ingest/types.ts";

export interface QuarantineStore {
  /** Keeps the entries durably; writing the same entries again must not duplicate them. */
  put(entries: readonly QuarantineEntry[]): Promise<void>;
}
