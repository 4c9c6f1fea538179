import {
  type AlarmRule,
  DEFAULT_OFFLINE_GRACE_MS,
  type Notify,
  type RuleMatch,
  type Schedule,
  WEEKDAYS,
  type Weekday,
} from "../domain/alarms/rule.ts";
import type { AlarmRuleDocument } from "./alarmRules.ts";
import { parseDuration } from "./ruleDuration.ts";

/**
 * C3 authored document → the compiled rule the evaluator runs: durations in ms, defaults applied
 * (latch false, for 0, count 1, grace 30s, schedule all day every day), day ranges expanded.
 */

function ms(duration: string | number): number {
  return parseDuration(duration) ?? 0;
}

function minuteOfDay(time: string): number {
  const [hours, minutes] = time.split(":").map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** `["mon-fri", "sun"]` → mon..fri and sun, in week order; a range may wrap (`fri-mon`). */
export function expandDays(days: readonly string[]): Weekday[] {
  const selected = new Set<Weekday>();
  for (const entry of days) {
    const [first, last = first] = entry.split("-") as [Weekday, Weekday?];
    const start = WEEKDAYS.indexOf(first);
    const length = (WEEKDAYS.indexOf(last) - start + 7) % 7;
    for (let step = 0; step <= length; step++) selected.add(WEEKDAYS[(start + step) % 7] as Weekday);
  }
  return WEEKDAYS.filter((day) => selected.has(day));
}

export function compileSchedule(schedule: NonNullable<AlarmRuleDocument["schedule"]>): Schedule {
  return {
    days: expandDays(schedule.days ?? [...WEEKDAYS]),
    fromMinute: minuteOfDay(schedule.from ?? "00:00"),
    toMinute: minuteOfDay(schedule.to ?? "24:00"),
    tz: new Intl.DateTimeFormat("en-US", { timeZone: schedule.tz }).resolvedOptions().timeZone,
  };
}

function compileNotify(notify: NonNullable<AlarmRuleDocument["notify"]>): Notify {
  return {
    ...(notify.repeat === undefined ? {} : { repeatMs: ms(notify.repeat) }),
    ...(notify.escalate === undefined
      ? {}
      : { escalate: { afterMs: ms(notify.escalate.after), severity: notify.escalate.severity } }),
  };
}

/** The compiled rule of a valid document: durations in ms, defaults applied, day ranges expanded. */
export function compileRule(document: AlarmRuleDocument): AlarmRule {
  const match: RuleMatch = { ...document.match };
  const common = {
    id: document.id,
    name: document.name,
    severity: document.severity,
    match,
    latch: document.latch ?? false,
    ...(document.notify === undefined ? {} : { notify: compileNotify(document.notify) }),
    ...(document.schedule === undefined ? {} : { schedule: compileSchedule(document.schedule) }),
    ...(document.description === undefined ? {} : { description: document.description }),
  };
  if (document.kind === "offline") {
    return {
      ...common,
      kind: "offline",
      ...(document.after === undefined ? {} : { afterMs: ms(document.after) }),
      graceMs: document.grace === undefined ? DEFAULT_OFFLINE_GRACE_MS : ms(document.grace),
    };
  }
  const sample = {
    ...common,
    metric: document.metric,
    condition: document.condition,
    ...(document.clear === undefined ? {} : { clear: document.clear }),
    forMs: document.for === undefined ? 0 : ms(document.for),
    count: document.count ?? 1,
  };
  return document.kind === "rate"
    ? { ...sample, kind: "rate", windowMs: ms(document.window) }
    : { ...sample, kind: "threshold" };
}
