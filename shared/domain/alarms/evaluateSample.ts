import type { DeviceRecord } from "../../ports/deviceRegistry.ts";
import type { MetricValue } from "../ingest/types.ts";
import type { AlarmInstance, AlarmStateName } from "./alarmState.ts";
import { describeCondition, format, formatDuration, holds } from "./condition.ts";
import type { RateRule, ThresholdRule } from "./rule.ts";
import { isInSchedule } from "./schedule.ts";

/** At most this many points are kept per rate window; older ones are thinned out. */
const MAX_WINDOW_POINTS = 64;

export interface SampleContext {
  readonly device: DeviceRecord | undefined;
  /** Processing time, for snooze expiry. */
  readonly now: number;
  /** The thing is offline: alarms other than offline ones may not be raised on its data. */
  readonly inhibited: boolean;
}

export type SampleOutcome =
  | { readonly kind: "late"; readonly lastSampleTime: number }
  | { readonly kind: "duplicate" }
  | {
      readonly kind: "evaluated";
      readonly instance: AlarmInstance;
      /** Transitions in order (a snooze that ended, then what the sample caused). */
      readonly changes: readonly {
        readonly from: AlarmStateName;
        readonly to: AlarmStateName;
        readonly reason: string;
        readonly at: number;
      }[];
    };

export function newInstance(ruleId: string, since: number): AlarmInstance {
  return { ruleId, state: "NORMAL", since, breaching: false };
}

/**
 * One sample against one threshold or rate alarm: the C4 state machine, by event time.
 * A sample not newer than the last evaluated one changes nothing (late, or a duplicate when it
 * has the same time); DISABLED alarms only note the time; SNOOZED ones wait for the snooze to end.
 */
export function evaluateSample(
  current: AlarmInstance,
  rule: ThresholdRule | RateRule,
  time: number,
  value: MetricValue,
  context: SampleContext,
): SampleOutcome {
  if (current.lastSampleTime !== undefined && time <= current.lastSampleTime) {
    return time === current.lastSampleTime
      ? { kind: "duplicate" }
      : { kind: "late", lastSampleTime: current.lastSampleTime };
  }
  const changes: { from: AlarmStateName; to: AlarmStateName; reason: string; at: number }[] = [];
  let instance: AlarmInstance = { ...current, lastSampleTime: time };

  if (instance.state === "SNOOZED" && context.now >= (instance.snoozedUntil ?? 0)) {
    const at = instance.snoozedUntil ?? context.now;
    changes.push({ from: "SNOOZED", to: "NORMAL", reason: "snooze ended", at });
    instance = { ...withoutSnooze(instance), state: "NORMAL", since: at, breaching: false };
  }
  if (instance.state === "DISABLED" || instance.state === "SNOOZED") {
    return { kind: "evaluated", instance, changes };
  }

  let observed: MetricValue | undefined = value;
  if (rule.kind === "rate") {
    if (typeof value !== "number") return { kind: "evaluated", instance, changes };
    const window = slideWindow(instance.window ?? [], time, value, rule.windowMs);
    instance = { ...instance, window };
    observed = ratePerMinute(window);
  }
  if (observed === undefined) return { kind: "evaluated", instance, changes };

  const breach = holds(rule.condition, observed, context.device);
  if (breach === undefined) return { kind: "evaluated", instance, changes };
  const clears = rule.clear ? holds(rule.clear, observed, context.device) === true : !breach;
  const label =
    rule.kind === "rate"
      ? `${rule.metric} rate ${format(observed)}/min`
      : `${rule.metric} ${format(observed)}`;

  switch (instance.state) {
    case "NORMAL":
    case "LATCHED": {
      const mayRaise = breach && !context.inhibited && (!rule.schedule || isInSchedule(rule.schedule, time));
      if (!mayRaise) {
        instance = withoutPending({ ...instance, breaching: breach });
        break;
      }
      const pending = { since: instance.pending?.since ?? time, count: (instance.pending?.count ?? 0) + 1 };
      if (time - pending.since >= rule.forMs && pending.count >= rule.count) {
        const held =
          rule.forMs > 0
            ? ` for ${formatDuration(rule.forMs)}`
            : rule.count > 1
              ? ` for ${rule.count} samples`
              : "";
        changes.push({
          from: instance.state,
          to: "ACTIVE",
          reason: `${label} ${describeCondition(rule.condition, context.device)}${held}`,
          at: time,
        });
        instance = {
          ...withoutPending(instance),
          state: "ACTIVE",
          since: time,
          activeSince: time,
          breaching: true,
        };
        instance = withoutNotification(instance);
      } else {
        instance = { ...instance, pending, breaching: true };
      }
      break;
    }
    case "ACTIVE":
    case "ACKNOWLEDGED": {
      if (clears) {
        const to = instance.state === "ACTIVE" && rule.latch ? "LATCHED" : "NORMAL";
        const why = rule.clear
          ? `${label} ${describeCondition(rule.clear, context.device)}`
          : `${label} no longer ${describeCondition(rule.condition, context.device)}`;
        changes.push({ from: instance.state, to, reason: why, at: time });
        instance = withoutNotification(
          withoutPending({ ...instance, state: to, since: time, breaching: breach }),
        );
        if (to === "NORMAL") instance = withoutActiveSince(instance);
      } else {
        instance = { ...instance, breaching: breach };
      }
      break;
    }
  }
  return { kind: "evaluated", instance, changes };
}

/** Keeps the points inside `[time - windowMs, time]`, thinning the middle when there are too many. */
export function slideWindow(
  window: readonly (readonly [number, number])[],
  time: number,
  value: number,
  windowMs: number,
): (readonly [number, number])[] {
  const kept = window.filter(([at]) => at >= time - windowMs);
  kept.push([time, value]);
  if (kept.length > MAX_WINDOW_POINTS) kept.splice(1, 1);
  return kept;
}

/** Change per minute between the oldest and newest point of the window, or undefined with too little data. */
export function ratePerMinute(window: readonly (readonly [number, number])[]): number | undefined {
  const first = window[0];
  const last = window[window.length - 1];
  if (!first || !last || last[0] <= first[0]) return undefined;
  return ((last[1] - first[1]) / (last[0] - first[0])) * 60_000;
}

function withoutPending(instance: AlarmInstance): AlarmInstance {
  const { pending: _pending, ...rest } = instance;
  return rest;
}

function withoutSnooze(instance: AlarmInstance): AlarmInstance {
  const { snoozedUntil: _snoozedUntil, ...rest } = instance;
  return rest;
}

function withoutActiveSince(instance: AlarmInstance): AlarmInstance {
  const { activeSince: _activeSince, ...rest } = instance;
  return rest;
}

function withoutNotification(instance: AlarmInstance): AlarmInstance {
  const {
    lastNotifiedAt: _lastNotifiedAt,
    escalatedTo: _escalatedTo,
    remindersSent: _remindersSent,
    ...rest
  } = instance;
  return rest;
}
