/** A half-open time interval [start, end) in epoch ms. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** Sorted, merged, non-empty intervals. */
export function normalize(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && interval.start <= last.end) {
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, interval.end) };
    } else merged.push(interval);
  }
  return merged;
}

/** Length of the overlap of [start, end) with normalized intervals. */
export function overlapMs(intervals: readonly Interval[], start: number, end: number): number {
  let total = 0;
  for (const interval of intervals) {
    if (interval.start >= end) break;
    total += Math.max(0, Math.min(end, interval.end) - Math.max(start, interval.start));
  }
  return total;
}

/** The pieces of [start, end) inside normalized intervals. */
export function clip(intervals: readonly Interval[], start: number, end: number): Interval[] {
  const pieces: Interval[] = [];
  for (const interval of intervals) {
    if (interval.start >= end) break;
    const piece = { start: Math.max(start, interval.start), end: Math.min(end, interval.end) };
    if (piece.end > piece.start) pieces.push(piece);
  }
  return pieces;
}

/** Whether `time` lies in normalized intervals. */
export function contains(intervals: readonly Interval[], time: number): boolean {
  return intervals.some((i) => time >= i.start && time < i.end);
}
