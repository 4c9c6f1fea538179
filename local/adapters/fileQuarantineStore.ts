import { randomUUID } from "node:crypto";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { quarantineObjects } from "../../shared/adapters/quarantineObjects.ts";
import { QUARANTINE_PREFIX } from "../../shared/contracts/storageLayout.ts";
import { QUARANTINE_REASONS } from "../../shared/domain/ingest/quarantineReason.ts";
import type { QuarantineEntry } from "../../shared/domain/ingest/types.ts";
import type { QuarantineStore } from "../../shared/ports/quarantineStore.ts";

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

const PARTITION = /^reason=([a-z_]+)$/;
const DATE = /^date=(\d{4}-\d{2}-\d{2})$/;

/**
 * The quarantine of the embedded stack: the S3 quarantine's layout (`quarantineObjects`) as files,
 * `{directory}/quarantine/reason={reason}/date={yyyy-mm-dd}/{sha256}.jsonl`, so the same tools read
 * both. Each file appears whole (written aside, then renamed).
 */
export class FileQuarantineStore implements QuarantineStore {
  readonly #directory: string;
  readonly #prefix: string;

  constructor(options: FileQuarantineStoreOptions) {
    this.#directory = options.directory;
    this.#prefix = options.prefix ?? QUARANTINE_PREFIX;
  }

  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    checkReasons(entries);
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

/** The reason becomes a directory name: only the known codes may. */
function checkReasons(entries: readonly QuarantineEntry[]): void {
  for (const { reason } of entries) {
    if (!(QUARANTINE_REASONS as readonly string[]).includes(reason)) {
      throw new RangeError(`unknown quarantine reason ${JSON.stringify(reason)}`);
    }
  }
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
