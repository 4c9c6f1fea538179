import { memoizeByKey } from "../../collections.ts";

const DAY_MS = 86_400_000;

const formatterFor = memoizeByKey(
  (tz: string) =>
    new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    }),
);

/** The zone's offset from UTC at `time`, in ms (positive east of Greenwich). */
function offsetAt(time: number, tz: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(tz).formatToParts(time)) parts[part.type] = Number(part.value);
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - Math.floor(time / 1000) * 1000;
}

/**
 * A local calendar day as the UTC midnight of the same date (`Date.UTC(y, m, d)`): day arithmetic
 * without a zone, turned into instants by `instantAt`.
 */
function localDayOf(time: number, tz: string): number {
  const wall = time + offsetAt(time, tz);
  return Math.floor(wall / DAY_MS) * DAY_MS;
}

/**
 * The instant the zone's clocks show `minute` minutes after midnight of `day` (from `localDayOf`).
 * In a daylight-saving gap the wall time does not exist; the instant after the gap is returned. In
 * an overlap, the earlier instant.
 */
export function instantAt(day: number, minute: number, tz: string): number {
  const wall = day + minute * 60_000;
  const first = wall - offsetAt(wall, tz);
  const second = wall - offsetAt(first, tz);
  if (first === second) return first;
  // Around a change the two guesses differ: prefer one that shows the wall time, else the later.
  const earlier = Math.min(first, second);
  return earlier + offsetAt(earlier, tz) === wall ? earlier : Math.max(first, second);
}

/** The local days from the one containing `from` (less `extraBefore` days) to the one containing `to`. */
export function localDays(from: number, to: number, tz: string, extraBefore = 0): number[] {
  const days: number[] = [];
  const last = localDayOf(to, tz);
  for (let day = localDayOf(from, tz) - extraBefore * DAY_MS; day <= last; day += DAY_MS) days.push(day);
  return days;
}

/** Weekday of a `localDayOf` day: 0 Monday .. 6 Sunday. */
export function weekdayIndex(day: number): number {
  return (new Date(day).getUTCDay() + 6) % 7;
}
