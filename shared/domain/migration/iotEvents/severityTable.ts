import type { Severity } from "../../alarms/rule.ts";

/**
 * IoT Events documents `Severity` only as "a non-negative integer that reflects the severity level"
 * (0 to 2147483647) and fixes no direction. The default table reads it like the console's examples
 * and most plants' numbering, lower is more severe: 0–1 critical, 2 major, 3 minor, 4 warning,
 * 5 and above info. `--severity-map N=severity` overrides single values.
 */
export function defaultSeverity(level: number): Severity {
  if (level <= 1) return "critical";
  if (level === 2) return "major";
  if (level === 3) return "minor";
  if (level === 4) return "warning";
  return "info";
}

/** A model without a `Severity` pages no one by surprise, nor is it ignored. */
export const SEVERITY_WHEN_ABSENT: Severity = "major";

const MAX_IOT_EVENTS_SEVERITY = 2_147_483_647;

export function isIotEventsSeverity(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_IOT_EVENTS_SEVERITY;
}
