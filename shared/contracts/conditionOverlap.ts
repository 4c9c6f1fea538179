import type { ComparisonOp, Condition } from "../domain/alarms/rule.ts";

/** The values a condition holds for, as intervals; literal numeric thresholds only. */

interface Bound {
  readonly at: number;
  readonly open: boolean;
}
type Interval = readonly [Bound, Bound];
const BELOW: Bound = { at: Number.NEGATIVE_INFINITY, open: true };
const ABOVE: Bound = { at: Number.POSITIVE_INFINITY, open: true };

function satisfying(condition: Condition): Interval[] | undefined {
  if ("low" in condition) {
    const { low, high } = condition;
    if (typeof low !== "number" || typeof high !== "number") return undefined;
    return condition.op === "inside"
      ? [
          [
            { at: low, open: false },
            { at: high, open: false },
          ],
        ]
      : [
          [BELOW, { at: low, open: true }],
          [{ at: high, open: true }, ABOVE],
        ];
  }
  const at = condition.value;
  if (typeof at !== "number") return undefined;
  const [open, closed] = [
    { at, open: true },
    { at, open: false },
  ];
  const byOp: Record<ComparisonOp, Interval[]> = {
    ">": [[open, ABOVE]],
    ">=": [[closed, ABOVE]],
    "<": [[BELOW, open]],
    "<=": [[BELOW, closed]],
    "==": [[closed, closed]],
    "!=": [
      [BELOW, open],
      [open, ABOVE],
    ],
  };
  return byOp[condition.op];
}

/**
 * A value for which both conditions hold, or undefined if there is none or it cannot be told (a
 * threshold from a device attribute, a string). A `clear` that overlaps its condition would clear
 * an alarm at a value that raises it again: no hysteresis, just flapping.
 */
export function overlap(condition: Condition, clear: Condition): number | undefined {
  for (const [aLow, aHigh] of satisfying(condition) ?? []) {
    for (const [bLow, bHigh] of satisfying(clear) ?? []) {
      const low = aLow.at > bLow.at || (aLow.at === bLow.at && aLow.open) ? aLow : bLow;
      const high = aHigh.at < bHigh.at || (aHigh.at === bHigh.at && aHigh.open) ? aHigh : bHigh;
      if (low.at === high.at && !low.open && !high.open) return low.at;
      if (low.at < high.at) {
        if (Number.isFinite(low.at) && Number.isFinite(high.at)) return (low.at + high.at) / 2;
        if (Number.isFinite(low.at)) return low.at + 1;
        return Number.isFinite(high.at) ? high.at - 1 : 0;
      }
    }
  }
  return undefined;
}
