import { memoizeByKey } from "../../collections.ts";
import type { Schedule, Weekday } from "./rule.ts";

const WEEKDAY_BY_SHORT_NAME: Record<string, Weekday> = {
  Mon: "mon",
  Tue: "tue",
  Wed: "wed",
  Thu: "thu",
  Fri: "fri",
  Sat: "sat",
  Sun: "sun",
};
/** One formatter per time zone: building an `Intl.DateTimeFormat` is costly, using one is not. */
const formatterFor = memoizeByKey(
  (tz: string) =>
    new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }),
);

/** Local weekday and minute of day of `time` in `tz` (daylight-saving aware, via Intl). */
export function localTime(time: number, tz: string): { day: Weekday; minute: number } {
  let day: Weekday = "mon";
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(tz).formatToParts(time)) {
    if (part.type === "weekday") day = WEEKDAY_BY_SHORT_NAME[part.value] ?? day;
    else if (part.type === "hour") hour = Number(part.value);
    else if (part.type === "minute") minute = Number(part.value);
  }
  return { day, minute: hour * 60 + minute };
}

/**
 * Whether `time` falls in the schedule's active hours. `from` is inclusive and `to` exclusive; a
 * window that spans midnight (`from > to`) belongs to the day it starts on.
 */
export function isInSchedule(schedule: Schedule, time: number): boolean {
  const { day, minute } = localTime(time, schedule.tz);
  const { fromMinute, toMinute, days } = schedule;
  if (fromMinute === toMinute) return days.includes(day);
  if (fromMinute < toMinute) return days.includes(day) && minute >= fromMinute && minute < toMinute;
  if (minute >= fromMinute) return days.includes(day);
  if (minute < toMinute) return days.includes(previousDay(day));
  return false;
}

const ORDER: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
function previousDay(day: Weekday): Weekday {
  return ORDER[(ORDER.indexOf(day) + 6) % 7] as Weekday;
}
