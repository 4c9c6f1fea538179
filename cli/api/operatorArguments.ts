import { InvalidArgumentError } from "commander";
import { metricNameProblem } from "../../shared/contracts/metricName.ts";
import { API_LIMITS } from "../../shared/contracts/operatorApi.ts";
import { parseDuration } from "../../shared/contracts/ruleDuration.ts";
import { THING_NAME_PATTERN } from "../../shared/contracts/telemetryTopic.ts";
import { ALARM_STATES, type AlarmStateName } from "../../shared/domain/alarms/alarmState.ts";
import { RULE_ID_PATTERN, SEVERITIES, type Severity } from "../../shared/domain/alarms/rule.ts";
import { SILENCE_ID_PATTERN } from "../../shared/domain/silences/silence.ts";
import { UsageError } from "../errors.ts";

/**
 * Operator inputs checked on the command line with the patterns the API applies, so a typo is
 * reported before any request (exit 1). Commander parsers throw `InvalidArgumentError`; checks of
 * positional lists throw `UsageError` naming every bad value.
 */

const inner = (pattern: RegExp) => pattern.source.replace(/^\^/, "").replace(/\$$/, "");
/** `{ruleId}:{thingName}` (C4). */
export const ALARM_ID_PATTERN = new RegExp(`^${inner(RULE_ID_PATTERN)}:${inner(THING_NAME_PATTERN)}$`);
/** A thing name with `*` (any run) and `?` (one character), as in rules and silences. */
export const THING_GLOB_PATTERN = /^[A-Za-z0-9:_*?-]{1,128}$/;
const LABEL_MAX = 128;

export function alarmIds(values: readonly string[]): string[] {
  const bad = values.filter((value) => !ALARM_ID_PATTERN.test(value));
  if (bad.length > 0) {
    throw new UsageError(
      `not an alarm id: ${bad.map((value) => JSON.stringify(value)).join(", ")} (expected {ruleId}:{thingName}, e.g. oven-overheat:oven-3)`,
    );
  }
  return [...new Set(values)];
}

export function thingName(value: string): string {
  if (!THING_NAME_PATTERN.test(value)) {
    throw new UsageError(
      `not a thing name: ${JSON.stringify(value)} (letters, digits, ':', '_', '-'; at most 128)`,
    );
  }
  return value;
}

export function silenceId(value: string): string {
  if (!SILENCE_ID_PATTERN.test(value)) {
    throw new UsageError(
      `not a silence id: ${JSON.stringify(value)} (lower-case letters, digits and '-', starting with a letter or digit; at most 63)`,
    );
  }
  return value;
}

export function thingGlob(value: string): string {
  if (!THING_GLOB_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      "expected a thing-name glob: letters, digits, ':', '_', '-', with * and ?",
    );
  }
  return value;
}

/** Comma-separated or repeated globs: `--things 'oven-*,kiln-?'` or `--things oven-* --things kiln-?`. */
export function thingGlobList(value: string, previous: readonly string[] = []): string[] {
  return [...previous, ...value.split(",").map((glob) => thingGlob(glob.trim()))];
}

export function label(value: string): string {
  if (value.trim() === "" || value.length > LABEL_MAX) {
    throw new InvalidArgumentError(`expected a non-empty value of at most ${LABEL_MAX} characters`);
  }
  return value;
}

export function note(value: string): string {
  if (value.length > API_LIMITS.maxNoteLength) {
    throw new InvalidArgumentError(`expected at most ${API_LIMITS.maxNoteLength} characters`);
  }
  return value;
}

function listOf<T extends string>(allowed: readonly T[], normalise: (value: string) => string) {
  return (value: string, previous: readonly T[] = []): T[] => {
    const items = value.split(",").map((item) => normalise(item.trim()));
    const bad = items.filter((item) => !(allowed as readonly string[]).includes(item));
    if (bad.length > 0) {
      throw new InvalidArgumentError(`${bad.join(", ")}: expected one or more of ${allowed.join(", ")}`);
    }
    return [...new Set([...previous, ...(items as T[])])];
  };
}

export const alarmStates: (value: string, previous?: readonly AlarmStateName[]) => AlarmStateName[] = listOf(
  ALARM_STATES,
  (value) => value.toUpperCase(),
);
export const severities: (value: string, previous?: readonly Severity[]) => Severity[] = listOf(
  SEVERITIES,
  (value) => value.toLowerCase(),
);

/** A C3 duration (`30m`, `1h30m`), longer than 0 and at most `maxMs`; returned as written, for the API. */
export function duration(maxMs: number, maxText: string) {
  return (value: string): string => {
    const ms = parseDuration(value);
    if (ms === undefined) throw new InvalidArgumentError("expected a duration like 30m, 2h, 1h30m or 1d");
    if (ms <= 0) throw new InvalidArgumentError("expected a duration longer than 0");
    if (ms > maxMs) throw new InvalidArgumentError(`expected at most ${maxText}`);
    return value;
  };
}

export const snoozeDuration = duration(API_LIMITS.maxSnoozeMs, "7d");
export const silenceDuration = duration(API_LIMITS.maxSilenceMs, "90d");
export const stepDuration = (value: string): string => {
  const ms = parseDuration(value);
  if (ms === undefined || ms < API_LIMITS.minStepMs || ms > API_LIMITS.maxStepMs) {
    throw new InvalidArgumentError("expected a bucket width from 1s to 1d, like 1m or 15m");
  }
  return value;
};

export function metric(value: string): string {
  const problem = metricNameProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(problem);
  return value;
}

export function count(max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed > max) {
      throw new InvalidArgumentError(`expected a whole number from 0 to ${max}`);
    }
    return parsed;
  };
}

/** An absolute time (ISO 8601 with a zone, or epoch ms), `now`, or relative to now (`-1h`, `-30m`). */
export type TimeInput =
  | { readonly kind: "absolute"; readonly ms: number }
  | { readonly kind: "ago"; readonly ms: number };

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export function time(value: string): TimeInput {
  if (value === "now") return { kind: "ago", ms: 0 };
  if (value.startsWith("-")) {
    const ms = parseDuration(value.slice(1));
    if (ms !== undefined) return { kind: "ago", ms };
  } else if (/^\d{1,15}$/.test(value)) {
    return { kind: "absolute", ms: Number(value) };
  } else if (ISO_WITH_ZONE.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return { kind: "absolute", ms };
  }
  throw new InvalidArgumentError(
    "expected an ISO time with a zone (2026-11-25T12:00:00Z), epoch milliseconds, now, or -<duration> (-1h)",
  );
}

export function resolveTime(input: TimeInput, now: number): number {
  return input.kind === "absolute" ? input.ms : now - input.ms;
}
