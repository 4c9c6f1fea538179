import {
  type FeedPosition,
  feedPositionAt,
  feedPositionTime,
} from "../../../shared/ports/alarmChangeFeed.ts";
import type { RequestProblems } from "./apiError.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";

const LIST = "alarm-changes";

/**
 * How far back a new cursor starts from the time it is issued, so a poll re-reads what was written
 * just before. An entry is stamped with its writer's clock just before its BatchWriteItem, and the
 * index is read eventually consistently: it may become visible to a poll up to (write latency +
 * index propagation + clock skew between the writer and the API function) after its stamp.
 * Lambda's clocks are kept by Amazon Time Sync (skew well under a millisecond) and index propagation
 * is normally well under a second; 5 s leaves room for a slow write and a lagging index, at the cost
 * of each poll returning again the alarms changed in the last 5 s (views are idempotent).
 */
export const CHANGE_CURSOR_OVERLAP_MS = 5_000;

/** A cursor older than this is refused: the feed reads one index partition per UTC day since it. */
export const CHANGE_CURSOR_MAX_AGE_MS = 2 * 86_400_000;

/** The cursor a complete answer at `now` hands out. */
export function changeCursorAt(now: number): string {
  return encodeChangeCursor(feedPositionAt(now - CHANGE_CURSOR_OVERLAP_MS));
}

export function encodeChangeCursor(position: FeedPosition): string {
  return encodeCursor(LIST, position);
}

/** The feed position of `since`, or undefined (and a problem at `query.since`) when it is malformed or too old. */
export function decodeChangeCursor(
  since: string,
  now: number,
  problems: RequestProblems,
): FeedPosition | undefined {
  const position = decodeCursor(since, LIST, problems, "query.since");
  if (position === undefined) return undefined;
  const time = feedPositionTime(position);
  if (time === undefined) {
    problems.add("query.since", "is not a cursor this route issued; reload the alarms and start again");
    return undefined;
  }
  if (now - time > CHANGE_CURSOR_MAX_AGE_MS) {
    problems.add("query.since", "is older than 2 days; reload the alarms and start again without `since`");
    return undefined;
  }
  return position;
}
