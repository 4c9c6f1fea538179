import { createHash } from "node:crypto";
import { groupBy } from "../collections.ts";
import type { QuarantineEntry } from "../domain/ingest/types.ts";

/** One object (S3) or file (local) of quarantined entries: its key under the root and its content. */
export interface QuarantineObject {
  readonly key: string;
  readonly body: string;
}

/**
 * The quarantine layout both stores write (S3 in the ingest Lambda, files in the local stack):
 * one JSON Lines object per reason and day (UTC, of the receive time) under
 * `{prefix}reason={reason}/date={yyyy-mm-dd}/`, each line the entry with an ISO receive time,
 * keyed by a hash of its content, so a retried batch overwrites its own objects instead of adding copies.
 */
export function quarantineObjects(entries: readonly QuarantineEntry[], prefix: string): QuarantineObject[] {
  const lines = entries.map((entry) => {
    const receivedAt = new Date(entry.receivedAt).toISOString();
    const partition = `reason=${entry.reason}/date=${receivedAt.slice(0, 10)}`;
    return { partition, text: JSON.stringify({ ...entry, receivedAt }) };
  });
  return [...groupBy(lines, (line) => line.partition)].map(([partition, group]) => {
    const body = `${group.map((line) => line.text).join("\n")}\n`;
    const digest = createHash("sha256").update(body).digest("hex").slice(0, 32);
    return { key: `${prefix}${partition}/${digest}.jsonl`, body };
  });
}
