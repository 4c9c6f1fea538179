import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimulateDependencies, simulateCommand } from "../../../cli/commands/simulate.ts";
import { parseTelemetry } from "../../../shared/domain/ingest/parseTelemetry.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../../shared/domain/ingest/types.ts";
import { SCENARIO_NAMES } from "../../../simulator/domain/scenarios.ts";
import { createPki, FAST_BACKOFF, type Pki } from "../../simulator/mqtt/fixtures.ts";
import { type AedesBroker, startAedes } from "../../support/brokers.ts";
import { type CliRun, runCli } from "../../support/cliHarness.ts";
import { type Pem, writePem } from "../../support/testCa.ts";
import { waitUntil } from "../../support/waitUntil.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Runs `plantwatch simulate ...` in this process. */
function plantwatchSimulate(
  args: readonly string[],
  dependencies: SimulateDependencies = {},
): Promise<CliRun> {
  return runCli((io) => simulateCommand(io, { backoff: FAST_BACKOFF, ...dependencies }), args);
}

/** A device folder as `plantwatch provision` writes it. */
function writeDeviceFolder(
  root: string,
  thingName: string,
  pem: Pem,
  caPem: string,
  settings: { port: number; attributes?: Record<string, string | number> },
): void {
  const folder = join(root, thingName);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "certificate.pem.crt"), pem.certificate);
  writeFileSync(join(folder, "private.pem.key"), pem.privateKey, { mode: 0o600 });
  writeFileSync(join(folder, "root-ca.pem"), caPem);
  writeFileSync(
    join(folder, "device.json"),
    JSON.stringify({
      version: 1,
      thingName,
      endpoint: "127.0.0.1",
      port: settings.port,
      certificate: "certificate.pem.crt",
      privateKey: "private.pem.key",
      caCertificate: "root-ca.pem",
      topicRoot: "dt/plantwatch",
      telemetryRuleName: "plantwatch_test_telemetry",
      attributes: settings.attributes ?? {},
    }),
  );
}

describe("plantwatch simulate", () => {
  let pki: Pki;
  let broker: AedesBroker;
  let client: { certificate: string; privateKey: string };
  let foreign: { certificate: string; privateKey: string };
  const received = (clientId: string) => broker.published.filter((message) => message.clientId === clientId);
  const tlsFlags = (pem: { certificate: string; privateKey: string }) => [
    ...["--endpoint", "127.0.0.1", "--port", String(broker.port)],
    ...["--ca", pki.brokerFiles.cafile, "--cert", pem.certificate, "--key", pem.privateKey],
  ];

  beforeAll(async () => {
    pki = await createPki();
    broker = await startAedes({
      ca: pki.ca.certificate,
      cert: pki.server.certificate,
      key: pki.server.privateKey,
    });
    client = writePem(pki.directory, "client", await pki.ca.issueClient("fleet"));
    foreign = writePem(pki.directory, "foreign", await pki.foreignCa.issueClient("fleet"));
  });
  afterAll(async () => {
    await broker.stop();
  });

  it("simulates the devices of a provisioning output folder, to their rule's Basic Ingest topic, with their own thresholds", async () => {
    const devices = mkdtempSync(join(tmpdir(), "plantwatch-devices-"));
    writeDeviceFolder(devices, "oven-1", await pki.ca.issueClient("oven-1"), pki.ca.certificate, {
      port: broker.port,
      attributes: { site: "plant-1", maxTemp: 300 },
    });
    writeDeviceFolder(devices, "oven-2", await pki.ca.issueClient("oven-2"), pki.ca.certificate, {
      port: broker.port,
    });

    const run = await plantwatchSimulate([
      ...["--from", devices, "--scenario", "overheat,normal", "--messages", "20", "--interval", "10ms"],
      ...["--seed", "9", "--basic-ingest", "--json"],
    ]);

    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      seed: 9,
      scenarios: ["normal", "overheat"],
      ticks: 20,
      allAcknowledged: true,
      totals: { sent: 40, acknowledged: 40, failed: 0 },
    });
    expect(summary.devices.map((device: { thingName: string; scenarios: string[] }) => device)).toMatchObject(
      [
        { thingName: "oven-1", scenarios: ["normal", "overheat"], connections: 1 },
        { thingName: "oven-2", scenarios: ["normal"], connections: 1 },
      ],
    );
    for (const thing of ["oven-1", "oven-2"]) {
      const messages = received(thing);
      expect(messages).toHaveLength(20);
      expect(new Set(messages.map(({ topic }) => topic))).toEqual(
        new Set([`$aws/rules/plantwatch_test_telemetry/dt/plantwatch/${thing}/telemetry`]),
      );
      for (const { payload } of messages) {
        const ts = JSON.parse(payload.toString()).ts as number;
        expect(
          parseTelemetry({ thingName: thing, receivedAt: ts, payload }, DEFAULT_TELEMETRY_LIMITS, ts)
            .quarantined,
        ).toEqual([]);
      }
    }
    const hottest = Math.max(
      ...received("oven-1").map(({ payload }) => JSON.parse(payload.toString()).metrics.temperature),
    );
    expect(hottest).toBeGreaterThan(300);
    expect(run.stderr).toContain("oven-1: overheat\n");
  });

  it("simulates n devices with one certificate and prints a table", async () => {
    const run = await plantwatchSimulate([
      ...["--devices", "2", "--prefix", "line", "--messages", "3", "--interval", "10ms", "--seed", "1"],
      ...tlsFlags(client),
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^DEVICE\s+SCENARIOS\s+SENT\s+ACKED\s+FAILED\s+CONNECTIONS\s+LAST ERROR$/m);
    expect(run.stdout).toMatch(/^line-001\s+normal\s+3\s+3\s+0\s+1\s+-$/m);
    expect(run.stdout).toMatch(/^line-002\s+normal\s+3\s+3\s+0\s+1\s+-$/m);
    expect(run.stdout).toContain("All 6 message(s) acknowledged. (seed 1, 3 tick(s) from ");
    expect(received("line-002").map(({ topic }) => topic)).toEqual(
      Array(3).fill("dt/plantwatch/line-002/telemetry"),
    );
  });

  it("exits 1 and says why when the broker refuses the certificate", async () => {
    const run = await plantwatchSimulate([
      ...[
        "--devices",
        "1",
        "--prefix",
        "rogue",
        "--messages",
        "3",
        "--interval",
        "10ms",
        "--drain-timeout",
        "200ms",
      ],
      ...tlsFlags(foreign),
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("rogue-001: the broker closed the connection before accepting it");
    expect(run.stdout).toMatch(/^rogue-001\s+normal\s+3\s+0\s+3\s+0\s+the broker closed/m);
    expect(run.stdout).toContain("3 of 3 message(s) not acknowledged.");
    expect(received("rogue-001")).toEqual([]);
  });

  it("stops on Ctrl-C, waits for the acknowledgements and reports", async () => {
    let interrupt: () => void = () => undefined;
    const running = plantwatchSimulate(
      ["--devices", "1", "--prefix", "ctrlc", "--interval", "10ms", "--seed", "2", ...tlsFlags(client)],
      {
        onInterrupt: (stop) => {
          interrupt = stop;
          return () => undefined;
        },
      },
    );

    await waitUntil(() => received("ctrlc-001").length >= 5);
    interrupt();
    const run = await running;

    expect(run.code).toBe(0);
    expect(run.stderr).toContain("Stopping: waiting for acknowledgements");
    expect(run.stdout).toMatch(
      /All \d+ message\(s\) acknowledged\. \(seed 2, \d+ tick\(s\) from .*, interrupted\)/,
    );
  });

  it("runs as the plantwatch command and stops cleanly on SIGINT", async () => {
    const child = spawn(
      process.execPath,
      [
        ...["--import", "tsx", "cli/bin.ts", "simulate", "--devices", "1", "--prefix", "child"],
        ...["--interval", "20ms", "--seed", "3", "--scenario", "normal,burst", ...tlsFlags(client)],
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

    try {
      await waitUntil(() => received("child-001").length >= 3);
    } finally {
      child.kill("SIGINT");
    }
    const code = await exited;

    expect({ code, stderr }).toMatchObject({ code: 0, stderr: expect.stringContaining("Stopping") });
    expect(stdout).toMatch(/^child-001\s+burst\s+(\d+)\s+\1\s+0\s+1\s+-$/m);
    expect(stdout).toContain(", interrupted)");
    const batch = JSON.parse(received("child-001")[0]?.payload.toString() ?? "{}");
    expect(batch.samples).toHaveLength(10);
  });

  it("lists every scenario in its help", async () => {
    const run = await plantwatchSimulate(["--help"]);

    expect(run.code).toBe(0);
    for (const name of SCENARIO_NAMES) expect(run.stdout).toContain(`  ${name} `);
  });

  describe("refuses bad usage with exit code 1", () => {
    const emptyFolder = mkdtempSync(join(tmpdir(), "plantwatch-empty-"));
    const brokenFolder = mkdtempSync(join(tmpdir(), "plantwatch-broken-"));
    mkdirSync(join(brokenFolder, "oven-9"));
    writeFileSync(
      join(brokenFolder, "oven-9", "device.json"),
      JSON.stringify({
        version: 1,
        thingName: "oven 9",
        endpoint: "x",
        certificate: "c",
        privateKey: "k",
        caCertificate: "a",
        topicRoot: "dt/plantwatch",
        telemetryRuleName: "r",
      }),
    );

    it.each([
      [
        "an unknown scenario",
        ["--scenario", "meltdown"],
        "unknown scenario meltdown; choose from normal, overheat",
      ],
      [
        "--devices over TLS without a certificate",
        ["--devices", "2"],
        "--devices over TLS needs --cert and --key",
      ],
      [
        "--devices with --from",
        ["--devices", "2", "--from", emptyFolder],
        "cannot be used with option '--devices <n>'",
      ],
      ["a folder without device.json", ["--from", emptyFolder], "no device.json in it or in its sub-folders"],
      ["a folder that does not exist", ["--from", join(emptyFolder, "missing")], "not a folder"],
      ["an invalid device.json", ["--from", brokenFolder], "oven-9/device.json: thingName:"],
      [
        "--cert with --from",
        ["--from", brokenFolder, "--cert", "x.pem"],
        "--cert/--key do not go with --from",
      ],
      [
        "--messages with --duration",
        ["--messages", "5", "--duration", "1m"],
        "cannot be used with option '--duration <duration>'",
      ],
      [
        "an interval that is not a duration",
        ["--interval", "fast"],
        "expected a duration like 10ms, 1s, 5m or 1h30m",
      ],
      ["zero devices", ["--devices", "0"], "expected a whole number from 1 to 100000"],
      [
        "--insecure-plain with --cert",
        ["--insecure-plain", "--cert", "x.pem"],
        "option '--insecure-plain' cannot be used with option '--cert <file>'",
      ],
      [
        "a topic root with a wildcard",
        ["--insecure-plain", "--topic-root", "dt/#"],
        'topic root "dt/#" must be',
      ],
    ])("%s", async (_, args, message) => {
      const run = await plantwatchSimulate(args);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
    });
  });
});
