import type { MetricValue } from "../../shared/domain/ingest/types.ts";
import type { MachineProfile } from "./machineProfile.ts";
import { createProduction } from "./production.ts";
import type { Random } from "./random.ts";
import { createGauge, createRunning, type Gauge, round } from "./signals.ts";

/** One simulated machine: its metrics at successive times, from its own random stream. */
export interface Machine {
  /** The metrics at `time`; times must not go back (use `backfill` for an earlier reading). */
  read(time: number): Record<string, MetricValue>;
  /** A plausible reading for an earlier time, without moving the machine's state. */
  backfill(time: number): Record<string, MetricValue>;
  /** The noise-free value of the threshold metric at `time`: where a scenario starts from and returns to. */
  expectedThresholdValue(time: number): number;
}

export function createMachine(profile: MachineProfile, random: Random, startTime: number): Machine {
  const gauges = Object.entries(profile.gauges).map(
    ([name, model]) => [name, model, createGauge(model, random, startTime)] as const,
  );
  const production = createProduction(profile.production, random, startTime);
  const running = createRunning(profile.running, random, startTime);
  const thresholdGauge: Gauge | undefined = gauges.find(([name]) => name === profile.thresholdMetric)?.[2];
  if (thresholdGauge === undefined) {
    throw new Error(`the profile has no gauge ${profile.thresholdMetric} to act on`);
  }
  const withState = (metrics: Record<string, MetricValue>, isRunning: boolean) => {
    metrics[profile.running.metric] = isRunning;
    metrics[profile.mode.metric] = isRunning ? profile.mode.whenRunning : profile.mode.whenStopped;
    return metrics;
  };
  return {
    read(time) {
      const isRunning = running.at(time);
      const metrics: Record<string, MetricValue> = {};
      for (const [name, , gauge] of gauges) metrics[name] = gauge.read(time, isRunning);
      const parts = production.at(time, isRunning);
      metrics[profile.production.totalMetric] = parts.total;
      metrics[profile.production.goodMetric] = parts.good;
      return withState(metrics, isRunning);
    },
    backfill(time) {
      const metrics: Record<string, MetricValue> = {};
      for (const [name, model, gauge] of gauges) {
        const value = gauge.expected(time) + model.noise * random.normal();
        metrics[name] = round(Math.max(model.min ?? Number.NEGATIVE_INFINITY, value), model.decimals);
      }
      return withState(metrics, true);
    },
    expectedThresholdValue: (time) => thresholdGauge.expected(time),
  };
}
