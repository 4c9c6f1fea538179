import type { Schedule } from "../alarms/rule.ts";
import { type Interval, normalize } from "./intervals.ts";
import { instantAt, localDays, weekdayIndex } from "./zonedTime.ts";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/**
 * The planned production time in [from, to): the union of the schedules' windows (the alarm rules'
 * semantics: `from` inclusive, `to` exclusive, a window past midnight belongs to the day it starts
 * on). No schedules: all of it is planned.
 */
export function plannedIntervals(
  from: number,
  to: number,
  schedules: readonly Schedule[] | undefined,
): Interval[] {
  if (schedules === undefined) return to > from ? [{ start: from, end: to }] : [];
  const windows: Interval[] = [];
  for (const schedule of schedules) {
    const endMinute =
      schedule.toMinute > schedule.fromMinute ? schedule.toMinute : schedule.toMinute + 24 * 60;
    // The day before `from`: its window may reach past midnight into the range.
    for (const day of localDays(from, to, schedule.tz, 1)) {
      if (!schedule.days.includes(WEEKDAYS[weekdayIndex(day)] ?? "mon")) continue;
      const start = instantAt(day, schedule.fromMinute, schedule.tz);
      const end = instantAt(day, endMinute, schedule.tz);
      windows.push({ start: Math.max(from, start), end: Math.min(to, end) });
    }
  }
  return normalize(windows);
}
