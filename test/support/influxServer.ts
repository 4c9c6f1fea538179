import { type ChildProcess, execFile, spawn } from "node:child_process";
import { access, constants, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

/** Where scripts/install-influxdb.sh unpacks Debian's server; `INFLUXD` points elsewhere. */
const DEFAULT_INFLUXD = resolve(import.meta.dirname, "../../.tools/influxdb/usr/bin/influxd");

export interface LocalInflux {
  /** `http://127.0.0.1:{port}`: the HTTP API (`/ping`, `/write`, `/query`). */
  readonly url: string;
  /** The database created at start-up, what the adapters address as `db=`. */
  readonly database: string;
  /** Runs a read-only InfluxQL statement (GET) against `database` or another one; the parsed JSON answer. */
  query(influxQl: string, database?: string): Promise<InfluxQueryAnswer>;
  /** Runs a statement that changes something (`CREATE`, `DROP`, ...; POST), throwing InfluxDB's error. */
  execute(influxQl: string): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

export interface InfluxQueryAnswer {
  readonly results: readonly {
    readonly error?: string;
    readonly series?: readonly {
      readonly name: string;
      readonly columns: readonly string[];
      readonly values: readonly (readonly unknown[])[];
    }[];
  }[];
  readonly error?: string;
}

export interface LocalInfluxOptions {
  readonly database?: string;
  /** `[http] max-body-size` in bytes, so that a test can meet a real 413. @default 25000000 */
  readonly maxBodySize?: number;
}

/** The influxd binary is not there: the tests cannot run without it. */
export class InfluxdMissingError extends Error {
  constructor(path: string) {
    super(
      `influxd not found at ${path}: run \`bash scripts/install-influxdb.sh\` (or set INFLUXD to a 1.x influxd)`,
    );
    this.name = "InfluxdMissingError";
  }
}

/**
 * Debian's InfluxDB 1.6.7 on 127.0.0.1 and free ports, with meta, data and WAL in a temporary
 * directory and authentication off (1.6.7 does not understand `Authorization: Token`; the header is
 * ignored while auth is off). The config is `influxd config`'s own defaults with binds, directories
 * and noise switched; the database is created before this resolves.
 */
export async function startInflux(options: LocalInfluxOptions = {}): Promise<LocalInflux> {
  const binary = process.env.INFLUXD ?? DEFAULT_INFLUXD;
  try {
    await access(binary, constants.X_OK);
  } catch {
    throw new InfluxdMissingError(binary);
  }
  const database = options.database ?? "plantwatch";
  const dir = await mkdtemp(join(tmpdir(), "plantwatch-influx-"));
  const [httpPort, rpcPort] = await freePorts(2);
  const defaults = (await promisify(execFile)(binary, ["config"], { env: { ...process.env, HOME: dir } }))
    .stdout;
  const config = editConfig(defaults, {
    "": { "bind-address": `"127.0.0.1:${rpcPort}"`, "reporting-enabled": "false" },
    meta: { dir: `"${join(dir, "meta")}"` },
    data: { dir: `"${join(dir, "data")}"`, "wal-dir": `"${join(dir, "wal")}"`, "query-log-enabled": "false" },
    monitor: { "store-enabled": "false" },
    http: {
      "bind-address": `"127.0.0.1:${httpPort}"`,
      "auth-enabled": "false",
      "log-enabled": "false",
      "pprof-enabled": "false",
      "max-body-size": String(options.maxBodySize ?? 25_000_000),
    },
    logging: { level: '"warn"', "suppress-logo": "true" },
  });
  const configPath = join(dir, "influxdb.conf");
  await writeFile(configPath, config);

  const child = spawn(binary, ["run", "-config", configPath], {
    env: { ...process.env, HOME: dir },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    await terminate(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(url, child, () => stderr);
    await execute(url, `CREATE DATABASE "${database}"`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    database,
    query: (influxQl, other) => runQuery(url, other ?? database, influxQl, "GET"),
    execute: (influxQl) => execute(url, influxQl, database),
    stop,
  };
}

/** Sets `key = value` inside `[section]` ("" = the top level) of influxd's TOML, keeping the rest. */
function editConfig(toml: string, edits: Readonly<Record<string, Readonly<Record<string, string>>>>): string {
  let section = "";
  const pending = new Map(Object.entries(edits).map(([name, keys]) => [name, new Set(Object.keys(keys))]));
  const lines = toml.split("\n").map((line) => {
    const header = /^\s*\[{1,2}([^\]]+)\]{1,2}\s*$/.exec(line);
    if (header) {
      section = header[1] as string;
      return line;
    }
    const setting = /^(\s*)([A-Za-z0-9_-]+)\s*=/.exec(line);
    const value = setting ? edits[section]?.[setting[2] as string] : undefined;
    if (!setting || value === undefined) return line;
    pending.get(section)?.delete(setting[2] as string);
    return `${setting[1]}${setting[2]} = ${value}`;
  });
  const missing = [...pending].flatMap(([name, keys]) => [...keys].map((key) => `[${name}] ${key}`));
  if (missing.length > 0) throw new Error(`influxd config has no ${missing.join(", ")}`);
  return lines.join("\n");
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolvePort, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolvePort(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  return ports;
}

async function waitForPing(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const exited = new Promise<never>((_, reject) => {
    child.once("exit", (code, signal) =>
      reject(new Error(`influxd exited (${code ?? signal}) before answering /ping:\n${stderr()}`)),
    );
  });
  // Handled here so that the exit at stop() does not surface as an unhandled rejection.
  exited.catch(() => undefined);
  const pinged = (async () => {
    for (let attempt = 0; attempt < 300; attempt++) {
      try {
        const response = await fetch(`${url}/ping`);
        if (response.status === 204) return;
      } catch {
        // not listening yet
      }
      await new Promise((wake) => setTimeout(wake, 100));
    }
    throw new Error(`influxd did not answer /ping within 30 s:\n${stderr()}`);
  })();
  await Promise.race([pinged, exited]);
}

async function runQuery(
  url: string,
  database: string,
  influxQl: string,
  method: "GET" | "POST",
): Promise<InfluxQueryAnswer> {
  const target = new URL("/query", url);
  if (database !== "") target.searchParams.set("db", database);
  target.searchParams.set("epoch", "ms");
  target.searchParams.set("q", influxQl);
  const response = await fetch(target, { method });
  return (await response.json()) as InfluxQueryAnswer;
}

async function execute(url: string, influxQl: string, database = ""): Promise<void> {
  const answer = await runQuery(url, database, influxQl, "POST");
  const failure = answer.error ?? answer.results[0]?.error;
  if (failure) throw new Error(`${influxQl} failed: ${failure}`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(killer);
}
