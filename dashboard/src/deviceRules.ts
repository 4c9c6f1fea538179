import type { AlarmRuleDocument } from "../../shared/contracts/alarmRules.ts";
import type { DeviceView, HistoryView } from "../../shared/contracts/operatorApi.ts";
import type { AlarmStateName } from "../../shared/domain/alarms/alarmState.ts";
import { compileThingGlobs } from "../../shared/domain/thingGlob.ts";
import type { AlarmBand, ThresholdLine } from "./metricChart.ts";

type ThresholdRule = Extract<AlarmRuleDocument, { kind: "threshold" }>;
type Condition = ThresholdRule["condition"];

/** Whether a rule applies to a device: every part of `match` given must match (C3). */
export function ruleMatches(
  rule: AlarmRuleDocument,
  device: DeviceView | undefined,
  thingName: string,
): boolean {
  const match = rule.match;
  if (match === undefined) return true;
  if (match.things !== undefined && !compileThingGlobs(match.things).test(thingName)) return false;
  if (match.site !== undefined && device?.site !== match.site) return false;
  if (match.line !== undefined && device?.line !== match.line) return false;
  if (match.model !== undefined && device?.model !== match.model) return false;
  return true;
}

/** Metrics some rule of the device watches: charted even before the first live sample arrives. */
export function ruleMetrics(
  rules: readonly AlarmRuleDocument[],
  device: DeviceView | undefined,
  thingName: string,
) {
  const metrics = new Set<string>();
  for (const rule of rules) {
    if (rule.kind !== "offline" && ruleMatches(rule, device, thingName)) metrics.add(rule.metric);
  }
  return metrics;
}

/** The numeric thresholds of the device's threshold rules on `metric`, for horizontal lines. */
export function thresholdLines(
  rules: readonly AlarmRuleDocument[],
  device: DeviceView | undefined,
  thingName: string,
  metric: string,
): ThresholdLine[] {
  const lines: ThresholdLine[] = [];
  for (const rule of rules) {
    if (rule.kind !== "threshold" || rule.metric !== metric || !ruleMatches(rule, device, thingName))
      continue;
    for (const value of conditionValues(rule.condition, device)) lines.push({ value, kind: "raise" });
    if (rule.clear !== undefined) {
      for (const value of conditionValues(rule.clear, device)) lines.push({ value, kind: "clear" });
    }
  }
  return lines;
}

function conditionValues(condition: Condition, device: DeviceView | undefined): number[] {
  const thresholds = "value" in condition ? [condition.value] : [condition.low, condition.high];
  return thresholds
    .map((threshold) => numericThreshold(threshold, device))
    .filter((value): value is number => value !== undefined);
}

/** A literal number, or the device's attribute (as the evaluator resolves it), else its default. */
function numericThreshold(threshold: unknown, device: DeviceView | undefined): number | undefined {
  if (typeof threshold === "number") return threshold;
  if (typeof threshold !== "object" || threshold === null || !("attribute" in threshold)) return undefined;
  const { attribute, default: fallback } = threshold as { attribute: string; default: number };
  const own = device?.attributes?.[attribute];
  return typeof own === "number" && Number.isFinite(own) ? own : fallback;
}

const RAISED: ReadonlySet<AlarmStateName> = new Set(["ACTIVE", "ACKNOWLEDGED", "LATCHED"]);

/** The periods an alarm was raised (ACTIVE, ACKNOWLEDGED or LATCHED), from its transitions. */
export function alarmBands(
  history: readonly HistoryView[],
  current?: { state: AlarmStateName; since: string },
) {
  const bands: AlarmBand[] = [];
  let open: number | undefined;
  const transitions = history
    .filter((entry) => entry.kind === "transition")
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const entry of transitions) {
    const at = Date.parse(entry.at);
    if (RAISED.has(entry.to)) open ??= at;
    else if (open !== undefined) {
      bands.push({ from: open, to: at });
      open = undefined;
    }
  }
  // The first page of a long history may end before the latest transition; the current state says.
  if (open === undefined && current !== undefined && RAISED.has(current.state))
    open = Date.parse(current.since);
  if (open !== undefined) bands.push({ from: open });
  return bands;
}
