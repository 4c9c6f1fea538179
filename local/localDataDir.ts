import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ClassicLevel } from "classic-level";
import { DataDirInUseError, ForeignDataDirError } from "./errors.ts";

/** The file that marks a directory as the local stack's, so `--reset` never deletes anything else. */
export const DATA_DIR_MARKER = ".plantwatch-data";
export const DEFAULT_DATA_DIR = ".plantwatch";

/** Where the local stack keeps what survives a restart. */
export interface LocalDataLayout {
  readonly root: string;
  readonly certificates: string;
  readonly caCertificate: string;
  readonly caKey: string;
  readonly serverCertificate: string;
  readonly serverKey: string;
  /** `{thingName}.pem` and `{thingName}.key` per device. */
  readonly devices: string;
  /** dynalite's LevelDB: registry, rules, alarms, history, silences. */
  readonly dynamo: string;
  readonly seriesDb: string;
  /** The root `FileQuarantineStore` lays `quarantine/` out under. */
  readonly quarantineRoot: string;
}

export function dataLayout(directory: string): LocalDataLayout {
  const root = resolve(directory);
  const certificates = join(root, "certs");
  return {
    root,
    certificates,
    caCertificate: join(certificates, "ca.pem"),
    caKey: join(certificates, "ca.key"),
    serverCertificate: join(certificates, "server.pem"),
    serverKey: join(certificates, "server.key"),
    devices: join(certificates, "devices"),
    dynamo: join(root, "dynamodb"),
    seriesDb: join(root, "series.db"),
    quarantineRoot: root,
  };
}

/**
 * Refuses a data directory another local stack has open. The proof is the lock LevelDB itself holds
 * on dynalite's database while a stack runs (released by the OS when that process ends, so never
 * stale): opening it here fails with `LEVEL_LOCKED` exactly then.
 */
export async function assertDataDirFree(layout: LocalDataLayout): Promise<void> {
  // Only ours is opened: a directory without the marker is `prepareDataDir`'s to refuse, untouched.
  if (!existsSync(join(layout.root, DATA_DIR_MARKER)) || !existsSync(layout.dynamo)) return;
  const database = new ClassicLevel(layout.dynamo, { createIfMissing: false });
  try {
    await database.open();
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === "LEVEL_LOCKED") {
      throw new DataDirInUseError(layout.root, error);
    }
    // Anything else (a damaged database, say) is dynalite's to report when it opens it.
  } finally {
    await database.close();
  }
}

/**
 * Makes the data directory ready: wiped first with `reset` (only if it is a plantwatch data
 * directory), created and marked if new. A directory that holds other things is refused rather than
 * filled with ours.
 */
export function prepareDataDir(
  layout: LocalDataLayout,
  options: { readonly reset: boolean },
): { readonly fresh: boolean } {
  const exists = existsSync(layout.root);
  const marked = existsSync(join(layout.root, DATA_DIR_MARKER));
  const empty = exists && readdirSync(layout.root).length === 0;
  if (exists && !marked && !empty) {
    throw new ForeignDataDirError(
      layout.root,
      `${layout.root} is not a plantwatch data directory (it has no ${DATA_DIR_MARKER} file): ` +
        `${options.reset ? "not deleting it" : "not writing into it"}; choose another with --data-dir`,
    );
  }
  if (options.reset && exists) rmSync(layout.root, { recursive: true, force: true });
  const fresh = options.reset || !marked;
  mkdirSync(layout.devices, { recursive: true });
  if (fresh) {
    writeFileSync(
      join(layout.root, DATA_DIR_MARKER),
      `${JSON.stringify({ plantwatch: "local stack data", created: new Date().toISOString() })}\n`,
    );
  }
  return { fresh };
}

/** The marker's text, for a sanity check in tests and tools. */
export function readMarker(layout: LocalDataLayout): string | undefined {
  const path = join(layout.root, DATA_DIR_MARKER);
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}
