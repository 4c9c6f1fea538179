import type { ErrorBody, Page } from "../../shared/contracts/operatorApi.ts";
import { CliError, EXIT_CODES } from "../errors.ts";
import { ApiCallError, OperatorApiUnreachableError } from "./apiCallError.ts";
import type { RequestSigner } from "./requestSigner.ts";

/** A list longer than this many pages is almost certainly a cursor loop, not a real fleet. */
const MAX_PAGES = 1000;

export type QueryValue = string | number | undefined;
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface OperatorApiClientOptions {
  /** Where the C7 routes start, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com` or `http://localhost:8080/api`. */
  readonly baseUrl: string;
  /** Signs every request (SigV4 on AWS); the local stack needs none. */
  readonly signer?: RequestSigner;
  readonly timeoutMs: number;
  /** Added to the message when the API cannot be reached, e.g. how to start the local stack. */
  readonly unreachableHint?: string;
}

/** RFC 3986 encoding, as SigV4 canonicalises it: `encodeURIComponent` leaves `!'()*` alone. */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * A client of the operator HTTP API (C7): JSON in and out, every request signed when a signer is
 * given, C7 error bodies turned into `ApiCallError`s with the server's code and message.
 * Path segments are given unencoded (`["alarms", "oven-overheat:oven-3"]`) and encoded here.
 */
export class OperatorApiClient {
  readonly baseUrl: string;
  readonly #options: OperatorApiClientOptions;

  constructor(options: OperatorApiClientOptions) {
    this.baseUrl = options.baseUrl;
    this.#options = options;
  }

  get<T>(path: readonly string[], query: Readonly<Record<string, QueryValue>> = {}): Promise<T> {
    return this.request<T>("GET", path, { query });
  }

  /** Every item of a paged list (C7 `Page`), following `next` until the last page. */
  async getAll<T>(path: readonly string[], query: Readonly<Record<string, QueryValue>> = {}): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const page = await this.get<Page<T>>(path, { ...query, next });
      items.push(...page.items);
      next = page.next;
      if (next === undefined) return items;
    }
    throw new CliError(
      `${path.join("/")}: still more after ${MAX_PAGES} pages; narrow the list with a filter`,
      EXIT_CODES.runtime,
    );
  }

  post<T>(path: readonly string[], body: unknown): Promise<T> {
    return this.request<T>("POST", path, { body });
  }

  put<T>(path: readonly string[], body: unknown): Promise<T> {
    return this.request<T>("PUT", path, { body });
  }

  delete<T>(path: readonly string[]): Promise<T> {
    return this.request<T>("DELETE", path, {});
  }

  async request<T>(
    method: HttpMethod,
    path: readonly string[],
    options: { readonly query?: Readonly<Record<string, QueryValue>>; readonly body?: unknown },
  ): Promise<T> {
    const url = new URL(this.baseUrl);
    url.pathname = `${url.pathname.replace(/\/+$/, "")}/${path.map(encodeRfc3986).join("/")}`;
    const query: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) query[name] = String(value);
    }
    url.search = Object.entries(query)
      .map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`)
      .join("&");
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers = await this.#headers(method, url, query, body);

    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw this.#unreachable(url, error);
    }
    if (response.ok) return parseSuccess<T>(method, url, response.status, text);
    throw errorFrom(response.status, text);
  }

  async #headers(
    method: HttpMethod,
    url: URL,
    query: Readonly<Record<string, string>>,
    body: string | undefined,
  ): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    };
    if (this.#options.signer === undefined) return headers;
    const signed = await this.#options.signer({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === "" ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query: { ...query },
      // fetch sends this very Host header; it is signed, so it must be the one that arrives.
      headers: { ...headers, host: url.host },
      body,
    });
    const { host: _host, ...rest } = signed;
    return rest;
  }

  #unreachable(url: URL, error: unknown): CliError {
    const { name, message, cause } = error as Error & { cause?: { code?: string; message?: string } };
    const hint = this.#options.unreachableHint === undefined ? "" : ` (${this.#options.unreachableHint})`;
    if (name === "TimeoutError" || name === "AbortError") {
      return new OperatorApiUnreachableError(
        `no answer from the operator API at ${url.origin} within ${this.#options.timeoutMs / 1000} s (--timeout)`,
        { cause: error },
      );
    }
    const reason = cause?.code ?? cause?.message ?? message;
    return new OperatorApiUnreachableError(
      `cannot reach the operator API at ${url.origin}: ${reason}${hint}`,
      {
        cause: error,
      },
    );
  }
}

function parseSuccess<T>(method: HttpMethod, url: URL, status: number, text: string): T {
  if (text === "") return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CliError(
      `${method} ${url.pathname} answered ${status} with a body that is not JSON: ${snippet(text)}`,
      EXIT_CODES.runtime,
      { cause: error },
    );
  }
}

/** A C7 error body, or whatever else a gateway in between answered (its own JSON or text). */
function errorFrom(status: number, text: string): ApiCallError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isErrorBody(parsed)) {
    const { code, message, details, requestId } = parsed.error;
    return new ApiCallError({
      status,
      code,
      message,
      ...(details === undefined ? {} : { details }),
      ...(requestId === undefined ? {} : { requestId }),
    });
  }
  // API Gateway's own refusals (IAM, throttling) are `{"message": "..."}`.
  const gatewayMessage = (parsed as { message?: unknown } | undefined)?.message;
  return new ApiCallError({
    status,
    code: `http_${status}`,
    message: typeof gatewayMessage === "string" ? gatewayMessage : snippet(text) || "(empty body)",
  });
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  // A code this CLI does not know yet is still the server's word: keep it.
  return typeof error?.code === "string" && typeof error.message === "string";
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
