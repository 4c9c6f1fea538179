import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  DEVICE_CONFIG_FILE,
  type DeviceConfig,
  deviceConfigSchema,
} from "../../shared/contracts/deviceConfig.ts";
import { UsageError } from "../errors.ts";

/** A provisioned device as `plantwatch provision` left it: its `device.json`, with file paths made absolute. */
export interface DeviceFolder {
  readonly folder: string;
  readonly config: DeviceConfig;
  readonly certificateFile: string;
  readonly privateKeyFile: string;
  readonly caCertificateFile: string;
}

/**
 * The devices of a provisioning output folder: `path` itself when it holds a `device.json`,
 * otherwise each sub-folder that does, in name order. Every problem is reported, not just the first.
 */
export async function loadDeviceFolders(
  path: string,
  readText: (file: string) => Promise<string>,
): Promise<readonly DeviceFolder[]> {
  const root = resolve(path);
  if (!(await isDirectory(root))) throw new UsageError(`--from ${path}: not a folder`);
  const folders = (await exists(join(root, DEVICE_CONFIG_FILE))) ? [root] : await subfoldersWithConfig(root);
  if (folders.length === 0) {
    throw new UsageError(
      `--from ${path}: no ${DEVICE_CONFIG_FILE} in it or in its sub-folders (the output of plantwatch provision)`,
    );
  }
  const problems: string[] = [];
  const devices: DeviceFolder[] = [];
  for (const folder of folders) {
    const file = join(folder, DEVICE_CONFIG_FILE);
    let json: unknown;
    try {
      json = JSON.parse(await readText(file));
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    const parsed = deviceConfigSchema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`${file}: ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
      }
      continue;
    }
    const config = parsed.data;
    const device = {
      folder,
      config,
      certificateFile: resolve(folder, config.certificate),
      privateKeyFile: resolve(folder, config.privateKey),
      caCertificateFile: resolve(folder, config.caCertificate),
    };
    for (const [field, pemFile] of [
      ["certificate", device.certificateFile],
      ["privateKey", device.privateKeyFile],
      ["caCertificate", device.caCertificateFile],
    ] as const) {
      if (!(await exists(pemFile))) problems.push(`${file}: ${field}: ${pemFile} does not exist`);
    }
    devices.push(device);
  }
  const names = devices.map((device) => device.config.thingName);
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  for (const name of new Set(repeated)) problems.push(`thing ${name} appears in more than one folder`);
  if (problems.length > 0) {
    throw new UsageError(`--from ${path}: ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  }
  return devices;
}

async function subfoldersWithConfig(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const folders: string[] = [];
  for (const entry of entries
    .filter((each) => each.isDirectory())
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const folder = join(root, entry.name);
    if (await exists(join(folder, DEVICE_CONFIG_FILE))) folders.push(folder);
  }
  return folders;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}
