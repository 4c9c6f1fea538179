import type { MetricValue } from "../../shared/domain/ingest/types.ts";
import { BAD_PAYLOADS, type BadPayload } from "./badPayloads.ts";
import { createMachine } from "./machine.ts";
import type { MachineProfile } from "./machineProfile.ts";
import { seededRandom, seedFrom } from "./random.ts";
import {
  cyclePosition,
  isOfflineAt,
  overheatLevel,
  type ScenarioName,
  type ScenarioSettings,
  thresholdMargin,
} from "./scenarios.ts";
import { round } from "./signals.ts";

/** What a message is, so a runner can report and a test can check it. */
export type PayloadKind = "reading" | "batch" | "duplicate" | "late" | "bad";

export type DeviceAction =
  | {
      readonly type: "publish";
      readonly kind: PayloadKind;
      readonly payload: Uint8Array;
      /** For `bad` messages: the violation and what ingest must make of it. */
      readonly badPayload?: BadPayload;
    }
  | { readonly type: "disconnect" }
  | { readonly type: "connect" };

export interface DeviceStep {
  readonly tick: number;
  /** The simulated time of the tick: `startTime + tick * intervalMs`. */
  readonly time: number;
  readonly actions: readonly DeviceAction[];
}

export interface DeviceSimulation {
  readonly thingName: string;
  readonly scenarios: readonly ScenarioName[];
  /** The level `overheat` and `flapping` cross. */
  readonly threshold: number;
  /** What the device does at `tick`. Ticks are taken in order, from 0. */
  step(tick: number): DeviceStep;
}

export interface DeviceSimulationOptions {
  readonly thingName: string;
  readonly scenarios: readonly ScenarioName[];
  readonly seed: number;
  readonly startTime: number;
  readonly intervalMs: number;
  readonly cycleTicks: number;
  readonly threshold: number;
  readonly profile: MachineProfile;
  readonly settings: ScenarioSettings;
}

interface SimulatedSample {
  readonly ts: number;
  readonly seq: number;
  readonly metrics: Record<string, MetricValue>;
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/**
 * One device's messages, tick by tick. The machine's signals come from a random stream of their
 * own (seed and thing name), so they are the same whichever scenarios play; scenarios draw from
 * a second stream.
 */
export function createDeviceSimulation(options: DeviceSimulationOptions): DeviceSimulation {
  const { thingName, scenarios, startTime, intervalMs, cycleTicks, threshold, profile, settings } = options;
  const machine = createMachine(
    profile,
    seededRandom(seedFrom(options.seed, thingName, "machine")),
    startTime,
  );
  const random = seededRandom(seedFrom(options.seed, thingName, "scenarios"));
  const has = (scenario: ScenarioName) => scenarios.includes(scenario);
  const margin = thresholdMargin(threshold);
  const decimals = profile.gauges[profile.thresholdMetric]?.decimals ?? 2;
  let seq = 0;
  let offline = false;
  let badIndex = 0;
  let previousReading: Uint8Array | undefined;

  const thresholdValue = (tick: number, healthy: number): number => {
    const level = has("overheat") ? overheatLevel(cyclePosition(tick, cycleTicks)) : 0;
    if (level > 0) {
      const hot = threshold + margin * (1 + 0.08 * random.normal());
      // Held readings stay at least half the margin over the threshold, whatever the noise.
      return level === 1 ? Math.max(threshold + margin / 2, hot) : healthy + (hot - healthy) * level;
    }
    if (has("flapping")) {
      const side = Math.floor(tick / 2) % 2 === 0 ? 1 : -1;
      return threshold + side * margin * random.between(0.3, 1);
    }
    return healthy;
  };

  const sample = (tick: number, time: number): SimulatedSample => {
    const metrics = machine.read(time);
    const healthy = metrics[profile.thresholdMetric];
    if (typeof healthy === "number") {
      metrics[profile.thresholdMetric] = round(thresholdValue(tick, healthy), decimals);
    }
    return { ts: time, seq: seq++, metrics };
  };

  const readings = (tick: number, time: number): Uint8Array => {
    if (!has("burst")) return encode(sample(tick, time));
    const { batchSize } = settings;
    const times = Array.from(
      { length: batchSize },
      (_, index) => time - Math.floor(((batchSize - 1 - index) * intervalMs) / batchSize),
    );
    return encode({ samples: times.map((at) => sample(tick, at)) });
  };

  return {
    thingName,
    scenarios,
    threshold,
    step(tick) {
      const time = startTime + tick * intervalMs;
      const actions: DeviceAction[] = [];
      const nowOffline = has("offline") && isOfflineAt(cyclePosition(tick, cycleTicks));
      if (nowOffline !== offline) actions.push({ type: nowOffline ? "disconnect" : "connect" });
      offline = nowOffline;
      // The machine keeps measuring while offline; those readings are lost (a gap in `seq`).
      const payload = readings(tick, time);
      if (offline) return { tick, time, actions };

      actions.push({ type: "publish", kind: has("burst") ? "batch" : "reading", payload });
      const { every } = settings;
      if (has("duplicates") && tick % every === every - 1 && previousReading !== undefined) {
        actions.push({ type: "publish", kind: "duplicate", payload: previousReading });
      }
      previousReading = payload;
      if (has("late") && tick % every === Math.floor(every / 2)) {
        const ts = time - settings.lateByMs;
        actions.push({
          type: "publish",
          kind: "late",
          payload: encode({ ts, metrics: machine.backfill(ts) }),
        });
      }
      if (has("bad-payloads")) {
        const badPayload = BAD_PAYLOADS[badIndex++ % BAD_PAYLOADS.length] as BadPayload;
        actions.push({ type: "publish", kind: "bad", payload: badPayload.build(time), badPayload });
      }
      return { tick, time, actions };
    },
  };
}
