import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { FileQuarantineStore } from "../local/adapters/fileQuarantineStore.ts";
import { type LocalStack, type LocalStackReporter, startLocalStack } from "../local/localStack.ts";
import { telemetryTopic } from "../shared/contracts/telemetryTopic.ts";
import { seededRandom } from "../simulator/domain/random.ts";
import { MqttDevice } from "../simulator/mqtt/mqttDevice.ts";
import { type DropCounts, type DroppingMqttProxy, startDroppingMqttProxy } from "./droppingMqttProxy.ts";
import type { FaultOutcome } from "./faultTable.ts";
import type { FaultScale } from "./ingestFaults.ts";

const DEVICES = 3;
const sizes: Record<FaultScale, number> = { quick: 300, full: 3_000 };
/** Drawn per connection from 1 to twice this: drops come often, yet every connection gets some through. */
const MEAN_PUBLISHES_PER_CONNECTION = 10;
/** Between two messages of the fleet: drops find a few messages in flight, not the whole run. */
const PUBLISH_INTERVAL_MS = 1;
/** A device that has not seen every PUBACK by then is stuck, not slow: its messages are counted as they ended. */
const ACKNOWLEDGE_DEADLINE_MS = 60_000;

/** What the scenario saw beyond the FaultOutcome, for the test to hold it to. */
export interface MqttDropOutcome extends FaultOutcome {
  readonly drops: DropCounts;
  /** PUBLISH packets the proxy handed on whole again: sent again by a device after a drop. */
  readonly resent: number;
  /** Messages the broker passed on to ingest more than once: redeliveries of what it already had. */
  readonly redeliveredToIngest: number;
  /** Messages whose PUBACK the devices never got. */
  readonly unacknowledged: number;
}

/**
 * Devices on the real local stack (aedes, the local IoT rules, `createIngest`, SQLite), reaching it
 * through a proxy that cuts their connections at seeded points, some right after the broker took a
 * PUBLISH and before the device got its PUBACK. QoS 1 is at least once: the devices send those again
 * on reconnect, and each message must end up stored exactly once.
 */
export async function mqttConnectionDropped(scale: FaultScale): Promise<MqttDropOutcome> {
  const count = sizes[scale];
  const random = seededRandom(11);
  const root = await mkdtemp(join(tmpdir(), "plantwatch-faults-mqtt-"));
  const problems: string[] = [];
  let stack: LocalStack | undefined;
  let proxy: DroppingMqttProxy | undefined;
  const devices: MqttDevice[] = [];
  try {
    stack = await startLocalStack({
      dataDir: join(root, "data"),
      mqttPort: 0,
      mqttsPort: 0,
      httpPort: 0,
      sweepSeconds: 0,
      demo: false,
      report: quietReporter(problems),
    });
    const ingested = new Map<number, number>();
    stack.live.subscribe((event) => {
      if (event.type !== "telemetry") return;
      for (const sample of event.samples) {
        const n = sample.metrics.n;
        if (typeof n === "number") ingested.set(n, (ingested.get(n) ?? 0) + 1);
      }
    });
    const forwarded = new Map<number, number>();
    proxy = await startDroppingMqttProxy({
      brokerHost: "127.0.0.1",
      brokerPort: stack.ports.mqtt,
      random,
      meanPublishesPerConnection: MEAN_PUBLISHES_PER_CONNECTION,
      onPublishForwarded: (payload) => {
        const n = sequenceOf(payload.toString("utf8"));
        if (n !== undefined) forwarded.set(n, (forwarded.get(n) ?? 0) + 1);
      },
    });

    const topic = telemetryTopic();
    const things = Array.from({ length: DEVICES }, (_, index) => `press-${index + 1}`);
    for (const thingName of things) {
      devices.push(
        new MqttDevice(
          { thingName, host: "127.0.0.1", port: proxy.port, topic: topic.topicFor(thingName) },
          { backoff: { initialMs: 20, maxMs: 200, factor: 2 }, connectTimeoutMs: 5_000 },
        ),
      );
    }
    await Promise.all(devices.map((device) => device.start()));

    // Distinct times per thing, an hour in the past: well inside what the store accepts.
    const firstTs = Date.now() - 3_600_000;
    for (let n = 0; n < count; n++) {
      const device = devices[n % DEVICES] as MqttDevice;
      const sample = { ts: firstTs + n, seq: n, metrics: { n, temperature: 60 + (n % 40) } };
      device.publish(device.endpoint.topic, Buffer.from(JSON.stringify(sample)));
      await sleep(PUBLISH_INTERVAL_MS);
    }
    await within(ACKNOWLEDGE_DEADLINE_MS, Promise.all(devices.map((device) => device.idle())));
    const unacknowledged = devices.reduce((sum, device) => sum + device.stats().failed, 0);
    await stack.idle();

    const stored = new Set<number>();
    let storedPoints = 0;
    for (const thingName of things) {
      const { points } = await stack.series.query({
        thingName,
        metric: "n",
        from: 0,
        to: Date.now() + 60_000,
        maxPoints: count + 1,
      });
      storedPoints += points.length;
      for (const point of points) stored.add(point.value);
    }
    const quarantinedBy = await quarantineReasons(stack);
    const quarantined: Record<string, number> = {};
    let unaccounted = 0;
    for (let n = 0; n < count; n++) {
      if (stored.has(n)) continue;
      const reason = quarantinedBy.get(n);
      if (reason === undefined) unaccounted++;
      else quarantined[reason] = (quarantined[reason] ?? 0) + 1;
    }
    const drops = proxy.counts();
    const resent = excess(forwarded);
    const redeliveredToIngest = excess(ingested);
    const duplicatePoints = storedPoints - stored.size;
    return {
      fault: "MQTT connection dropped mid-publish on the local stack (QoS 1 redelivery)",
      injected:
        `${drops.drops} of ${drops.connections} device connections dropped: ` +
        `${drops.betweenPublishAndPuback} between PUBLISH and PUBACK, ${drops.insidePublish} inside a PUBLISH; ` +
        `${resent} publishes sent again, ${redeliveredToIngest} of them already passed on by the broker, ` +
        `${duplicatePoints} duplicate points stored` +
        (unacknowledged > 0 ? `; ${unacknowledged} never acknowledged` : "") +
        (problems.length > 0 ? `; stack problems: ${problems.slice(0, 3).join(" | ")}` : ""),
      sent: count,
      stored: stored.size,
      quarantined,
      deadLettered: 0,
      unaccounted,
      drops,
      resent,
      redeliveredToIngest,
      duplicatePoints,
      unacknowledged,
    };
  } finally {
    await Promise.all(devices.map((device) => device.stop(0)));
    await proxy?.close();
    await stack?.close();
    await rm(root, { recursive: true, force: true });
  }
}

async function within(ms: number, work: Promise<unknown>): Promise<void> {
  const deadline = new AbortController();
  await Promise.race([work, sleep(ms, undefined, { signal: deadline.signal }).catch(() => undefined)]);
  deadline.abort();
}

/** The sequence number `n` a message carries, whatever became of it. */
function sequenceOf(text: string): number | undefined {
  const match = /"n":(\d+)/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Deliveries beyond the first, over all messages. */
function excess(deliveries: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const times of deliveries.values()) total += times - 1;
  return total;
}

async function quarantineReasons(stack: LocalStack): Promise<Map<number, string>> {
  const reasons = new Map<number, string>();
  const files = await new FileQuarantineStore({ directory: stack.layout.quarantineRoot }).list();
  for (const file of files) {
    for (const line of (await readFile(file.path, "utf8")).split("\n").filter(Boolean)) {
      const entry = JSON.parse(line) as { reason: string; message: string; messageEncoding: string };
      const text =
        entry.messageEncoding === "base64" ? Buffer.from(entry.message, "base64").toString() : entry.message;
      const n = sequenceOf(text);
      if (n !== undefined) reasons.set(n, entry.reason);
    }
  }
  return reasons;
}

/** Keeps what the stack reports to its console out of the run's output, except its problems. */
function quietReporter(problems: string[]): LocalStackReporter {
  return {
    notified: () => {},
    silenced: () => {},
    quarantined: () => {},
    refused: (refusal) => problems.push(`refused ${refusal.clientId}: ${refusal.reason}`),
    device: () => {},
    problem: (message, error) =>
      problems.push(error instanceof Error ? `${message}: ${error.message}` : message),
  };
}
