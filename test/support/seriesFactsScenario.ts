import type { CounterSlot, RunSegment } from "../../shared/domain/kpis/deviceFacts.ts";
import type { CounterIncreaseRequest, RunSegmentsRequest } from "../../shared/ports/seriesFacts.ts";
import type { SeriesPoint } from "../../shared/ports/seriesStore.ts";

/**
 * One machine's samples and the facts every `SeriesFacts` adapter must compute from them, so the
 * SQLite and InfluxDB stores are held to the same answers. Minutes from T0 (a quarter hour):
 *
 *   running      -2 T | 0 T | 1 T | 2 F | 3 F | 4 T | (silence) | 15 T | 16 F | 17 F
 *   parts_total  -1 100 | 0 102 | 1 105 | 2 3 (reset) | 3 10 | 15 40 (after a silence) | 16 41 | 30 50
 *
 * Gap threshold 5 min, range [T0, T0 + 20 min), now T0 + 19 min.
 */
export const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const M = 60_000;
export const SCENARIO_THING = "press-7";

const running: [number, boolean][] = [
  [-2, true],
  [0, true],
  [1, true],
  [2, false],
  [3, false],
  [4, true],
  [15, true],
  [16, false],
  [17, false],
];
const parts: [number, number][] = [
  [-1, 100],
  [0, 102],
  [1, 105],
  [2, 3],
  [3, 10],
  [15, 40],
  [16, 41],
  [30, 50],
];

export function scenarioPoints(): SeriesPoint[] {
  const byMinute = new Map<number, Record<string, number | boolean>>();
  for (const [minute, value] of running) byMinute.set(minute, { ...byMinute.get(minute), running: value });
  for (const [minute, value] of parts) byMinute.set(minute, { ...byMinute.get(minute), parts_total: value });
  return [...byMinute].map(([minute, metrics], index) => ({
    thingName: SCENARIO_THING,
    site: "plant-a",
    line: "line-1",
    time: T0 + minute * M,
    version: T0,
    metrics,
    ref: { messageIndex: index, sampleIndex: 0 },
  }));
}

export const scenarioRunRequest: RunSegmentsRequest = {
  thingName: SCENARIO_THING,
  metric: "running",
  threshold: 0,
  from: T0,
  to: T0 + 20 * M,
  gapAfterMs: 5 * M,
  horizon: T0 + 19 * M,
};

/**
 * The sample at 4 min is followed by silence for 11 min: unknown. The one at -2 min gives the state
 * at T0 (segments may start before the range; the domain clips them).
 */
export const scenarioSegments: RunSegment[] = [
  { start: T0 - 2 * M, end: T0 + 2 * M, running: true },
  { start: T0 + 2 * M, end: T0 + 4 * M, running: false },
  { start: T0 + 15 * M, end: T0 + 16 * M, running: true },
  { start: T0 + 16 * M, end: T0 + 19 * M, running: false },
];

export const scenarioCounterRequest: CounterIncreaseRequest = {
  thingName: SCENARIO_THING,
  metric: "parts_total",
  from: T0,
  to: T0 + 20 * M,
  gapAfterMs: 5 * M,
  slotMs: 15 * M,
};

/** 2 + 3 + 3 (the reset counts its new value) + 7; then nothing over the silence, + 1. */
export const scenarioSlots: CounterSlot[] = [
  { start: T0, increase: 15 },
  { start: T0 + 15 * M, increase: 1 },
];
