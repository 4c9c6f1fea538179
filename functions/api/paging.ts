import type { Page } from "../../shared/contracts/operatorApi.ts";
import type { RequestProblems } from "./protocol/apiError.ts";
import { decodeCursor, encodeCursor } from "./protocol/cursor.ts";
import { pageLimit } from "./protocol/requestParameters.ts";

export interface PageRequest {
  readonly limit: number;
  /** The key of the previous page's last item. */
  readonly after?: string;
}

/** `limit` and `next` of a list named `list` (cursors of one list are refused by another). */
export function pageRequest(
  query: Readonly<Record<string, string>>,
  list: string,
  problems: RequestProblems,
): PageRequest {
  const limit = pageLimit(query.limit, problems);
  const after = query.next === undefined ? undefined : decodeCursor(query.next, list, problems);
  return after === undefined ? { limit } : { limit, after };
}

/** One page of items sorted by `keyOf`, starting after the cursor's key. */
export function pageOf<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  request: PageRequest,
  list: string,
): Page<T> {
  const start =
    request.after === undefined ? 0 : sorted.findIndex((item) => keyOf(item) > (request.after as string));
  const from = start < 0 ? sorted.length : start;
  const items = sorted.slice(from, from + request.limit);
  const last = items.at(-1);
  const more = from + request.limit < sorted.length;
  return more && last !== undefined ? { items, next: encodeCursor(list, keyOf(last)) } : { items };
}
