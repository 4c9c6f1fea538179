/**
 * The local stack end to end, in process: MQTT (aedes) → the deployed rules' SQL → ingest into SQLite
 * and alarm evaluation on dynalite → alarm events on the live hub. Measures (a) how long a burst from
 * many clients takes to be fully stored, with zero loss, and (b) publish → alarm event latency at a
 * paced rate with alternating breach/clear values, so every message is a transition.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectAsync, type MqttClient } from "mqtt";
import { type LocalStack, startLocalStack } from "../local/localStack.ts";
import type { BenchProfile } from "./profile.ts";

/** The part of better-sqlite3 used here (the package ships no types). */
const ReadOnlyDatabase = createRequire(import.meta.url)("better-sqlite3") as new (
  path: string,
  options: { readonly: true; fileMustExist: true },
) => { prepare(source: string): { get(): unknown }; close(): void };

export interface EndToEndResults {
  readonly burst: {
    readonly messages: number;
    readonly clients: number;
    readonly stored: number;
    readonly lost: number;
    readonly seconds: number;
    readonly messagesPerSecond: number;
  };
  readonly latency: readonly {
    readonly targetRate: number;
    readonly achievedRate: number;
    readonly messages: number;
    readonly events: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
  }[];
  readonly problems: readonly string[];
}

const RULE = {
  id: "bench-overheat",
  name: "Bench temperature too high",
  severity: "critical",
  match: { things: ["oven-*"] },
  kind: "threshold",
  metric: "temperature",
  condition: { op: ">", value: 250 },
  clear: { op: "<", value: 240 },
};
const OTHER_METRICS = ["pressure", "vibration_rms", "current", "voltage", "speed", "humidity", "flow"];

function payload(ts: number, temperature: number): string {
  const metrics: Record<string, number> = { temperature };
  for (const [i, name] of OTHER_METRICS.entries()) metrics[name] = (ts % 1000) / 10 + i;
  return JSON.stringify({ ts, metrics });
}

export async function benchLocalStack(profile: BenchProfile): Promise<EndToEndResults> {
  const root = mkdtempSync(join(tmpdir(), "plantwatch-bench-local-"));
  const problems: string[] = [];
  const stack = await startLocalStack({
    dataDir: join(root, "data"),
    mqttPort: 0,
    mqttsPort: 0,
    httpPort: 0,
    sweepSeconds: 0,
    demo: false,
    report: {
      notified: () => {},
      silenced: () => {},
      quarantined: (entry) => problems.push(`quarantined: ${entry.reason} ${entry.detail}`),
      refused: (refusal) => problems.push(`refused: ${JSON.stringify(refusal)}`),
      device: () => {},
      problem: (message, error) => problems.push(`${message} ${(error as Error | undefined)?.message ?? ""}`),
    },
  });
  const clients: MqttClient[] = [];
  try {
    const response = await fetch(`${stack.urls.api}/rules/${RULE.id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(RULE),
    });
    if (!response.ok) throw new Error(`rule not applied: ${response.status} ${await response.text()}`);
    const connect = async (thingName: string) => {
      const client = await connectAsync({
        host: "127.0.0.1",
        port: stack.ports.mqtt,
        clientId: thingName,
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
      clients.push(client);
      return client;
    };

    const burst = await measureBurst(stack, root, profile, connect);
    const latency = [];
    for (const [i, rate] of profile.latencyRates.entries()) {
      latency.push(await measureLatency(stack, rate, profile.latencySeconds, `oven-latency-${i}`, connect));
    }
    return { burst, latency, problems };
  } finally {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await stack.close();
    rmSync(root, { recursive: true, force: true });
  }
}

type Connect = (thingName: string) => Promise<MqttClient>;

/** Every client publishes its share at QoS 1 as fast as the broker acknowledges; done when SQLite holds every sample. */
async function measureBurst(stack: LocalStack, root: string, profile: BenchProfile, connect: Connect) {
  const { burstMessages: messages, burstClients } = profile;
  const things = Array.from({ length: burstClients }, (_, i) => `oven-burst-${i}`);
  const connected = await Promise.all(things.map(connect));
  let stored = 0;
  const unsubscribe = stack.live.subscribe((event) => {
    if (event.type === "telemetry" && event.thingName.startsWith("oven-burst-"))
      stored += event.samples.length;
  });
  const base = Date.now() - 3_600_000;
  const started = performance.now();
  await Promise.all(
    connected.map(async (client, c) => {
      const topic = `dt/plantwatch/${things[c]}/telemetry`;
      const share = Math.floor(messages / burstClients) + (c < messages % burstClients ? 1 : 0);
      // A window of unacknowledged QoS 1 publishes per client, as a device library would keep.
      const window = 64;
      for (let start = 0; start < share; start += window) {
        const end = Math.min(share, start + window);
        const sends: Promise<unknown>[] = [];
        for (let i = start; i < end; i++)
          sends.push(client.publishAsync(topic, payload(base + i * 10, 200), { qos: 1 }));
        await Promise.all(sends);
      }
    }),
  );
  const deadline = Date.now() + 120_000 + messages;
  while (stored < messages && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  await stack.idle();
  const seconds = (performance.now() - started) / 1_000;
  unsubscribe();

  // Count in the store itself, not in the live feed.
  const db = new ReadOnlyDatabase(stack.layout.seriesDb, { readonly: true, fileMustExist: true });
  const row = db
    .prepare("SELECT count(*) AS n FROM series WHERE metric = 'temperature' AND thing LIKE 'oven-burst-%'")
    .get() as { n: number };
  db.close();
  if (!root) throw new Error("unreachable");
  return {
    messages,
    clients: burstClients,
    stored: row.n,
    lost: messages - row.n,
    seconds,
    messagesPerSecond: row.n / seconds,
  };
}

/** Paced publishing from ten things, values alternating across the threshold: each message is a transition. */
async function measureLatency(
  stack: LocalStack,
  rate: number,
  seconds: number,
  prefix: string,
  connect: Connect,
) {
  const things = Array.from({ length: 10 }, (_, i) => `${prefix}-${i}`);
  const connected = await Promise.all(things.map(connect));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const unsubscribe = stack.live.subscribe((event) => {
    if (event.type !== "alarm" || event.detailType !== "Alarm State Change" || !event.detail.trigger) return;
    const key = `${event.detail.device.thingName}@${Date.parse(event.detail.trigger.sampleTime)}`;
    const at = sentAt.get(key);
    if (at !== undefined) latencies.push(performance.now() - at);
  });

  const total = Math.round(rate * seconds);
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1_000));
  const base = Date.now() - 600_000;
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      for (let k = 0; k < perTick && sent < total; k++, sent++) {
        const c = sent % things.length;
        const round = Math.floor(sent / things.length);
        const ts = base + round; // one ms apart per thing, in order
        sentAt.set(`${things[c]}@${ts}`, performance.now());
        void connected[c]?.publishAsync(
          `dt/plantwatch/${things[c]}/telemetry`,
          payload(ts, round % 2 === 0 ? 262 : 230),
          {
            qos: 1,
          },
        );
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, started + (sent / perTick) * tickMs - performance.now()));
    };
    tick();
  });
  const sendSeconds = (performance.now() - started) / 1_000;
  const deadline = Date.now() + 60_000;
  while (latencies.length < total && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  await stack.idle();
  unsubscribe();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    targetRate: rate,
    achievedRate: total / sendSeconds,
    messages: total,
    events: latencies.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: latencies.at(-1) ?? Number.NaN,
  };
}
