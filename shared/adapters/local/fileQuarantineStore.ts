import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { QUARANTINE_PREFIX } from "../../contracts/storageLayout.ts";
import { QUARANTINE_REASONS } from "../../domain/ingest/quarantineReason.ts";
import type { QuarantineEntry } from "../../domain/ingest/types.ts";
import type { QuarantineStore } from "../../ports/quarantineStore.ts";

export interface FileQuarantineStoreOptions {
  /** The root the quarantine keys are laid out under, e.g. `.plantwatch`. */
  readonly directory: string;
  /** @default "quarantine/" (as in the S3 bucket) */
  readonly prefix?: string;
}

/** One quarantine file, as `list()` finds it. */
export interface QuarantineFile {
  readonly reason: string;
  /** `yyyy-mm-dd` (UTC) of the entries' receive time. */
  readonly date: string;
  /** Absolute or relative as the store's directory was given. */
  readonly path: string;
}

/** One object (S3) or file (local) of quarantined entries: its key under the root and its content. */
export interface QuarantineObject {
  readonly key: string;
  readonly body: string;
}

const PARTITION = /^reason=([a-z_]+)$/;
const DATE = /^date=(\d{4}-\d{2}-\d{2})$/;

/**
 * The quarantine of the embedded stack: the S3 quarantine's layout as files, JSON Lines under
 * `{directory}/quarantine/reason={reason}/date={yyyy-mm-dd}/{sha256}.jsonl`, so the same tools read
 * both. Names are content hashes, so a retried batch overwrites its own files instead of adding copies;
 * each file appears whole (written aside, then renamed).
 */
export class FileQuarantineStore implements QuarantineStore {
  readonly #directory: string;
  readonly #prefix: string;

  constructor(options: FileQuarantineStoreOptions) {
    this.#directory = options.directory;
    this.#prefix = options.prefix ?? QUARANTINE_PREFIX;
  }

  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    await Promise.all(
      quarantineObjects(entries, this.#prefix).map(async ({ key, body }) => {
        const path = join(this.#directory, key);
        await mkdir(dirname(path), { recursive: true });
        const aside = `${path}.${randomUUID()}.tmp`;
        try {
          await writeFile(aside, body, "utf8");
          await rename(aside, path);
        } catch (error) {
          await rm(aside, { force: true });
          throw error;
        }
      }),
    );
  }

  /** Every quarantine file, oldest day first, then by reason. */
  async list(): Promise<QuarantineFile[]> {
    const root = join(this.#directory, this.#prefix);
    const files: QuarantineFile[] = [];
    for (const reasonDir of await subdirectories(root)) {
      const reason = PARTITION.exec(reasonDir)?.[1];
      if (reason === undefined) continue;
      for (const dateDir of await subdirectories(join(root, reasonDir))) {
        const date = DATE.exec(dateDir)?.[1];
        if (date === undefined) continue;
        const names = await readdir(join(root, reasonDir, dateDir));
        for (const name of names.filter((candidate) => candidate.endsWith(".jsonl")).sort()) {
          files.push({ reason, date, path: join(root, reasonDir, dateDir, name) });
        }
      }
    }
    return files.sort((a, b) => a.date.localeCompare(b.date) || a.reason.localeCompare(b.reason));
  }
}

/**
 * Groups entries into one JSON Lines object per reason and day (UTC, of the receive time), each line
 * the entry with an ISO receive time, keyed by a hash of its content.
 */
export function quarantineObjects(entries: readonly QuarantineEntry[], prefix: string): QuarantineObject[] {
  const partitions = new Map<string, string[]>();
  for (const entry of entries) {
    // The reason becomes a path segment: only the known codes may.
    if (!(QUARANTINE_REASONS as readonly string[]).includes(entry.reason)) {
      throw new RangeError(`unknown quarantine reason ${JSON.stringify(entry.reason)}`);
    }
    const receivedAt = new Date(entry.receivedAt).toISOString();
    const partition = `reason=${entry.reason}/date=${receivedAt.slice(0, 10)}`;
    const line = JSON.stringify({ ...entry, receivedAt });
    const lines = partitions.get(partition);
    if (lines) lines.push(line);
    else partitions.set(partition, [line]);
  }
  return [...partitions].map(([partition, lines]) => {
    const body = `${lines.join("\n")}\n`;
    const digest = createHash("sha256").update(body).digest("hex").slice(0, 32);
    return { key: `${prefix}${partition}/${digest}.jsonl`, body };
  });
}

async function subdirectories(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
