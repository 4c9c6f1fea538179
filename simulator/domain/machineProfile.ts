import type { ProductionModel } from "./production.ts";
import type { GaugeModel, RunningModel } from "./signals.ts";

/** What a simulated machine measures and how each metric behaves. Metric names follow C2. */
export interface MachineProfile {
  readonly gauges: Readonly<Record<string, GaugeModel>>;
  readonly production: ProductionModel;
  readonly running: RunningModel & { readonly metric: string };
  /** A string metric: `whenRunning` while running, otherwise `whenStopped`. */
  readonly mode: { readonly metric: string; readonly whenRunning: string; readonly whenStopped: string };
  /** The gauge that `overheat` and `flapping` drive, and its usual alarm threshold. */
  readonly thresholdMetric: string;
  readonly threshold: number;
}

/**
 * An industrial oven line: the example rules' metrics (`temperature` over 250 raises
 * `oven-overheat`; `oil_pressure` between 2.5 and 6; `mode` other than AUTO). A healthy machine
 * stays far from every threshold: temperature about 200 °C ± 6 between machines, drift ± 3,
 * a daily swing of ± 3 and noise of 0.8: near 200, far below the rule's clear level of 240.
 * It runs about 86 % of the time: a stop about every 50 minutes, mostly a few minutes, one in ten a
 * breakdown of about 45; a part every 5 s at its rated speed, about 93 % of that in normal running and
 * 70 % in slow spells, 2 % scrap, and its counters reset at the shift changes (06:00, 14:00, 22:00 UTC).
 */
export const DEFAULT_MACHINE_PROFILE: MachineProfile = {
  gauges: {
    temperature: {
      baseline: 200,
      spread: 0.03,
      noise: 0.8,
      drift: 3,
      driftHours: 6,
      daily: 3,
      peakHourUtc: 14,
      decimals: 2,
    },
    vibration_rms: {
      baseline: 2.2,
      spread: 0.1,
      noise: 0.12,
      drift: 0.15,
      driftHours: 12,
      daily: 0,
      peakHourUtc: 0,
      idle: 0.05,
      min: 0,
      decimals: 3,
    },
    current: {
      baseline: 32,
      spread: 0.05,
      noise: 0.6,
      drift: 1,
      driftHours: 4,
      daily: 1.5,
      peakHourUtc: 11,
      idle: 0.8,
      min: 0,
      decimals: 2,
    },
    oil_pressure: {
      baseline: 4.2,
      spread: 0.04,
      noise: 0.05,
      drift: 0.1,
      driftHours: 24,
      daily: 0.05,
      peakHourUtc: 15,
      min: 0,
      decimals: 3,
    },
  },
  production: {
    totalMetric: "parts_total",
    goodMetric: "parts_good",
    idealCycleSeconds: 5,
    speed: 0.93,
    speedSpread: 0.03,
    slow: { meanEveryMinutes: 180, meanMinutes: 30, speed: 0.7 },
    scrapShare: 0.02,
    shiftChange: { everyMinutes: 480, offsetMinutes: 360 },
  },
  running: {
    metric: "running",
    meanRunMinutes: 50,
    meanStopMinutes: 4,
    breakdowns: { share: 0.1, meanMinutes: 45 },
  },
  mode: { metric: "mode", whenRunning: "AUTO", whenStopped: "MANUAL" },
  thresholdMetric: "temperature",
  threshold: 250,
};
