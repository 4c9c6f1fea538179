import type { AlarmStateName, OperatorAction } from "../alarms/alarmState.ts";
import type { Severity } from "../alarms/rule.ts";
import type { AlarmSpan } from "./deviceFacts.ts";

/** The alarm is raised and not yet cleared: its condition holds. */
export const IN_ALARM: ReadonlySet<AlarmStateName> = new Set(["ACTIVE", "ACKNOWLEDGED", "SNOOZED"]);
const CLEARED: ReadonlySet<AlarmStateName> = new Set(["NORMAL", "LATCHED"]);

export interface Transition {
  readonly at: number;
  readonly from: AlarmStateName;
  readonly to: AlarmStateName;
  readonly action?: OperatorAction;
}

/**
 * One alarm's raises from its transitions (oldest first) from `from` on, read until every raise
 * before `to` has cleared or ended, or the history ends. A raise before `from` still in alarm there
 * counts for its time in alarm only.
 */
export function alarmSpans(
  ruleId: string,
  severity: Severity | undefined,
  transitions: readonly Transition[],
  range: { readonly from: number; readonly to: number; readonly currentState: AlarmStateName },
): AlarmSpan[] {
  const { from, to } = range;
  const spans: AlarmSpan[] = [];
  let open: { -readonly [K in keyof AlarmSpan]: AlarmSpan[K] } | undefined;
  // The state at `from`: what the first later transition left, or (none since) the current one.
  if (IN_ALARM.has(transitions[0]?.from ?? range.currentState)) {
    open = { ruleId, raisedAt: from, raisedInRange: false };
  }
  for (const transition of transitions) {
    if (open === undefined) {
      if (transition.at < to && transition.to === "ACTIVE" && !IN_ALARM.has(transition.from)) {
        open = {
          ruleId,
          raisedAt: transition.at,
          raisedInRange: transition.at >= from,
        };
      }
      continue;
    }
    if (
      open.acknowledgedAt === undefined &&
      (transition.to === "ACKNOWLEDGED" || transition.action === "ACKNOWLEDGE")
    ) {
      open.acknowledgedAt = transition.at;
    }
    if (IN_ALARM.has(transition.from) && CLEARED.has(transition.to) && transition.action === undefined) {
      open.clearedAt = transition.at;
    } else if (IN_ALARM.has(transition.from) && !IN_ALARM.has(transition.to)) {
      open.endedAt = transition.at;
    } else continue;
    spans.push(withSeverity(open, severity));
    open = undefined;
  }
  if (open !== undefined) spans.push(withSeverity(open, severity));
  return spans;
}

function withSeverity(span: AlarmSpan, severity: Severity | undefined): AlarmSpan {
  return severity === undefined ? span : { ...span, severity };
}
