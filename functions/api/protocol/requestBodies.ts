import type { AlarmRuleDocument } from "../../../shared/contracts/alarmRules.ts";
import { API_LIMITS, type ErrorDetail } from "../../../shared/contracts/operatorApi.ts";
import { formatPath, validateRuleDocument } from "../../../shared/contracts/ruleProblems.ts";
import type { OperatorAction } from "../../../shared/domain/alarms/alarmState.ts";
import type { SilenceMatch } from "../../../shared/domain/silences/silence.ts";
import { OperatorApiError, type RequestProblems } from "./apiError.ts";
import { duration, formatMs, text, thingGlob, time } from "./requestParameters.ts";

/** The request body as API Gateway passes it. */
export interface RawBody {
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

const MAX_THING_GLOBS = 100;

/** The bytes of an API Gateway request or response body, which is base64 when it says so. */
export function bodyBytes(raw: {
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}): Buffer | undefined {
  if (raw.body === undefined) return undefined;
  return Buffer.from(raw.body, raw.isBase64Encoded ? "base64" : "utf8");
}

/** The body as JSON: 413 above the size limit (checked first), 400 when absent or not JSON. */
export function jsonBody(raw: RawBody, options: { readonly required: boolean }): unknown {
  const bytes = bodyBytes(raw);
  if (bytes !== undefined && bytes.length > API_LIMITS.maxBodyBytes) {
    throw new OperatorApiError(
      "payload_too_large",
      `the body is ${bytes.length} bytes; at most ${API_LIMITS.maxBodyBytes} are accepted`,
    );
  }
  if (bytes === undefined || bytes.length === 0) {
    if (!options.required) return undefined;
    throw invalid("body", "is required: a JSON object");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalid("body", "is not UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalid("body", "is not JSON");
  }
}

/** `POST /alarms/{alarmId}/{action}`: `note`, and `duration` for SNOOZE only (required there). */
export function actionBody(
  value: unknown,
  action: OperatorAction,
  problems: RequestProblems,
): { note?: string; durationMs?: number } {
  const body = record(value ?? {}, "body", ["note", "duration"], problems);
  if (!body) return {};
  const result: { note?: string; durationMs?: number } = {};
  if (body.note !== undefined) {
    const note = text(body.note, API_LIMITS.maxNoteLength, "body.note", problems, { multiline: true });
    if (note !== undefined) result.note = note;
  }
  if (action === "SNOOZE") {
    if (body.duration === undefined) problems.add("body.duration", "is required to snooze, e.g. 30m");
    else {
      const ms = duration(
        body.duration,
        { min: 1000, max: API_LIMITS.maxSnoozeMs },
        "body.duration",
        problems,
      );
      if (ms !== undefined) result.durationMs = ms;
    }
  } else if (body.duration !== undefined) {
    problems.add("body.duration", "is only taken by snooze");
  }
  return result;
}

export interface SilenceRequest {
  readonly match: SilenceMatch;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly comment?: string;
}

/** `PUT /silences/{id}`: a match with at least one criterion, and an end (or duration) after `now`. */
export function silenceBody(
  value: unknown,
  now: number,
  problems: RequestProblems,
): SilenceRequest | undefined {
  const body = record(value, "body", ["match", "startsAt", "endsAt", "duration", "comment"], problems);
  if (!body) return undefined;
  const match = silenceMatch(body.match, problems);
  const startsAt = body.startsAt === undefined ? now : timeField(body.startsAt, "body.startsAt", problems);
  let endsAt: number | undefined;
  if (body.endsAt !== undefined && body.duration !== undefined) {
    problems.add("body", "give endsAt or duration, not both");
  } else if (body.endsAt !== undefined) {
    endsAt = timeField(body.endsAt, "body.endsAt", problems);
  } else if (body.duration !== undefined) {
    const ms = duration(
      body.duration,
      { min: 1000, max: API_LIMITS.maxSilenceMs },
      "body.duration",
      problems,
    );
    if (ms !== undefined && startsAt !== undefined) endsAt = startsAt + ms;
  } else {
    problems.add("body.endsAt", "endsAt or duration is required");
  }
  const comment =
    body.comment === undefined
      ? undefined
      : text(body.comment, API_LIMITS.maxNoteLength, "body.comment", problems, { multiline: true });
  if (startsAt !== undefined && endsAt !== undefined) {
    if (endsAt <= startsAt) problems.add("body.endsAt", "must be after startsAt");
    else if (endsAt - startsAt > API_LIMITS.maxSilenceMs)
      problems.add("body.endsAt", `a silence lasts at most ${formatMs(API_LIMITS.maxSilenceMs)}`);
    else if (endsAt <= now) problems.add("body.endsAt", "is in the past");
  }
  if (!match || startsAt === undefined || endsAt === undefined || problems.count > 0) return undefined;
  return { match, startsAt, endsAt, ...(comment === undefined ? {} : { comment }) };
}

function silenceMatch(value: unknown, problems: RequestProblems): SilenceMatch | undefined {
  const match = record(value, "body.match", ["things", "site", "line"], problems);
  if (!match) return undefined;
  const result: { things?: string[]; site?: string; line?: string } = {};
  if (match.things !== undefined) {
    if (!Array.isArray(match.things) || match.things.length === 0 || match.things.length > MAX_THING_GLOBS) {
      problems.add("body.match.things", `must be a list of 1 to ${MAX_THING_GLOBS} thing-name globs`);
    } else {
      const globs = match.things.map((glob, index) =>
        thingGlob(glob, `body.match.things[${index}]`, problems),
      );
      if (globs.every((glob) => glob !== undefined)) result.things = globs as string[];
    }
  }
  for (const key of ["site", "line"] as const) {
    if (match[key] === undefined) continue;
    const value = text(match[key], 128, `body.match.${key}`, problems);
    if (value !== undefined) result[key] = value;
  }
  if (match.things === undefined && match.site === undefined && match.line === undefined) {
    problems.add("body.match", "must give things, site or line (a silence of everything is refused)");
  }
  return result;
}

/** A C3 rule for `PUT /rules/{id}`, whose id must be the path's. */
export function ruleBody(value: unknown, id: string): AlarmRuleDocument {
  const result = validateRuleDocument(value, ["body"]);
  if (!result.ok) {
    const details: ErrorDetail[] = result.problems.map((problem) => ({
      path: formatPath(problem.path),
      message: problem.message,
    }));
    throw new OperatorApiError("invalid_request", "the body is not a valid alarm rule (C3)", details);
  }
  if (result.document.id !== id) throw invalid("body.id", `must equal the rule id in the path (${id})`);
  return result.document;
}

function timeField(value: unknown, path: string, problems: RequestProblems): number | undefined {
  if (typeof value === "number") return time(String(value), path, problems);
  if (typeof value !== "string") return problems.add(path, "must be an ISO 8601 time or epoch milliseconds");
  return time(value, path, problems);
}

/** A plain object with only `keys`; each unknown key is a problem. */
function record(
  value: unknown,
  path: string,
  keys: readonly string[],
  problems: RequestProblems,
): Record<string, unknown> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return problems.add(path, "must be a JSON object");
  }
  const unknown = Object.keys(value).filter((key) => !keys.includes(key));
  for (const key of unknown)
    problems.add(`${path}.${key.slice(0, 64)}`, `is not a known field (known: ${keys.join(", ")})`);
  return value as Record<string, unknown>;
}

function invalid(path: string, message: string): OperatorApiError {
  return new OperatorApiError("invalid_request", `${path}: ${message}`, [{ path, message }]);
}
