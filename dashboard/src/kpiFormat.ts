import type { KpiBucket, KpiUnavailableReason, KpiValue } from "../../shared/contracts/kpis.ts";

/** What a KPI is: a ratio shown as a percentage, or a duration. */
export type KpiKind = "ratio" | "duration";

export const NOT_AVAILABLE = "not available";

/** Why a KPI has no value, in an operator's words. */
const REASONS: Readonly<Record<KpiUnavailableReason, string>> = {
  no_known_planned_time: "no data in planned time",
  no_run_time: "the machine did not run",
  no_parts_counter: "no parts counter",
  no_good_counter: "no good-parts counter",
  no_ideal_cycle: "no ideal cycle time",
  no_parts: "no parts made",
  factor_not_available: "a factor is not available",
  no_stops: "no stops",
  no_alarms_acknowledged: "no alarm acknowledged",
  no_alarms_cleared: "no alarm cleared",
};

/** `68.2 %`, `1.5 h`, or "not available": a missing KPI never reads as a number. */
export function kpiText(value: KpiValue, kind: KpiKind): string {
  if (value.value === null) return NOT_AVAILABLE;
  return kind === "ratio" ? percentText(value.value) : durationText(value.value);
}

export function reasonText(value: KpiValue): string {
  return value.value === null ? REASONS[value.reason] : "";
}

/**
 * A ratio as a percentage with one decimal; above 100 % stays above (a performance over the ideal),
 * and short of 1 never rounds up to 100.0 %, which only a full ratio reads.
 */
export function percentText(ratio: number): string {
  const percent = ratio < 1 ? Math.min(ratio * 100, 99.9) : ratio * 100;
  return `${percent.toFixed(1)} %`;
}

/** `42 s`, `12 min`, `3.5 h`, `2.1 d`: the unit a person would say. */
export function durationText(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** A bucket's start in the plant's zone: the hour, the shift's day and start, or the day. */
export function bucketLabel(startIso: string, bucket: KpiBucket, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions =
    bucket === "day"
      ? { month: "short", day: "numeric" }
      : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false };
  return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(new Date(startIso));
}

const count = new Intl.NumberFormat();

/** `84,210` in the reader's locale. */
export function countText(value: number): string {
  return count.format(value);
}
