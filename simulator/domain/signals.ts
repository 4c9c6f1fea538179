import type { Random } from "./random.ts";

const HOUR_MS = 3_600_000;

/**
 * A continuous reading (temperature, current, ...): a per-machine baseline, a daily cycle, a slow
 * drift and sample noise. Every parameter is in the metric's own unit.
 */
export interface GaugeModel {
  readonly baseline: number;
  /** Relative spread of the baseline between machines: 0.03 puts each machine within ±3 %. */
  readonly spread: number;
  /** Standard deviation of the sample-to-sample noise. */
  readonly noise: number;
  /**
   * Slow drift: a mean-reverting random walk (Ornstein-Uhlenbeck) whose long-run standard deviation
   * is `drift` and which forgets its past over about `driftHours`. It does not depend on the
   * sampling interval, so 1 s and 1 min samples drift alike.
   */
  readonly drift: number;
  readonly driftHours: number;
  /** Daily cycle: the amplitude, peaking at `peakHourUtc`. */
  readonly daily: number;
  readonly peakHourUtc: number;
  /** The reading while the machine is stopped (a motor's current falls to standby); absent: unaffected. */
  readonly idle?: number;
  /** Readings never go below this (e.g. 0 for a current). */
  readonly min?: number;
  readonly decimals: number;
}

export interface Gauge {
  /** The reading at `time` (which never goes back), with noise. */
  read(time: number, running: boolean): number;
  /** The noise-free value at `time` given the drift so far: where scenarios return to. */
  expected(time: number): number;
}

export function createGauge(model: GaugeModel, random: Random, startTime: number): Gauge {
  const base = model.baseline * (1 + model.spread * random.between(-1, 1));
  let drift = model.drift * random.normal();
  let lastTime = startTime;
  const advance = (time: number) => {
    const hours = Math.max(0, time - lastTime) / HOUR_MS;
    lastTime = Math.max(lastTime, time);
    if (hours === 0) return;
    const keep = Math.exp(-hours / model.driftHours);
    drift = drift * keep + model.drift * Math.sqrt(1 - keep * keep) * random.normal();
  };
  const expected = (time: number) =>
    base + drift + model.daily * Math.cos((2 * Math.PI * (hourOfDay(time) - model.peakHourUtc)) / 24);
  return {
    expected,
    read(time, running) {
      advance(time);
      const noise = random.normal();
      const value =
        running || model.idle === undefined
          ? expected(time) + model.noise * noise
          : model.idle + model.noise * 0.1 * noise;
      return round(Math.max(model.min ?? Number.NEGATIVE_INFINITY, value), model.decimals);
    },
  };
}

/**
 * A machine running or stopped: a two-state Markov process. Most stops are short (`meanStopMinutes`:
 * a jam cleared, material fed); with `breakdowns`, a share of them are long repairs instead.
 */
export interface RunningModel {
  readonly meanRunMinutes: number;
  readonly meanStopMinutes: number;
  /** The share of stops that are breakdowns, and their mean length. */
  readonly breakdowns?: { readonly share: number; readonly meanMinutes: number };
}

export function createRunning(model: RunningModel, random: Random, startTime: number) {
  let running = true;
  let meanStop = model.meanStopMinutes;
  let lastTime = startTime;
  return {
    at(time: number): boolean {
      const minutes = Math.max(0, time - lastTime) / 60_000;
      lastTime = Math.max(lastTime, time);
      const mean = running ? model.meanRunMinutes : meanStop;
      if (minutes > 0 && random.chance(1 - Math.exp(-minutes / mean))) {
        running = !running;
        const { breakdowns } = model;
        // Drawn only for a model with breakdowns, so a model without keeps its random stream.
        if (!running && breakdowns !== undefined) {
          meanStop = random.chance(breakdowns.share) ? breakdowns.meanMinutes : model.meanStopMinutes;
        }
      }
      return running;
    },
  };
}

export function hourOfDay(time: number): number {
  return (((time % 86_400_000) + 86_400_000) % 86_400_000) / HOUR_MS;
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
