/**
 * Where the alarm change feed stands: an ISO 8601 UTC write time, optionally followed by `#` and
 * what tells apart the entries written in one millisecond. Positions compare as strings.
 */
export type FeedPosition = string;

/** The position just before every history entry written at or after `time` (epoch ms). */
export function feedPositionAt(time: number): FeedPosition {
  return new Date(time).toISOString();
}

/** The write time a position starts with, or undefined when it does not start with one. */
export function feedPositionTime(position: string): number | undefined {
  const iso = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)(#|$)/.exec(position)?.[1];
  if (iso === undefined) return undefined;
  const time = Date.parse(iso);
  return Number.isNaN(time) || feedPositionAt(time) !== iso ? undefined : time;
}

/** One write to an alarm's history, found by when it was written. */
export interface AlarmChange {
  readonly alarmId: string;
  readonly position: FeedPosition;
}

/** Which alarms' history was written after a point in time (`GET /alarms/changes`). */
export interface AlarmChangeFeed {
  /** The history writes after `after` up to `until` (epoch ms), oldest first, read lazily. */
  changesAfter(after: FeedPosition, until: number): AsyncIterable<AlarmChange>;
}
