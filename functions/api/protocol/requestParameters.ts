import { metricNameProblem } from "../../../shared/contracts/metricName.ts";
import { API_LIMITS } from "../../../shared/contracts/operatorApi.ts";
import { parseDuration } from "../../../shared/contracts/ruleDuration.ts";
import { THING_NAME_PATTERN } from "../../../shared/contracts/telemetryTopic.ts";
import { ALARM_STATES, type AlarmStateName } from "../../../shared/domain/alarms/alarmState.ts";
import { RULE_ID_PATTERN, SEVERITIES, type Severity } from "../../../shared/domain/alarms/rule.ts";
import { SILENCE_ID_PATTERN } from "../../../shared/domain/silences/silence.ts";
import type { RequestProblems } from "./apiError.ts";

/**
 * Checks of every path and query parameter of C7, each recording a problem (and returning
 * undefined) rather than throwing, so one answer lists every problem. Nothing here trusts its input:
 * values are length-capped before any pattern runs, and echoed back only shortened and JSON-quoted.
 */

const MAX_PARAMETER_LENGTH = 2048;
/** Thing globs as in rules: thing-name characters plus `*` and `?`. */
const THING_GLOB_PATTERN = /^[a-zA-Z0-9:_*?-]{1,128}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const EPOCH_MS = /^\d{1,16}$/;
/** Largest epoch ms a JavaScript Date holds (year 275760). */
const MAX_EPOCH_MS = 8.64e15;

export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/**
 * The query parameters, refusing any not in `allowed` and any too long. API Gateway joins repeats
 * with commas, so a repeated single-valued parameter is caught by its own check.
 */
export function readQuery(
  parameters: Readonly<Record<string, string | undefined>> | undefined,
  allowed: readonly string[],
  problems: RequestProblems,
): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters ?? {})) {
    if (value === undefined) continue;
    if (!allowed.includes(name)) {
      problems.add(
        `query.${name.slice(0, 64)}`,
        allowed.length === 0
          ? "is not a known parameter (this route takes none)"
          : `is not a known parameter (known: ${allowed.join(", ")})`,
      );
    } else if (value.length > MAX_PARAMETER_LENGTH) {
      problems.add(`query.${name}`, `must be at most ${MAX_PARAMETER_LENGTH} characters`);
    } else {
      query[name] = value;
    }
  }
  return query;
}

export function thingName(value: string | undefined, path: string, problems: RequestProblems) {
  if (value === undefined || value.length > 128 || !THING_NAME_PATTERN.test(value)) {
    return problems.add(path, `must be a thing name matching ${THING_NAME_PATTERN.source}`);
  }
  return value;
}

export function ruleId(value: string | undefined, path: string, problems: RequestProblems) {
  if (value === undefined || value.length > 63 || !RULE_ID_PATTERN.test(value)) {
    return problems.add(path, `must be a rule id matching ${RULE_ID_PATTERN.source}`);
  }
  return value;
}

export function silenceId(value: string | undefined, path: string, problems: RequestProblems) {
  if (value === undefined || value.length > 63 || !SILENCE_ID_PATTERN.test(value)) {
    return problems.add(path, `must be a silence id matching ${SILENCE_ID_PATTERN.source}`);
  }
  return value;
}

/** `{ruleId}:{thingName}`: the rule id has no colon, the thing name may. */
export function alarmId(value: string | undefined, path: string, problems: RequestProblems) {
  const at = value === undefined || value.length > 200 ? -1 : value.indexOf(":");
  const rule = at > 0 ? (value as string).slice(0, at) : "";
  const thing = at > 0 ? (value as string).slice(at + 1) : "";
  if (!RULE_ID_PATTERN.test(rule) || !THING_NAME_PATTERN.test(thing)) {
    return problems.add(path, "must be an alarm id {ruleId}:{thingName}, e.g. oven-overheat:oven-3");
  }
  return { alarmId: value as string, ruleId: rule, thingName: thing };
}

export function metric(value: string | undefined, path: string, problems: RequestProblems) {
  if (value === undefined) return problems.add(path, "is required");
  const problem = metricNameProblem(value.slice(0, 200));
  return problem === undefined && value.length <= 63 ? value : problems.add(path, problem ?? "is too long");
}

/** ISO 8601 with a time zone, or epoch milliseconds. */
export function time(value: string, path: string, problems: RequestProblems): number | undefined {
  let ms: number | undefined;
  if (EPOCH_MS.test(value)) ms = Number(value);
  else if (ISO_TIME.test(value)) ms = Date.parse(value);
  if (ms === undefined || !Number.isFinite(ms) || ms > MAX_EPOCH_MS) {
    return problems.add(
      path,
      `must be an ISO 8601 time with a zone (2026-11-25T12:00:00Z) or epoch milliseconds, not ${quote(value)}`,
    );
  }
  return ms;
}

/**
 * `query.from`/`query.to` as a range: `to` defaults to now, `from` to `defaultMs` before `to`;
 * `from` must come first and the range span at most `maxMs`. Undefined ends when a time is bad.
 */
export function timeRange(
  query: { readonly from?: string; readonly to?: string },
  limits: { readonly now: number; readonly defaultMs: number; readonly maxMs: number },
  problems: RequestProblems,
): { readonly from: number | undefined; readonly to: number | undefined } {
  const to = query.to === undefined ? limits.now : time(query.to, "query.to", problems);
  const from =
    query.from === undefined
      ? to === undefined
        ? undefined
        : to - limits.defaultMs
      : time(query.from, "query.from", problems);
  if (from !== undefined && to !== undefined) {
    if (from >= to) problems.add("query.from", "must be before to");
    else if (to - from > limits.maxMs) {
      problems.add("query.from", `the range may span at most ${formatMs(limits.maxMs)}`);
    }
  }
  return { from, to };
}

/** A C3 duration within [min, max] ms. */
export function duration(
  value: unknown,
  bounds: { readonly min: number; readonly max: number },
  path: string,
  problems: RequestProblems,
): number | undefined {
  const ms = typeof value === "string" ? parseDuration(value) : undefined;
  if (ms === undefined) return problems.add(path, "must be a duration like 30s, 5m, 1h30m or 1d");
  if (ms < bounds.min || ms > bounds.max) {
    return problems.add(path, `must be between ${formatMs(bounds.min)} and ${formatMs(bounds.max)}`);
  }
  return ms;
}

export function pageLimit(value: string | undefined, problems: RequestProblems): number {
  if (value === undefined) return API_LIMITS.defaultPageSize;
  const limit = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= API_LIMITS.maxPageSize)) {
    problems.add("query.limit", `must be a whole number from 1 to ${API_LIMITS.maxPageSize}`);
    return API_LIMITS.defaultPageSize;
  }
  return limit;
}

/** A comma list of enum members, case-insensitive; undefined when absent (no filter). */
export function enumList<T extends string>(
  value: string | undefined,
  members: readonly T[],
  normalize: (item: string) => string,
  path: string,
  problems: RequestProblems,
): ReadonlySet<T> | undefined {
  if (value === undefined) return undefined;
  const items = value.split(",").map((item) => normalize(item.trim()));
  const unknown = items.filter((item) => !(members as readonly string[]).includes(item));
  if (unknown.length > 0) {
    return problems.add(
      path,
      `must be a comma list of ${members.join(", ")}; not ${quote(unknown.join(","))}`,
    );
  }
  return new Set(items as T[]);
}

export const stateList = (value: string | undefined, problems: RequestProblems) =>
  enumList<AlarmStateName>(value, ALARM_STATES, (item) => item.toUpperCase(), "query.state", problems);

export const severityList = (value: string | undefined, problems: RequestProblems) =>
  enumList<Severity>(value, SEVERITIES, (item) => item.toLowerCase(), "query.severity", problems);

export function thingGlob(value: unknown, path: string, problems: RequestProblems): string | undefined {
  if (typeof value !== "string" || !THING_GLOB_PATTERN.test(value)) {
    return problems.add(path, `must be a thing-name glob matching ${THING_GLOB_PATTERN.source}`);
  }
  return value;
}

/** Site, line and free text: a string of 1..max characters without control characters. */
export function text(
  value: unknown,
  max: number,
  path: string,
  problems: RequestProblems,
  options: { readonly multiline?: boolean } = {},
): string | undefined {
  if (typeof value !== "string") return problems.add(path, "must be a string");
  if (value.length === 0 || value.length > max) {
    return problems.add(path, `must be 1 to ${max} characters long`);
  }
  if (hasControlCharacters(value, options.multiline ?? false)) {
    return problems.add(path, "must not contain control characters");
  }
  return value;
}

export function formatMs(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** NUL and the other C0 controls and DEL; a multi-line text may still hold line breaks and tabs. */
function hasControlCharacters(value: string, multiline: boolean): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (multiline && (code === 0x0a || code === 0x09 || code === 0x0d)) continue;
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
