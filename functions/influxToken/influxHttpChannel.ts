import { type BackoffOptions, waitForRetry } from "../../shared/adapters/aws/retry.ts";
import { InfluxApiError, InfluxUnreachableError, type TokenStep } from "./errors.ts";
import type { InfluxAdminApiOptions } from "./influxAdminApi.ts";

/**
 * One instance's HTTP channel: JSON requests bounded by a deadline, retried with backoff while the
 * instance warms up, failures turned into errors that name the step and hold no secret.
 */
const MIN_REQUEST_MS = 1_000;
const DETAIL_MAX_CHARS = 300;
/** Answers that mean "try again later" for any request. */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Answers that mean the server did not act on the request, so even a create may be sent again. */
const NOT_PROCESSED_STATUSES = new Set([429, 503]);
/** Failures before the request reached the server. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * `any`: idempotent requests, retried on every transient failure. `unprocessed`: creates, retried
 * only when the server certainly did not act (a 429/503, or no connection), so a lost answer never
 * leaves a second token or bucket behind.
 */
type RetryMode = "any" | "unprocessed";

export interface RequestSpec {
  readonly step: TokenStep;
  readonly method: "GET" | "POST" | "PATCH" | "DELETE";
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** Statuses that are an answer rather than a failure. */
  readonly accept: readonly number[];
  readonly retry: RetryMode;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export class HttpChannel {
  readonly #fetch: typeof fetch;
  readonly #backoff: BackoffOptions;
  readonly #maxAttempts: number;
  readonly #requestTimeoutMs: number;
  readonly #baseUrl: string;
  readonly #deadline: number;
  /** Values scrubbed from any InfluxDB text that reaches an error message. */
  readonly secrets: string[];

  constructor(options: InfluxAdminApiOptions, baseUrl: string, deadline: number, secrets: string[]) {
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#backoff = options.backoff ?? { baseDelayMs: 500, maxDelayMs: 8_000 };
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 8);
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#baseUrl = baseUrl;
    this.#deadline = deadline;
    this.secrets = secrets;
  }

  async send(spec: RequestSpec): Promise<Answer> {
    const url = new URL(`${this.#baseUrl}${spec.path}`);
    for (const [name, value] of Object.entries(spec.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { Accept: "application/json", ...spec.headers };
    if (spec.body !== undefined) headers["Content-Type"] = "application/json";
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);

    for (let attempt = 1; ; attempt++) {
      const now = (this.#backoff.now ?? Date.now)();
      const timeout = Math.max(MIN_REQUEST_MS, Math.min(this.#requestTimeoutMs, this.#deadline - now));
      let response: Response;
      try {
        response = await this.#fetch(url, {
          method: spec.method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: AbortSignal.timeout(timeout),
        });
      } catch (error) {
        const code = failureCode(error);
        const retryable = spec.retry === "any" || NOT_SENT_CODES.has(code);
        if (retryable && (await this.#mayRetry(attempt))) continue;
        throw new InfluxUnreachableError(spec.step, code, attempt, error);
      }
      const text = await response.text();
      if (spec.accept.includes(response.status)) {
        return { status: response.status, headers: response.headers, body: parseJson(text) };
      }
      const retryable = (spec.retry === "any" ? RETRYABLE_STATUSES : NOT_PROCESSED_STATUSES).has(
        response.status,
      );
      if (retryable && (await this.#mayRetry(attempt))) continue;
      throw new InfluxApiError(spec.step, response.status, this.#detail(text));
    }
  }

  async #mayRetry(attempt: number): Promise<boolean> {
    return attempt < this.#maxAttempts && (await waitForRetry(attempt - 1, this.#deadline, this.#backoff));
  }

  /** InfluxDB's `code: message`, shortened, with every secret of this session blanked out. */
  #detail(text: string): string {
    const parsed = parseJson(text) as { code?: unknown; message?: unknown } | undefined;
    const raw =
      parsed && typeof parsed === "object" && (parsed.code !== undefined || parsed.message !== undefined)
        ? [parsed.code, parsed.message].filter((part) => part !== undefined).join(": ")
        : text;
    return redact(raw.replace(/\s+/g, " ").trim(), this.secrets).slice(0, DETAIL_MAX_CHARS);
  }
}

export function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `ECONNREFUSED`, `ENOTFOUND`, ... from undici's `fetch failed` cause, or the error's own name. */
function failureCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; name?: unknown } })?.cause;
  if (typeof cause?.code === "string") return cause.code;
  const name = (error as { name?: unknown })?.name;
  return typeof name === "string" ? name : "unknown";
}

export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join("[redacted]");
  }
  return result;
}
