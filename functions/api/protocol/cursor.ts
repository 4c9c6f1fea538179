import type { RequestProblems } from "./apiError.ts";

/**
 * Opaque page cursors: the last key of a page and the list it belongs to, base64url-encoded JSON.
 * Callers only pass them back; a cursor that does not decode to exactly this shape, or belongs to
 * another list, is refused before it reaches a store.
 */
const MAX_CURSOR_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(list: string, key: string): string {
  return Buffer.from(JSON.stringify({ l: list, k: key }), "utf8").toString("base64url");
}

export function decodeCursor(
  cursor: string,
  list: string,
  problems: RequestProblems,
  path = "query.next",
): string | undefined {
  const refuse = () => problems.add(path, "is not a cursor this list issued; pass `next` back unchanged");
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) return refuse();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return refuse();
  }
  if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) return refuse();
  const { l, k, ...rest } = decoded as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || l !== list || typeof k !== "string" || k.length === 0) return refuse();
  return k;
}
