import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { connectAsync, type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DataDirInUseError, ForeignDataDirError } from "../../local/errors.ts";
import type { BrokerRefusal } from "../../local/localBroker.ts";
import { DATA_DIR_MARKER } from "../../local/localDataDir.ts";
import { type LocalStack, type LocalStackReporter, startLocalStack } from "../../local/localStack.ts";
import type { LocalWebhook } from "../../local/localWebhookSink.ts";
import { checkAlarmEventDetail } from "../../shared/contracts/alarmEvent.ts";
import type { LiveEvent } from "../../shared/contracts/liveEvents.ts";
import { telemetryRuleName } from "../../shared/contracts/telemetryRule.ts";
import type { PlainAlarmEvent } from "../../shared/domain/notifications/plainJson.ts";
import { type LocalServer, startLocalServer } from "../support/localHttpServer.ts";

const run = promisify(execFile);
const RULE = {
  id: "oven-overheat",
  name: "Oven temperature too high",
  severity: "critical",
  match: { things: ["oven-*"] },
  kind: "threshold",
  metric: "temperature",
  condition: { op: ">", value: 250 },
  clear: { op: "<", value: 240 },
};
const BASIC_INGEST_RULE = telemetryRuleName("plantwatch-local");
const WAIT = { timeout: 10_000, interval: 50 };

interface Recorded {
  readonly refusals: BrokerRefusal[];
  readonly problems: string[];
  readonly alarms: string[];
}

function recordingReporter(): LocalStackReporter & Recorded {
  const recorded: Recorded = { refusals: [], problems: [], alarms: [] };
  return {
    ...recorded,
    notified: (message) => recorded.alarms.push(`${message.attributes.alarmId} ${message.attributes.state}`),
    silenced: (detail, silenceId) =>
      recorded.alarms.push(`${detail.alarmId} ${detail.state.value} (silenced by ${silenceId})`),
    quarantined: () => {},
    refused: (refusal) => recorded.refusals.push(refusal),
    device: () => {},
    problem: (message, error) =>
      recorded.problems.push(`${message} ${(error as Error | undefined)?.message ?? ""}`),
  };
}

function start(dataDir: string, options: { reset?: boolean; webhooks?: readonly LocalWebhook[] } = {}) {
  const report = recordingReporter();
  const stack = startLocalStack({
    dataDir,
    mqttPort: 0,
    mqttsPort: 0,
    httpPort: 0,
    sweepSeconds: 0,
    demo: false,
    rulesRefreshMs: 0,
    report,
    ...options,
  });
  return { stack, report };
}

function sample(metrics: Record<string, number | string | boolean>, ts = Date.now()): string {
  return JSON.stringify({ ts, metrics });
}

async function stored(stack: LocalStack, thingName: string, metric = "temperature"): Promise<number[]> {
  const result = await stack.series.query({
    thingName,
    metric,
    from: 0,
    to: Date.now() + 60_000,
    maxPoints: 1_000,
  });
  return result.points.map((point) => point.value);
}

function quarantineFiles(root: string): { reason: string; text: string }[] {
  const base = join(root, "quarantine");
  let reasons: string[];
  try {
    reasons = readdirSync(base);
  } catch {
    return [];
  }
  return reasons.flatMap((reasonDir) =>
    readdirSync(join(base, reasonDir)).flatMap((dateDir) =>
      readdirSync(join(base, reasonDir, dateDir))
        .filter((name) => name.endsWith(".jsonl"))
        .map((name) => ({
          reason: reasonDir.replace(/^reason=/, ""),
          text: readFileSync(join(base, reasonDir, dateDir, name), "utf8"),
        })),
    ),
  );
}

describe("the local stack", () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), "plantwatch-local-")), "data");
  const webhookBodies: PlainAlarmEvent[] = [];
  const liveEvents: LiveEvent[] = [];
  const clients: MqttClient[] = [];
  let receiver: LocalServer;
  let stack: LocalStack;
  let report: Recorded;

  const plainClient = async (clientId: string) => {
    const client = await connectAsync({
      host: "127.0.0.1",
      port: stack.ports.mqtt,
      clientId,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    clients.push(client);
    return client;
  };
  const tlsClient = async (clientId: string, certificateOf = clientId) => {
    const pem = await stack.deviceCertificate(certificateOf);
    const client = await connectAsync({
      protocol: "mqtts",
      host: "127.0.0.1",
      port: stack.ports.mqtts,
      clientId,
      protocolVersion: 4,
      reconnectPeriod: 0,
      ca: readFileSync(stack.certificates.ca),
      cert: pem.certificate,
      key: pem.privateKey,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    receiver = await startLocalServer(({ body }) => {
      webhookBodies.push(JSON.parse(body.toString("utf8")) as PlainAlarmEvent);
      return { status: 204 };
    });
    const started = start(dataDir, { webhooks: [{ format: "json", url: `${receiver.endpoint}/hook` }] });
    stack = await started.stack;
    report = started.report;
    stack.live.subscribe((event) => liveEvents.push(event));
    const response = await fetch(`${stack.urls.api}/rules/${RULE.id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(RULE),
    });
    expect(response.status).toBeLessThan(300);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await stack?.close();
    await receiver?.stop();
    rmSync(join(dataDir, ".."), { recursive: true, force: true });
  });

  it("stores telemetry published over plain MQTT", async () => {
    const client = await plainClient("oven-1");
    await client.publishAsync("dt/plantwatch/oven-1/telemetry", sample({ temperature: 201.5 }), { qos: 1 });

    await vi.waitFor(async () => expect(await stored(stack, "oven-1")).toEqual([201.5]), WAIT);
    expect(liveEvents).toContainEqual(expect.objectContaining({ type: "telemetry", thingName: "oven-1" }));
  });

  it("raises and clears an alarm from mutual-TLS telemetry: C5 events in order to json webhooks, dashboard and console", async () => {
    const client = await tlsClient("oven-2");
    await client.publishAsync(
      "dt/plantwatch/oven-2/telemetry",
      sample({ temperature: 262.4 }, Date.now() - 1_000),
      { qos: 1 },
    );
    await client.publishAsync("dt/plantwatch/oven-2/telemetry", sample({ temperature: 230 }), { qos: 1 });

    await vi.waitFor(() => expect(webhookBodies).toHaveLength(2), WAIT);
    expect(webhookBodies.map((event) => [event["detail-type"], event.source])).toEqual([
      ["Alarm State Change", "plantwatch"],
      ["Alarm State Change", "plantwatch"],
    ]);
    for (const event of webhookBodies) expect(checkAlarmEventDetail(event.detail).ok).toBe(true);
    expect(
      webhookBodies.map(({ detail }) => `${detail.alarmId} ${detail.state.previous}→${detail.state.value}`),
    ).toEqual(["oven-overheat:oven-2 NORMAL→ACTIVE", "oven-overheat:oven-2 ACTIVE→NORMAL"]);
    const alarmEvents = liveEvents.flatMap((event) =>
      event.type === "alarm" ? [event.detail.state.value] : [],
    );
    expect(alarmEvents).toEqual(["ACTIVE", "NORMAL"]);
    expect(report.alarms).toEqual(["oven-overheat:oven-2 ACTIVE", "oven-overheat:oven-2 NORMAL"]);
    expect(await stored(stack, "oven-2")).toEqual([262.4, 230]);
  });

  it("announces connects and disconnects as C1 presence events", async () => {
    const client = await plainClient("oven-8");
    await client.endAsync();

    await vi.waitFor(
      () =>
        expect(
          liveEvents.filter((event) => event.type === "connectivity" && event.thingName === "oven-8"),
        ).toEqual([
          expect.objectContaining({ connected: true }),
          expect.objectContaining({ connected: false }),
        ]),
      WAIT,
    );
  });

  it("takes messages from Debian's mosquitto_pub, plain and with a device certificate", async () => {
    const common = ["-h", "127.0.0.1", "-q", "1"];
    await run("mosquitto_pub", [
      ...common,
      ...["-p", String(stack.ports.mqtt), "-i", "oven-3", "-t", "dt/plantwatch/oven-3/telemetry"],
      ...["-m", sample({ temperature: 203 })],
    ]);
    const { files } = await stack.deviceCertificate("oven-4");
    await run("mosquitto_pub", [
      ...common,
      ...["-p", String(stack.ports.mqtts), "-i", "oven-4", "-t", "dt/plantwatch/oven-4/telemetry"],
      ...["--cafile", stack.certificates.ca, "--cert", files.certificate, "--key", files.privateKey],
      ...["-m", sample({ temperature: 204 })],
    ]);

    await vi.waitFor(async () => {
      expect(await stored(stack, "oven-3")).toEqual([203]);
      expect(await stored(stack, "oven-4")).toEqual([204]);
    }, WAIT);
  });

  it("lists a thing that published without being provisioned, marked so, in the API's devices", async () => {
    const response = await fetch(`${stack.urls.api}/devices?thing=oven-3`);
    const page = (await response.json()) as { items: Record<string, unknown>[] };

    expect(response.status).toBe(200);
    expect(page.items).toEqual([
      { thingName: "oven-3", lastSeen: expect.any(String), activeAlarms: 0, provisioned: false },
    ]);
    const one = await fetch(`${stack.urls.api}/devices/oven-3`);
    expect(await one.json()).toMatchObject({ thingName: "oven-3", provisioned: false, activeAlarms: 0 });
    expect((await fetch(`${stack.urls.api}/devices/press-404`)).status).toBe(404);
  });

  it("stores a Basic Ingest message, which reaches the rule and no subscriber", async () => {
    const watcher = await plainClient("watcher");
    const seen: string[] = [];
    watcher.on("message", (topic) => seen.push(topic));
    await watcher.subscribeAsync([`$aws/rules/${BASIC_INGEST_RULE}/#`, "dt/#"], { qos: 1 });
    const client = await tlsClient("oven-5");
    await client.publishAsync(
      `$aws/rules/${BASIC_INGEST_RULE}/dt/plantwatch/oven-5/telemetry`,
      sample({ temperature: 205 }),
      {
        qos: 1,
      },
    );

    await vi.waitFor(async () => expect(await stored(stack, "oven-5")).toEqual([205]), WAIT);
    expect(seen).toEqual([]);
  });

  it("quarantines an invalid message with its reason, in a file", async () => {
    const client = await plainClient("oven-6");
    await client.publishAsync("dt/plantwatch/oven-6/telemetry", "not json at all", { qos: 1 });

    await vi.waitFor(() => expect(quarantineFiles(stack.layout.root)).toHaveLength(1), WAIT);
    const [file] = quarantineFiles(stack.layout.root);
    const entry = JSON.parse(file?.text.trim() ?? "{}") as {
      reason: string;
      thingName: string;
      message: string;
    };
    expect(entry).toMatchObject({ reason: file?.reason, thingName: "oven-6", message: "not json at all" });
    expect(liveEvents).toContainEqual(
      expect.objectContaining({ type: "quarantine", thingName: "oven-6", reason: file?.reason }),
    );
  });

  it("refuses a client id other than its certificate's CN on mutual TLS", async () => {
    await expect(tlsClient("oven-7", "oven-6")).rejects.toThrow(/Not authorized/i);
    expect(report.refusals).toContainEqual({
      listener: "mtls",
      clientId: "oven-7",
      reason: 'client id "oven-7" differs from the certificate\'s CN "oven-6"',
    });
  });

  it("disconnects a device that publishes to another thing's topic, and stores nothing of it", async () => {
    const client = await plainClient("oven-9");
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    client.publish("dt/plantwatch/oven-1/telemetry", sample({ temperature: 999 }), { qos: 1 });
    await closed;

    await stack.idle();
    expect(await stored(stack, "oven-1")).toEqual([201.5]);
    expect(report.refusals).toContainEqual(
      expect.objectContaining({
        clientId: "oven-9",
        reason: '"oven-9" may not publish to dt/plantwatch/oven-1/telemetry',
      }),
    );
  });

  it("keeps a silenced thing's alarms off the webhooks and marks them on the console, still on the dashboard", async () => {
    const silence = await fetch(`${stack.urls.api}/silences/oven-10-maintenance`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ match: { things: ["oven-10"] }, duration: "1h", comment: "burner swap" }),
    });
    expect(silence.status).toBeLessThan(300);
    const webhooksBefore = webhookBodies.length;
    const client = await plainClient("oven-10");
    await client.publishAsync("dt/plantwatch/oven-10/telemetry", sample({ temperature: 270 }), { qos: 1 });

    await vi.waitFor(
      () => expect(report.alarms).toContain("oven-overheat:oven-10 ACTIVE (silenced by oven-10-maintenance)"),
      WAIT,
    );
    await stack.idle();
    expect(webhookBodies).toHaveLength(webhooksBefore);
    expect(liveEvents).toContainEqual(
      expect.objectContaining({
        type: "alarm",
        detail: expect.objectContaining({ alarmId: "oven-overheat:oven-10" }),
      }),
    );
  });

  it("sweeps on request", async () => {
    const swept = await stack.sweep();
    expect(swept.deliveryErrors).toEqual([]);
  });

  it("refuses a second stack on the data directory it has open, with --reset too, and keeps running", async () => {
    for (const reset of [false, true]) {
      const second = start(dataDir, { reset });
      await expect(second.stack).rejects.toThrow(DataDirInUseError);
    }

    expect((await stack.rules.list()).map(({ id }) => id)).toEqual([RULE.id]);
    expect(readdirSync(dataDir)).toContain(DATA_DIR_MARKER);
  });

  it("keeps series, rules and alarms across a restart, and --reset wipes them", async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    await stack.idle();
    await stack.close();
    const caBefore = readFileSync(stack.certificates.ca, "utf8");

    const again = start(dataDir);
    stack = await again.stack;
    expect(await stored(stack, "oven-2")).toEqual([262.4, 230]);
    expect((await stack.rules.list()).map(({ id }) => id)).toEqual([RULE.id]);
    expect((await stack.alarms.load("oven-2"))?.alarms[RULE.id]?.state).toBe("NORMAL");
    expect(readFileSync(stack.certificates.ca, "utf8")).toBe(caBefore);
    await stack.close();

    const wiped = start(dataDir, { reset: true });
    stack = await wiped.stack;
    expect(await stored(stack, "oven-2")).toEqual([]);
    expect(await stack.rules.list()).toEqual([]);
    expect(await stack.alarms.load("oven-2")).toBeUndefined();
    expect(quarantineFiles(stack.layout.root)).toEqual([]);
    expect(readFileSync(stack.certificates.ca, "utf8")).not.toBe(caBefore);
    expect(report.problems).toEqual([]);
  });

  it("refuses to use or reset a directory that is not a plantwatch data directory", async () => {
    const other = mkdtempSync(join(tmpdir(), "plantwatch-other-"));
    writeFileSync(join(other, "thesis.tex"), "precious");
    try {
      await expect(start(other, { reset: true }).stack).rejects.toThrow(ForeignDataDirError);
      expect(readFileSync(join(other, "thesis.tex"), "utf8")).toBe("precious");
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
