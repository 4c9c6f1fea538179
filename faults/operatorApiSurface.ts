import type { Context } from "aws-lambda";
import fc from "fast-check";
import { createOperatorApi } from "../functions/api/app.ts";
import type { ApiEvent, ApiResult } from "../functions/api/http.ts";
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from "../shared/contracts/operatorApi.ts";
import {
  apiEvent,
  OVEN_OVERHEAT_RULE,
  startTestOperatorApi,
  TEST_PRINCIPAL,
} from "../test/support/operatorApi.ts";
import { type HostileRequest, hostileRequest } from "./apiInputs.ts";
import { clip, describeError, HANG_MS, type HostileInputsRow, tally, type Verdict } from "./surface.ts";

const KNOWN_CODES: readonly string[] = ERROR_CODES;

/**
 * The operator API's handler on dynalite (the test kit's real DynamoDB adapters and alarm engine),
 * over a small seeded fleet so that hostile requests also reach the stores. Requests are API Gateway
 * events as the HTTP API builds them. Refused: a 4xx with a C7 error body whose code fits its status.
 * Accepted: a 2xx, or `not_found` for a well-formed request naming something absent. A 5xx, a body
 * that is not C7, a throw or a hang is a crash.
 */
export async function operatorApiRow(runs: number, seed: number): Promise<HostileInputsRow> {
  const inputs = fc.sample(hostileRequest, { seed, numRuns: runs });
  const api = await startTestOperatorApi();
  try {
    await api.seedActiveAlarm();
    await api.putDevice({ thingName: "oven-4", site: "plant-1", line: "line-3" });
    await api.putDevice({ thingName: "press-1", site: "plant-2" });
    // Names of a realistic length: what a glob is matched against decides how long matching takes.
    await api.putDevice({ thingName: "line-2-packaging-robot-07", site: "plant-2", line: "line-2" });
    await api.applyRules([{ ...OVEN_OVERHEAT_RULE, id: "robot-overheat", match: { things: ["line-2-*"] } }]);
    await api.sendTelemetry("line-2-packaging-robot-07", { temperature: 300 });
    await api.sendTelemetry("oven-4", { temperature: 200 });
    const unexpected: unknown[] = [];
    const ignore = () => {};
    const handler = createOperatorApi({
      ...api.deps,
      log: { error: (_message, extra) => unexpected.push(extra?.error), warn: ignore },
    });
    const attempt = async (request: HostileRequest): Promise<Verdict> => {
      unexpected.length = 0;
      const result = await withinHang(handler(toEvent(request), CONTEXT));
      const verdict = verdictOf(result);
      return verdict.kind === "crash" && unexpected.length > 0
        ? { kind: "crash", error: `${verdict.error}; logged ${describeError(unexpected[0])}` }
        : verdict;
    };
    return await tally("operator API", inputs, attempt, showRequest);
  } finally {
    await api.close();
  }
}

const CONTEXT = { awsRequestId: "fault-1", getRemainingTimeInMillis: () => 10_000 } as Context;

/** The event API Gateway's HTTP API (payload 2.0) sends: repeated query names and headers joined by commas. */
function toEvent(request: HostileRequest): ApiEvent {
  const rawQueryString = new URLSearchParams(request.query as [string, string][]).toString();
  const queryStringParameters = joined(new URLSearchParams(rawQueryString));
  const headers = joined(request.headers.map(([name, value]) => [name.toLowerCase(), value] as const));
  const whole = apiEvent(request.method, request.path, { principal: TEST_PRINCIPAL });
  return {
    ...whole,
    rawQueryString,
    headers: headers ?? {},
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(request.body === undefined ? {} : { body: request.body.text }),
    isBase64Encoded: request.body?.base64 ?? false,
  };
}

/** An own property per name (even `__proto__`, as JSON.parse would make it); undefined for none. */
function joined(pairs: Iterable<readonly [string, string]>): Record<string, string> | undefined {
  const values = new Map<string, string>();
  for (const [name, value] of pairs) {
    const before = values.get(name);
    values.set(name, before === undefined ? value : `${before},${value}`);
  }
  return values.size === 0 ? undefined : Object.fromEntries(values);
}

function verdictOf(result: ApiResult): Verdict {
  const status = result.statusCode ?? 0;
  const text = result.body ?? "";
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    return { kind: "crash", error: `status ${status} with a body that is not JSON: ${clip(text)}` };
  }
  if (status >= 200 && status < 300) return { kind: "accepted" };
  const problem = status >= 400 && status < 500 ? errorBodyProblem(body, status) : `status ${status}`;
  if (problem !== undefined) return { kind: "crash", error: `${problem}: ${clip(text)}` };
  const { code, details } = (body as { error: { code: ErrorCode; details?: { path: string }[] } }).error;
  if (code === "not_found") return { kind: "accepted" };
  // Which part of the request a problem is in (`path`, `query`, `body`): a code of its own, so a run
  // shows that the checks of every part were reached.
  const parts = (details ?? []).map((detail) => `${code}:${detail.path.split(/[.[]/)[0]}`);
  return { kind: "refused", reasons: parts.length > 0 ? parts : [code] };
}

/** Why `body` is not the C7 error body of a `status` answer, or undefined if it is. */
function errorBodyProblem(body: unknown, status: number): string | undefined {
  const error = (body as { error?: unknown } | undefined)?.error as Record<string, unknown> | undefined;
  if (typeof error !== "object" || error === null) return `status ${status} without a C7 error body`;
  const { code, message, details } = error;
  if (typeof code !== "string" || !KNOWN_CODES.includes(code)) return `unknown error code ${String(code)}`;
  if (ERROR_STATUS[code as ErrorCode] !== status) return `code ${code} with status ${status}`;
  if (typeof message !== "string" || message === "") return "an error without a message";
  const detailsOk =
    details === undefined ||
    (Array.isArray(details) &&
      details.every((detail) => typeof detail?.path === "string" && typeof detail?.message === "string"));
  return detailsOk ? undefined : "details without a path and a message";
}

/** An asynchronous hang ends here; a synchronous one is measured by `tally` once it returns. */
async function withinHang<T>(answer: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${2 * HANG_MS} ms`)), 2 * HANG_MS);
  });
  try {
    return await Promise.race([answer, hang]);
  } finally {
    clearTimeout(timer);
  }
}

function showRequest(request: HostileRequest): string {
  const query = new URLSearchParams(request.query as [string, string][]).toString();
  const body =
    request.body === undefined
      ? ""
      : ` body${request.body.base64 ? "(base64)" : ""} ${JSON.stringify(request.body.text)}`;
  return `${request.method} ${request.path}${query === "" ? "" : `?${query}`}${body}`;
}
