import { chmod, lstat, mkdir, readFile, rmdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DEVICE_CONFIG_FILE, type DeviceConfig } from "../shared/contracts/deviceConfig.ts";
import { certificateIdOf, keyMatchesCertificate, shortId } from "./credentials.ts";
import { allAttributes, type DeviceSpec } from "./domain/deviceSpec.ts";
import type { UndoStack } from "./domain/undoStack.ts";

/** The files of a device's output folder `<out>/<thingName>/`. */
export const DEVICE_FILES = {
  certificate: "certificate.pem.crt",
  privateKey: "private.pem.key",
  caCertificate: "AmazonRootCA1.pem",
  config: DEVICE_CONFIG_FILE,
} as const;

export const PRIVATE_KEY_MODE = 0o600;

/** `device.json`: where the device connects, with which files (relative paths), and its attributes. */
export function deviceConfigOf(
  spec: DeviceSpec,
  deployment: {
    readonly dataEndpoint: string;
    readonly topicRoot: string;
    readonly telemetryRuleName: string;
  },
): DeviceConfig {
  return {
    version: 1,
    thingName: spec.thingName,
    endpoint: deployment.dataEndpoint,
    port: 8883,
    certificate: DEVICE_FILES.certificate,
    privateKey: DEVICE_FILES.privateKey,
    caCertificate: DEVICE_FILES.caCertificate,
    topicRoot: deployment.topicRoot,
    telemetryRuleName: deployment.telemetryRuleName,
    attributes: allAttributes(spec),
  };
}

export type FolderCredentials =
  | { readonly kind: "none" }
  | {
      readonly kind: "complete";
      readonly certificatePem: string;
      readonly certificateId: string;
      /** Permission bits of the private key file. */
      readonly privateKeyMode: number;
    }
  | { readonly kind: "broken"; readonly problem: string };

/** The certificate and key a folder holds: none, a matching pair, or something unusable. */
export async function readCredentials(folder: string): Promise<FolderCredentials> {
  const certificatePem = await readIfExists(join(folder, DEVICE_FILES.certificate));
  const privateKeyPem = await readIfExists(join(folder, DEVICE_FILES.privateKey));
  if (certificatePem === undefined && privateKeyPem === undefined) return { kind: "none" };
  if (certificatePem === undefined || privateKeyPem === undefined) {
    const [has, lacks] =
      certificatePem === undefined
        ? [DEVICE_FILES.privateKey, DEVICE_FILES.certificate]
        : [DEVICE_FILES.certificate, DEVICE_FILES.privateKey];
    return { kind: "broken", problem: `${folder} has ${has} but no ${lacks}` };
  }
  let certificateId: string;
  try {
    certificateId = certificateIdOf(certificatePem);
  } catch {
    return { kind: "broken", problem: `${join(folder, DEVICE_FILES.certificate)} is not a PEM certificate` };
  }
  if (!keyMatchesCertificate(privateKeyPem, certificatePem)) {
    return {
      kind: "broken",
      problem: `${join(folder, DEVICE_FILES.privateKey)} is not the key of certificate ${shortId(certificateId)}`,
    };
  }
  const { mode } = await lstat(join(folder, DEVICE_FILES.privateKey));
  return { kind: "complete", certificatePem, certificateId, privateKeyMode: mode & 0o777 };
}

/** Writes a device's files, registering how to undo each write with the run's undo stack. */
export class FolderWriter {
  readonly folder: string;
  readonly #undo: UndoStack;

  constructor(folder: string, undo: UndoStack) {
    this.folder = folder;
    this.#undo = undo;
  }

  /** Creates the folder (owner-only: it holds a private key) unless it exists. */
  async prepare(): Promise<void> {
    if ((await readIfExists(this.folder, true)) !== undefined) return;
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    this.#undo.push(`removed ${this.folder}`, () => rmdir(this.folder));
  }

  /** Writes a file that must not exist yet (credentials are never overwritten). */
  async create(file: string, content: string, mode = 0o644): Promise<void> {
    const path = join(this.folder, file);
    await writeFile(path, content, { flag: "wx", mode });
    this.#undo.push(`removed ${path}`, () => unlink(path));
  }

  /** Makes the file hold `content`; false if it already did. An overwrite is undone by the old text. */
  async ensure(file: string, content: string, mode = 0o644): Promise<boolean> {
    const path = join(this.folder, file);
    const before = await readIfExists(path);
    if (before === content) return false;
    await writeFile(path, content, { mode });
    this.#undo.push(
      before === undefined ? `removed ${path}` : `restored ${path}`,
      before === undefined ? () => unlink(path) : () => writeFile(path, before),
    );
    return true;
  }

  /** Narrows the private key's permissions to 0600; false if they were already. */
  async protectKey(mode: number): Promise<boolean> {
    if ((mode & 0o077) === 0) return false;
    await chmod(join(this.folder, DEVICE_FILES.privateKey), PRIVATE_KEY_MODE);
    return true;
  }
}

/** Deletes a device's files (only those plantwatch writes), then the folder if it is empty. */
export async function removeDeviceFiles(folder: string): Promise<string[]> {
  const removed: string[] = [];
  for (const file of Object.values(DEVICE_FILES)) {
    try {
      await unlink(join(folder, file));
      removed.push(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  try {
    await rmdir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
  }
  return removed;
}

async function readIfExists(path: string, directory = false): Promise<string | undefined> {
  try {
    if (directory) return (await lstat(path)).isDirectory() ? path : undefined;
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
