const RFC_3339 = /^(\d{4}-\d{2}-\d{2})[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** The latest time a JavaScript Date holds (year 275760); past it, no date can be printed or stored. */
const MAX_EPOCH_MS = 8.64e15;

/** Epoch milliseconds from C2's `ts` (integer ms or RFC 3339), or undefined if it is neither. */
export function parseTimestamp(ts: number | string): number | undefined {
  if (typeof ts === "number")
    return Number.isSafeInteger(ts) && ts >= 0 && ts <= MAX_EPOCH_MS ? ts : undefined;
  const match = RFC_3339.exec(ts);
  if (!match) return undefined;
  const date = match[1] as string;
  // Date.parse rolls impossible dates over (Feb 30 becomes Mar 2); refuse them instead.
  const midnight = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(midnight) || new Date(midnight).toISOString().slice(0, 10) !== date) return undefined;
  const ms = Date.parse(ts.replace(" ", "T"));
  return Number.isNaN(ms) || ms < 0 ? undefined : ms;
}
