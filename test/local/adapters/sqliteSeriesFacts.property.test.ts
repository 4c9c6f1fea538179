import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SqliteSeriesStore } from "../../../local/adapters/sqliteSeriesStore.ts";
import type { KpiFacts } from "../../../shared/contracts/kpis.ts";
import { SLOT_MS } from "../../../shared/domain/kpis/buckets.ts";
import { deviceFacts } from "../../../shared/domain/kpis/deviceFacts.ts";
import { sumFacts } from "../../../shared/domain/kpis/facts.ts";
import type { SeriesPoint } from "../../../shared/ports/seriesStore.ts";

const T0 = Date.parse("2026-11-25T00:00:00.000Z");
const S = 1000;
const GAP = 60 * S;
const RANGE = 20 * 60 * S;

/** Samples every few seconds with silences now and then; the running signal and a resetting counter. */
const samplesArb = fc
  .array(
    fc.record({
      after: fc.oneof(
        { weight: 19, arbitrary: fc.integer({ min: 1, max: 15 }) },
        fc.integer({ min: 61, max: 300 }),
      ),
      running: fc.boolean(),
      parts: fc.integer({ min: 0, max: 5 }),
      reset: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    }),
    { minLength: 100, maxLength: 300 },
  )
  .map((steps) => {
    const points: SeriesPoint[] = [];
    let time = T0 - 2 * GAP;
    let counter = 0;
    steps.forEach((step, index) => {
      time += step.after * S;
      counter = step.reset ? step.parts : counter + step.parts;
      points.push({
        thingName: "press-7",
        time,
        version: 1,
        metrics: { running: step.running, parts_total: counter },
        ref: { messageIndex: index, sampleIndex: 0 },
      });
    });
    return points;
  });

async function factsOf(store: SqliteSeriesStore, from: number, to: number, now: number): Promise<KpiFacts> {
  const [segments, parts] = await Promise.all([
    store.runSegments({
      thingName: "press-7",
      metric: "running",
      threshold: 0,
      from,
      to,
      gapAfterMs: GAP,
      horizon: Math.min(to + GAP, now),
    }),
    store.counterIncreases({
      thingName: "press-7",
      metric: "parts_total",
      from,
      to,
      gapAfterMs: GAP,
      slotMs: SLOT_MS,
    }),
  ]);
  const [facts] = deviceFacts(
    {
      from,
      to,
      now: to,
      planned: [{ start: from, end: to }],
      segments,
      partsTotal: parts,
      partsGood: null,
      idealCycleMs: 1000,
      alarms: [],
    },
    [{ start: from, end: to }],
  );
  return facts as KpiFacts;
}

const additive = ({ plannedMs, runMs, stopMs, unknownMs, stops, partsTotal }: KpiFacts) => ({
  plannedMs,
  runMs,
  stopMs,
  unknownMs,
  stops,
  partsTotal,
});

describe("SqliteSeriesStore aggregates with the KPI domain", () => {
  it("gives a range the same totals as its two halves, whatever the store reads around each", async () => {
    await fc.assert(
      fc.asyncProperty(samplesArb, fc.integer({ min: 1, max: RANGE / S - 1 }), async (points, cut) => {
        const store = new SqliteSeriesStore({ path: ":memory:" });
        try {
          await store.write(points, { deadline: Number.POSITIVE_INFINITY });
          const now = (points.at(-1)?.time ?? T0) + 10 * S;
          const [from, split, to] = [T0, T0 + cut * S, T0 + RANGE];
          const whole = await factsOf(store, from, to, now);
          const halves = sumFacts([
            await factsOf(store, from, split, now),
            await factsOf(store, split, to, now),
          ]);
          expect(additive(halves)).toEqual(additive(whole));
          expect(whole.runMs + whole.stopMs + whole.unknownMs).toBe(RANGE);
        } finally {
          store.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
