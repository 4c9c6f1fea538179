import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { KpiFacts } from "../../../../shared/contracts/kpis.ts";
import {
  type AlarmSpan,
  type CounterSlot,
  type DeviceInput,
  deviceFacts,
  type RunSegment,
} from "../../../../shared/domain/kpis/deviceFacts.ts";
import { sumFacts } from "../../../../shared/domain/kpis/facts.ts";
import { figuresOf } from "../../../../shared/domain/kpis/figures.ts";
import { normalize, overlapMs } from "../../../../shared/domain/kpis/intervals.ts";

const FROM = 1_000_000_000_000;
const SPAN = 10 * 86_400_000;
const TO = FROM + SPAN;
const MINUTE = 60_000;

/** Segments as the stores return them: in time order, not overlapping, gaps between some. */
const segmentsArb = fc
  .array(fc.record({ gap: fc.nat(120), length: fc.integer({ min: 1, max: 600 }), running: fc.boolean() }), {
    maxLength: 60,
  })
  .map((steps) => {
    const segments: RunSegment[] = [];
    let at = FROM - 30 * MINUTE;
    for (const step of steps) {
      const start = at + step.gap * MINUTE;
      const end = start + step.length * MINUTE;
      const last = segments.at(-1);
      // Adjacent segments of one state would have been merged by the store.
      if (last !== undefined && last.end === start && last.running === step.running) {
        segments[segments.length - 1] = { ...last, end };
      } else segments.push({ start, end, running: step.running });
      at = end;
    }
    return segments;
  });

const slotsArb = fc.option(
  fc
    .array(fc.record({ slot: fc.nat(SPAN / (15 * MINUTE) - 1), increase: fc.nat(50) }), { maxLength: 40 })
    .map((slots): CounterSlot[] =>
      slots.map(({ slot, increase }) => ({ start: FROM + slot * 15 * MINUTE, increase })),
    ),
);

const plannedArb = fc
  .array(fc.tuple(fc.nat(SPAN / MINUTE), fc.integer({ min: 1, max: 2000 })), { maxLength: 15 })
  .map((windows) =>
    windows.length === 0
      ? [{ start: FROM, end: TO }]
      : normalize(
          windows.map(([start, length]) => ({
            start: FROM + start * MINUTE,
            end: Math.min(TO, FROM + (start + length) * MINUTE),
          })),
        ),
  );

const alarmsArb = fc
  .array(
    fc.record({
      ruleId: fc.constantFrom("overheat", "jam", "low-air"),
      raised: fc.integer({ min: -100, max: SPAN / MINUTE }),
      ack: fc.option(fc.nat(300)),
      clear: fc.option(fc.nat(600)),
    }),
    { maxLength: 10 },
  )
  .map((alarms) =>
    alarms.map(({ ruleId, raised, ack, clear }): AlarmSpan => {
      const raisedAt = FROM + raised * MINUTE;
      return {
        ruleId,
        severity: "major",
        raisedAt,
        raisedInRange: raisedAt >= FROM,
        ...(ack === null ? {} : { acknowledgedAt: raisedAt + ack * MINUTE }),
        ...(clear === null ? {} : { clearedAt: raisedAt + clear * MINUTE }),
      };
    }),
  );

const inputArb = fc
  .record({
    segments: segmentsArb,
    partsTotal: slotsArb,
    goodShare: fc.double({ min: 0, max: 1, noNaN: true }),
    idealCycleMs: fc.option(fc.integer({ min: 1000, max: 120_000 })),
    planned: plannedArb,
    alarms: alarmsArb,
  })
  .map(
    ({ segments, partsTotal, goodShare, idealCycleMs, planned, alarms }): DeviceInput => ({
      from: FROM,
      to: TO,
      now: TO,
      planned,
      segments,
      partsTotal,
      partsGood:
        partsTotal === null
          ? null
          : partsTotal.map((slot) => ({ ...slot, increase: Math.floor(slot.increase * goodShare) })),
      idealCycleMs,
      alarms,
    }),
  );

const ADDITIVE = ["plannedMs", "runMs", "stopMs", "unknownMs", "stops", "partsTotal", "partsGood"] as const;

function additive(facts: KpiFacts) {
  const { raised, acknowledged, acknowledgeMs, cleared, clearMs, inAlarmMs } = facts.alarms;
  return {
    ...Object.fromEntries(ADDITIVE.map((key) => [key, facts[key]])),
    alarms: { raised, acknowledged, acknowledgeMs, cleared, clearMs, inAlarmMs },
  };
}

describe("deviceFacts", () => {
  it("gives the same totals for a range as for its two halves summed", () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 1, max: SPAN - 1 }), (input, cut) => {
        const split = FROM + cut;
        const [whole] = deviceFacts(input, [{ start: FROM, end: TO }]) as [KpiFacts];
        const halves = deviceFacts(input, [
          { start: FROM, end: split },
          { start: split, end: TO },
        ]);
        expect(additive(sumFacts(halves))).toEqual(additive(whole));
      }),
    );
  });

  it("never counts a data gap as run time: run and stop time lie inside known planned time", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const [facts] = deviceFacts(input, [{ start: FROM, end: TO }]) as [KpiFacts];
        const running = normalize(input.segments.filter((s) => s.running));
        const runningPlanned = input.planned.reduce(
          (sum, window) => sum + overlapMs(running, window.start, window.end),
          0,
        );
        const covered = normalize(input.segments);
        const uncovered = input.planned.reduce(
          (sum, w) => sum + (w.end - w.start) - overlapMs(covered, w.start, w.end),
          0,
        );
        expect(facts.runMs).toBe(runningPlanned);
        expect(facts.unknownMs).toBe(uncovered);
        expect(facts.runMs + facts.stopMs + facts.unknownMs).toBe(facts.plannedMs);
      }),
    );
  });

  it("keeps availability and quality in [0, 1], and OEE at most 1 when the parts fit the run time", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        for (const facts of deviceFacts(input, [{ start: FROM, end: TO }])) {
          const figures = figuresOf(facts);
          // OEE is bounded only when the parts fit the run time (performance is not capped): below.
          for (const ratio of [figures.availability, figures.quality]) {
            if (ratio.value !== null) {
              expect(ratio.value).toBeGreaterThanOrEqual(0);
              expect(ratio.value).toBeLessThanOrEqual(1);
            }
          }
          const physical = facts.idealMs !== null && facts.idealMs <= facts.runMs;
          if (physical && figures.oee.value !== null) expect(figures.oee.value).toBeLessThanOrEqual(1);
          if (figures.performance.value !== null) expect(figures.performance.value).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it("makes a KPI not available with a reason when its input is missing, never 100 %", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const [facts] = deviceFacts({ ...input, partsTotal: null, partsGood: null, segments: [] }, [
          { start: FROM, end: TO },
        ]) as [KpiFacts];
        const figures = figuresOf(facts);
        expect(figures.availability).toEqual({ value: null, reason: "no_known_planned_time" });
        expect(figures.performance).toEqual({ value: null, reason: "no_parts_counter" });
        expect(figures.quality).toEqual({ value: null, reason: "no_parts_counter" });
        expect(figures.oee).toEqual({ value: null, reason: "factor_not_available" });
        expect(facts.unknownMs).toBe(facts.plannedMs);
      }),
    );
  });

  it("sums devices before dividing: a line's availability is its run time over its known time", () => {
    const period = [{ start: FROM, end: FROM + 10 * MINUTE }];
    const base = {
      from: FROM,
      to: TO,
      now: TO,
      planned: [{ start: FROM, end: TO }],
      partsTotal: null,
      partsGood: null,
      idealCycleMs: null,
      alarms: [],
    };
    // Device a: 1 minute known, running. Device b: 9 minutes known, stopped.
    const [a] = deviceFacts(
      { ...base, segments: [{ start: FROM, end: FROM + MINUTE, running: true }] },
      period,
    );
    const [b] = deviceFacts(
      { ...base, segments: [{ start: FROM, end: FROM + 9 * MINUTE, running: false }] },
      period,
    );
    const line = figuresOf(sumFacts([a as KpiFacts, b as KpiFacts]));
    // The average of the ratios would say 0.5.
    expect(line.availability.value).toBeCloseTo(0.1, 12);
  });

  it("counts an alarm still open as in alarm until now, not until a range that ends later", () => {
    const now = FROM + 10 * MINUTE;
    const [facts] = deviceFacts(
      {
        from: FROM,
        to: TO,
        now,
        planned: [{ start: FROM, end: TO }],
        segments: [],
        partsTotal: null,
        partsGood: null,
        idealCycleMs: null,
        alarms: [
          { ruleId: "overheat", severity: "critical", raisedAt: FROM + 4 * MINUTE, raisedInRange: true },
        ],
      },
      [{ start: FROM, end: TO }],
    ) as [KpiFacts];

    expect(facts.alarms.inAlarmMs).toBe(6 * MINUTE);
  });
});
