import * as z from "zod/mini";
import { lazy } from "../lazy.ts";

/**
 * C3 durations as authored: a string of `<number><unit>` parts (`60s`, `5m`, `1h30m`, `1d`, `250ms`)
 * or a plain number of seconds; and their schemas (published in the rules JSON Schema).
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** One or more `<number><unit>` parts: `60s`, `5m`, `1h30m`, `1.5h`, `250ms`, `1d`. */
export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
export const MAX_DURATION_MS = 366 * UNIT_MS.d;
const DURATION_HINT = "must be a duration like 60s, 5m, 1h30m or 1d, or a number of seconds";

/**
 * Milliseconds of an authored duration: a string of `<number><unit>` parts (units ms, s, m, h, d;
 * `m` is minutes), or a plain number of seconds. Undefined when it is neither.
 */
export function parseDuration(duration: string | number): number | undefined {
  if (typeof duration === "number") {
    return Number.isFinite(duration) && duration >= 0 ? Math.round(duration * 1_000) : undefined;
  }
  if (duration.length > 32 || !DURATION_PATTERN.test(duration)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of duration.matchAll(DURATION_PART)) {
    ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return Math.round(ms);
}

function durationSchema(minimum: "zero" | "positive", id: string) {
  return z
    .union(
      [
        z.number().check(z.minimum(0, "must not be negative")),
        z.string().check(z.maxLength(32, DURATION_HINT), z.regex(DURATION_PATTERN, DURATION_HINT)),
      ],
      { error: DURATION_HINT },
    )
    .check(
      z.superRefine((value, context) => {
        const ms = parseDuration(value);
        if (ms === undefined) return;
        if (minimum === "positive" && ms <= 0)
          context.addIssue({ code: "custom", message: "must be longer than 0" });
        if (ms > MAX_DURATION_MS) context.addIssue({ code: "custom", message: "must be at most 366d" });
      }),
      z.meta({
        id,
        description: `${minimum === "positive" ? "A positive duration" : "A duration"}: <number><unit> parts (ms, s, m, h, d; m is minutes), e.g. 60s, 5m, 1h30m, 1d; or a number of seconds. At most 366d.`,
      }),
    );
}

export const anyDurationSchema = lazy(() => durationSchema("zero", "RuleDuration"));
export const positiveDurationSchema = lazy(() => durationSchema("positive", "PositiveRuleDuration"));
