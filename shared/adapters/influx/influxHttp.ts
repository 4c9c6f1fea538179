import type { InfluxConnection } from "./influxConnection.ts";

/** What one HTTP exchange with InfluxDB came to. */
export type InfluxExchange =
  | {
      readonly kind: "answer";
      readonly status: number;
      readonly body: string;
      /** `Retry-After` in ms from now, when the answer carried one. */
      readonly retryAfterMs?: number;
    }
  /** The time given ran out before a full answer; the request may or may not have taken effect. */
  | { readonly kind: "timeout" }
  /** No answer at all: refused or dropped connection, DNS failure. */
  | { readonly kind: "unreachable"; readonly error: unknown };

export interface InfluxRequest {
  readonly method: "GET" | "POST";
  /** `/write` or `/query`. */
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly timeoutMs: number;
}

/** `Authorization: <scheme> <token>`; the token comes from the connection's (cached) provider. */
export async function authorizationOf(connection: InfluxConnection): Promise<string> {
  return `${connection.authScheme ?? "Token"} ${await connection.token()}`;
}

/** Node's timers take at most 2^31 - 1 ms; a farther deadline is as good as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One request, with no retry of its own: the callers decide what each outcome means. */
export async function exchange(
  connection: InfluxConnection,
  authorization: string,
  request: InfluxRequest,
): Promise<InfluxExchange> {
  const url = `${connection.url}${request.path}?${new URLSearchParams(request.params).toString()}`;
  const signal = AbortSignal.timeout(Math.min(MAX_TIMER_MS, Math.max(1, request.timeoutMs)));
  try {
    const response = await (connection.fetch ?? globalThis.fetch)(url, {
      method: request.method,
      headers: { ...request.headers, Authorization: authorization },
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
    });
    const body = await response.text();
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    return {
      kind: "answer",
      status: response.status,
      body,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  } catch (error) {
    if (signal.aborted) return { kind: "timeout" };
    return { kind: "unreachable", error };
  }
}

/** InfluxDB's message in an error body: `error` (1.x, 3.x), `message` (2.x), or the text itself. */
export function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON: a proxy's or load balancer's page
  }
  return body.trim();
}

/** Shortened for errors and quarantine details: an InfluxDB message can quote whole lines. */
export function shorten(text: string, max = 1_000): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** `Retry-After` as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1_000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The socket-level reason of a failed fetch (`ECONNREFUSED`, `ENOTFOUND`, ...), for messages. */
export function describeUnreachable(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (typeof cause?.code === "string") return cause.code;
  return (error as Error)?.message ?? String(error);
}
