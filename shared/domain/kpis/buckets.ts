import type { KpiBucket } from "../../contracts/kpis.ts";
import type { Interval } from "./intervals.ts";
import { instantAt, localDays } from "./zonedTime.ts";

/** Bucket edges fall on quarter hours of every zone, so the stores may sum counters per this slot. */
export const SLOT_MS = 15 * 60_000;

/**
 * The buckets of [from, to): local hours, shifts (starting at `shifts`, "HH:MM" in `tz`) or local
 * days; the first and last clipped to the range.
 */
export function bucketsOf(
  from: number,
  to: number,
  bucket: KpiBucket,
  tz: string,
  shifts: readonly string[],
): Interval[] {
  const minutes =
    bucket === "day"
      ? [0]
      : bucket === "hour"
        ? Array.from({ length: 24 }, (_, hour) => hour * 60)
        : shifts.map(minuteOfDay);
  const edges = new Set<number>([from, to]);
  for (const day of localDays(from, to, tz)) {
    for (const minute of minutes) {
      const edge = instantAt(day, minute, tz);
      if (edge > from && edge < to) edges.add(edge);
    }
  }
  const sorted = [...edges].sort((a, b) => a - b);
  return sorted.slice(1).map((end, index) => ({ start: sorted[index] as number, end }));
}

function minuteOfDay(time: string): number {
  const [hours = 0, minutes = 0] = time.split(":").map(Number);
  return hours * 60 + minutes;
}
