import type { KpiAlarmFacts, KpiFacts, KpiRuleFacts } from "../../contracts/kpis.ts";
import type { Severity } from "../alarms/rule.ts";
import { rankRules } from "./facts.ts";
import { clip, contains, type Interval, overlapMs } from "./intervals.ts";

/**
 * Time the running signal is known: consecutive samples no further apart than the gap threshold,
 * merged while the state stays the same. Oldest first, not overlapping; time between segments is a
 * data gap (unknown).
 */
export interface RunSegment {
  readonly start: number;
  readonly end: number;
  readonly running: boolean;
}

/** A counter's increase (resets handled, increases across data gaps left out) in one slot. */
export interface CounterSlot {
  /** Epoch ms: the slot's start (a multiple of `SLOT_MS`). */
  readonly start: number;
  readonly increase: number;
}

/** One raise of one alarm, with what followed it (whenever that was). */
export interface AlarmSpan {
  readonly ruleId: string;
  readonly severity?: Severity;
  /** When it became ACTIVE; before the range when it was already raised at its start. */
  readonly raisedAt: number;
  /** Whether `raisedAt` is a raise seen in the range (else only its time in alarm counts). */
  readonly raisedInRange: boolean;
  readonly acknowledgedAt?: number;
  /** Back to NORMAL or LATCHED: the condition cleared. */
  readonly clearedAt?: number;
  /** When it stopped being in alarm without clearing (disabled, reset); absent while still in alarm. */
  readonly endedAt?: number;
}

export interface DeviceInput {
  readonly from: number;
  readonly to: number;
  /** When the facts are drawn: an alarm still open is in alarm until then, not until a later `to`. */
  readonly now: number;
  /** Planned time in [from, to), normalized. */
  readonly planned: readonly Interval[];
  readonly segments: readonly RunSegment[];
  /** Null: the model names no such counter, or it has no samples in the range. */
  readonly partsTotal: readonly CounterSlot[] | null;
  readonly partsGood: readonly CounterSlot[] | null;
  /** Null: unknown, so performance is not available. */
  readonly idealCycleMs: number | null;
  readonly alarms: readonly AlarmSpan[];
}

/**
 * One device's facts over each of `periods` (buckets of the range, or the range itself). Only
 * planned time counts; time without data is unknown, never run or stop time. A stop is a change
 * from running to stopped seen in the data, counted where it begins; a stop first seen after a data
 * gap is not counted (it began at some unknown time in the gap), though its stop time is. That keeps
 * the count decidable from `gapAfter` of data before a range, so ranges add up.
 */
export function deviceFacts(input: DeviceInput, periods: readonly Interval[]): KpiFacts[] {
  const known = input.segments.flatMap((segment) =>
    clip(input.planned, segment.start, segment.end).map((piece) => ({ ...piece, running: segment.running })),
  );
  const stopStarts = input.segments
    .filter((segment, index) => {
      const before = input.segments[index - 1];
      return !segment.running && before?.running === true && before.end === segment.start;
    })
    .map((segment) => segment.start)
    .filter((start) => start >= input.from && start < input.to && contains(input.planned, start));
  return periods.map((period) => {
    const plannedMs = overlapMs(input.planned, period.start, period.end);
    let runMs = 0;
    let stopMs = 0;
    let longestStopMs = 0;
    for (const piece of known) {
      const ms = Math.max(0, Math.min(period.end, piece.end) - Math.max(period.start, piece.start));
      if (piece.running) runMs += ms;
      else {
        stopMs += ms;
        longestStopMs = Math.max(longestStopMs, ms);
      }
    }
    const partsTotal = counted(input.partsTotal, period, input.from);
    const partsGood = counted(input.partsGood, period, input.from);
    return {
      plannedMs,
      runMs,
      stopMs,
      unknownMs: plannedMs - runMs - stopMs,
      stops: stopStarts.filter((start) => start >= period.start && start < period.end).length,
      longestStopMs,
      partsTotal,
      partsGood,
      idealMs:
        partsTotal === null
          ? null
          : partsTotal === 0
            ? 0
            : input.idealCycleMs === null
              ? null
              : input.idealCycleMs * partsTotal,
      alarms: alarmFacts(input.alarms, period, Math.min(input.to, input.now)),
    };
  });
}

/** A slot's increase belongs to the period holding the slot's first instant inside the range. */
function counted(slots: readonly CounterSlot[] | null, period: Interval, from: number): number | null {
  if (slots === null) return null;
  let total = 0;
  for (const slot of slots) {
    const at = Math.max(slot.start, from);
    if (at >= period.start && at < period.end) total += slot.increase;
  }
  return total;
}

function alarmFacts(spans: readonly AlarmSpan[], period: Interval, rangeEnd: number): KpiAlarmFacts {
  const bySeverity: Partial<Record<Severity, number>> = {};
  const byRule = new Map<string, KpiRuleFacts>();
  let raised = 0;
  let acknowledged = 0;
  let acknowledgeMs = 0;
  let cleared = 0;
  let clearMs = 0;
  let inAlarmMs = 0;
  for (const span of spans) {
    const raisedHere = span.raisedInRange && span.raisedAt >= period.start && span.raisedAt < period.end;
    const end = span.clearedAt ?? span.endedAt ?? rangeEnd;
    const ms = Math.max(0, Math.min(period.end, end) - Math.max(period.start, span.raisedAt));
    if (!raisedHere && ms === 0) continue;
    inAlarmMs += ms;
    if (raisedHere) {
      raised += 1;
      if (span.severity !== undefined) bySeverity[span.severity] = (bySeverity[span.severity] ?? 0) + 1;
      if (span.acknowledgedAt !== undefined) {
        acknowledged += 1;
        acknowledgeMs += span.acknowledgedAt - span.raisedAt;
      }
      if (span.clearedAt !== undefined) {
        cleared += 1;
        clearMs += span.clearedAt - span.raisedAt;
      }
    }
    const rule = byRule.get(span.ruleId) ?? {
      ruleId: span.ruleId,
      ...(span.severity === undefined ? {} : { severity: span.severity }),
      raised: 0,
      inAlarmMs: 0,
    };
    byRule.set(span.ruleId, {
      ...rule,
      raised: rule.raised + (raisedHere ? 1 : 0),
      inAlarmMs: rule.inAlarmMs + ms,
    });
  }
  return {
    raised,
    bySeverity,
    acknowledged,
    acknowledgeMs,
    cleared,
    clearMs,
    inAlarmMs,
    byRule: rankRules([...byRule.values()]),
  };
}
