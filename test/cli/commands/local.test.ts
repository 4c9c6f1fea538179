import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type LocalCommandDependencies, localCommand } from "../../../cli/commands/local.ts";
import { type CliRun, runCli } from "../../support/cliHarness.ts";

function plantwatchLocal(
  args: readonly string[],
  dependencies: LocalCommandDependencies = {},
): Promise<CliRun> {
  return runCli((io) => localCommand(io, dependencies), args);
}

const root = mkdtempSync(join(tmpdir(), "plantwatch-local-command-"));
const freePorts = ["--mqtt-port", "0", "--mqtts-port", "0", "--http-port", "0"];

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("plantwatch local", () => {
  it("prints where everything is, and stops cleanly with exit code 0", async () => {
    const run = await plantwatchLocal(["--data-dir", join(root, "clean"), "--no-demo", ...freePorts], {
      untilStopped: async () => {},
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Dashboard +http:\/\/127\.0\.0\.1:\d+\//);
    expect(run.stdout).toMatch(/API \(C7\) +http:\/\/127\.0\.0\.1:\d+\/api/);
    expect(run.stdout).toMatch(/MQTT +mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toMatch(/MQTT, mTLS +mqtts:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toContain(join(root, "clean", "certs", "ca.pem"));
    expect(run.stdout).toContain("npx plantwatch alarms list --local");
    expect(run.stderr).toContain("Stopping");
  });

  it("says which port is taken and which flag moves it, with exit code 2", async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", () => resolve()));
    const port = (busy.address() as { port: number }).port;
    try {
      const run = await plantwatchLocal([
        ...["--data-dir", join(root, "busy"), "--no-demo", ...freePorts],
        ...["--mqtts-port", String(port)],
      ]);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`port ${port} (MQTT over mutual TLS) is already in use`);
      expect(run.stderr).toContain("--mqtts-port");
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
  });

  it("refuses a data directory that is not plantwatch's as a usage error, leaving it alone", async () => {
    const other = join(root, "thesis");
    mkdirSync(other);
    writeFileSync(join(other, "thesis.tex"), "precious");

    const run = await plantwatchLocal(["--data-dir", other, "--reset", "--no-demo", ...freePorts]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${other} is not a plantwatch data directory`);
    expect(run.stderr).toContain("not deleting it");
    expect(readFileSync(join(other, "thesis.tex"), "utf8")).toBe("precious");
  });

  it("refuses a port out of range as a usage error", async () => {
    const run = await plantwatchLocal(["--http-port", "70000"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("expected a port from 0 (any free port) to 65535");
  });

  it("refuses an unknown webhook format as a usage error, naming the known ones", async () => {
    const run = await plantwatchLocal(["--webhook", "discord=http://127.0.0.1:9000/x"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'unknown webhook format "discord": expected one of slack, teams, pagerduty, json',
    );
  });

  it("refuses a machine-model file with problems as a usage error, naming each with its path", async () => {
    const file = join(root, "bad-machines.yaml");
    writeFileSync(file, "version: 1\nshifts: ['06:10']\nmachines:\n  - match: {}\n    gapAfter: soon\n");
    const run = await plantwatchLocal(["--machines", file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("shifts.0: must be a quarter hour");
    expect(run.stderr).toContain("machines.0.gapAfter: must be a duration");
  });

  it("serves KPIs with the machine models of --machines", async () => {
    const file = join(root, "machines.yaml");
    writeFileSync(file, "version: 1\ntimeZone: Asia/Kolkata\nshifts: ['07:30', '19:30']\n");
    let answer: unknown;
    const run = await plantwatchLocal(
      ["--data-dir", join(root, "machines"), "--no-demo", ...freePorts, "--machines", file],
      {
        untilStopped: async (stack) => {
          answer = await (await fetch(`${stack.urls.api}/kpis?bucket=shift`)).json();
        },
      },
    );
    expect(run.code).toBe(0);
    expect(answer).toMatchObject({ timeZone: "Asia/Kolkata", shifts: ["07:30", "19:30"], bucket: "shift" });
  });

  it("names each webhook with its format at start, a bare URL as json", async () => {
    const run = await plantwatchLocal(
      [
        ...["--data-dir", join(root, "webhooks"), "--no-demo", ...freePorts],
        ...["--webhook", "slack=http://127.0.0.1:9000/x", "--webhook", "http://127.0.0.1:9000/hook"],
      ],
      { untilStopped: async () => {} },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Webhooks +slack=http:\/\/127\.0\.0\.1:9000\/x, json=http:\/\/127\.0\.0\.1:9000\/hook/,
    );
  });
});
