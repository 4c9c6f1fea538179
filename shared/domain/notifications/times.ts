/**
 * Times as an operator reads them: 24-hour clock, English day and month names, the zone's short
 * name. Assembled from `formatToParts` so the text does not follow a locale's punctuation.
 */

import { memoizeByKey } from "../../collections.ts";

const formatFor = memoizeByKey(
  (timeZone: string) =>
    new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    }),
);

export function isTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface Fields {
  readonly weekday: string;
  readonly day: string;
  readonly month: string;
  readonly year: string;
  readonly clock: string;
  readonly zone: string;
}

function fields(iso: string, timeZone: string): Fields | undefined {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  const parts = new Map(
    formatFor(timeZone)
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.get(type) ?? "";
  return {
    weekday: get("weekday"),
    day: get("day"),
    month: get("month"),
    year: get("year"),
    clock: `${get("hour")}:${get("minute")}:${get("second")}`,
    zone: get("timeZoneName"),
  };
}

/** The zone to show: the one asked for when it exists, else UTC (a notification never fails on it). */
function zoneOrUtc(timeZone: string | undefined): { zone: string; unknown?: string } {
  if (timeZone === undefined || timeZone === "" || timeZone === "UTC") return { zone: "UTC" };
  return isTimeZone(timeZone) ? { zone: timeZone } : { zone: "UTC", unknown: timeZone };
}

/** `Wed 25 Nov 2026 13:03:10 CET (Europe/Berlin)`; `Wed 25 Nov 2026 12:03:10 UTC` in UTC. */
export function humanTime(iso: string, timeZone?: string): string {
  const { zone, unknown } = zoneOrUtc(timeZone);
  const f = fields(iso, zone);
  if (f === undefined) return iso;
  const text = `${f.weekday} ${f.day} ${f.month} ${f.year} ${f.clock} ${f.zone}`;
  if (unknown !== undefined) return `${text} (time zone "${unknown}" is unknown)`;
  return zone === "UTC" ? text : `${text} (${zone})`;
}

/** `13:03 CET`: the clock time alone, for a text message. */
export function clockTime(iso: string, timeZone?: string): string {
  const f = fields(iso, zoneOrUtc(timeZone).zone);
  return f === undefined ? iso : `${f.clock.slice(0, 5)} ${f.zone}`;
}
