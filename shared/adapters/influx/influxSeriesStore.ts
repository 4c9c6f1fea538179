import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { SampleRef } from "../../domain/ingest/types.ts";
import type { SeriesPoint, SeriesStore, SeriesWriteResult } from "../../ports/seriesStore.ts";
import { type BackoffOptions, DEFAULT_BACKOFF, waitForRetry } from "../aws/retry.ts";
import { InfluxConfigurationError, InfluxWriteError } from "./errors.ts";
import type { InfluxConnection } from "./influxConnection.ts";
import { authorizationOf, errorMessage, exchange, shorten } from "./influxHttp.ts";
import { toLine } from "./lineProtocol.ts";
import { isConfigurationProblem, refusedLines, type WriteEntry } from "./writeRefusal.ts";

export interface InfluxSeriesStoreOptions {
  readonly connection: InfluxConnection;
  /** Lines per `/write` request. @default 5000 */
  readonly maxLinesPerRequest?: number;
  /** Uncompressed bytes per `/write` request, so that a batch of long string metrics stays one InfluxDB accepts. @default 10000000 */
  readonly maxBytesPerRequest?: number;
  readonly backoff?: BackoffOptions;
  /** The least time a request is given, even when the deadline is nearer. @default 1000 */
  readonly minRequestMs?: number;
}

const gzipAsync = promisify(gzip);

interface Entry extends WriteEntry {
  readonly ref: SampleRef;
}

interface Outcome {
  rejected: { ref: SampleRef; reason: string }[];
  unwritten: SampleRef[];
  retries: number;
}

/** What every request of one `write` call shares. */
interface WriteCall {
  readonly authorization: string;
  readonly deadline: number;
  readonly outcome: Outcome;
}

/**
 * The series store on InfluxDB (Amazon Timestream for InfluxDB), through the `/write` surface that
 * InfluxDB 1.8+, 2.x and 3.x share: gzipped line protocol, ms precision, one request at a time.
 *
 * Idempotent on replay: a point is identified by measurement, tag set and time, and writing it
 * again replaces each field it carries (last write wins per field). `SeriesPoint.version` cannot be
 * honoured as Timestream does: InfluxDB has no conditional write, so a replay of an older message
 * overwrites the newer values of the same thing and time rather than being ignored.
 *
 * Refusals: lines InfluxDB names are `rejected` with its reason, and the rest of their request is
 * sent again (already-written lines are rewritten to the same values, which changes nothing); when
 * no line is named, the request is halved until the refusal is down to one line. 401/403/404 are
 * configuration errors (thrown); 413 splits the request; 429, 5xx and lost connections back off
 * (honouring `Retry-After`) until the deadline, after which the request's points are `unwritten`.
 */
export class InfluxSeriesStore implements SeriesStore {
  readonly #connection: InfluxConnection;
  readonly #maxLines: number;
  readonly #maxBytes: number;
  readonly #backoff: BackoffOptions;
  readonly #minRequestMs: number;

  constructor(readonly options: InfluxSeriesStoreOptions) {
    this.#connection = options.connection;
    this.#maxLines = Math.max(1, options.maxLinesPerRequest ?? 5_000);
    this.#maxBytes = Math.max(1, options.maxBytesPerRequest ?? 10_000_000);
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#minRequestMs = options.minRequestMs ?? 1_000;
  }

  async write(
    points: readonly SeriesPoint[],
    options: { readonly deadline: number },
  ): Promise<SeriesWriteResult> {
    const outcome: Outcome = { rejected: [], unwritten: [], retries: 0 };
    const entries: Entry[] = [];
    for (const point of points) {
      const written = toLine(point);
      if ("problem" in written) outcome.rejected.push({ ref: point.ref, reason: written.problem });
      else entries.push({ line: written.line, metrics: point.metrics, ref: point.ref });
    }
    if (entries.length === 0) return outcome;
    const call: WriteCall = {
      authorization: await authorizationOf(this.#connection),
      deadline: options.deadline,
      outcome,
    };
    for (const request of this.#requests(entries)) await this.#writeRequest(request, call);
    return outcome;
  }

  /** Consecutive runs of at most `maxLinesPerRequest` lines and `maxBytesPerRequest` bytes (at least one line each). */
  #requests(entries: readonly Entry[]): Entry[][] {
    const requests: Entry[][] = [];
    let current: Entry[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const size = Buffer.byteLength(entry.line) + 1;
      if (current.length > 0 && (current.length >= this.#maxLines || bytes + size > this.#maxBytes)) {
        requests.push(current);
        current = [];
        bytes = 0;
      }
      current.push(entry);
      bytes += size;
    }
    requests.push(current);
    return requests;
  }

  async #writeRequest(entries: readonly Entry[], call: WriteCall): Promise<void> {
    const { authorization, deadline, outcome } = call;
    const body = await gzipAsync(entries.map((entry) => entry.line).join("\n"));
    for (let attempt = 0; ; attempt++) {
      const now = (this.#backoff.now ?? Date.now)();
      if (now >= deadline) {
        outcome.unwritten.push(...entries.map((entry) => entry.ref));
        return;
      }
      const result = await exchange(this.#connection, authorization, {
        method: "POST",
        path: "/write",
        params: { db: this.#connection.database, precision: "ms" },
        headers: { "Content-Type": "text/plain; charset=utf-8", "Content-Encoding": "gzip" },
        body,
        // A hung request must not outlive the deadline either; each still gets a fair minimum.
        timeoutMs: Math.max(this.#minRequestMs, deadline - now),
      });
      if (result.kind === "timeout") {
        outcome.unwritten.push(...entries.map((entry) => entry.ref));
        return;
      }
      if (result.kind === "answer") {
        const { status } = result;
        if (status >= 200 && status < 300) return;
        const message = errorMessage(result.body);
        if (status === 401 || status === 403 || status === 404) {
          if (status !== 404) this.#connection.tokenRejected?.();
          throw new InfluxConfigurationError("write", status, shorten(message));
        }
        if (status === 413) {
          // InfluxDB's body-size limit: halve until each request fits; a line alone too large is refused.
          return this.#halveOrReject(entries, `InfluxDB (HTTP 413): ${shorten(message)}`, call);
        }
        if (status === 400 || status === 422) {
          if (isConfigurationProblem(message))
            throw new InfluxConfigurationError("write", status, shorten(message));
          return this.#resolveRefusal(entries, result.body, message, status, call);
        }
        if (status !== 429 && status < 500) throw new InfluxWriteError(status, shorten(message));
      }
      // Throttled, a server error or no connection: try again while the deadline allows.
      const waited =
        result.kind === "answer" && result.retryAfterMs !== undefined
          ? await this.#sleepUntilRetry(result.retryAfterMs, deadline)
          : await waitForRetry(attempt, deadline, this.#backoff);
      if (!waited) {
        outcome.unwritten.push(...entries.map((entry) => entry.ref));
        return;
      }
      outcome.retries++;
    }
  }

  /** Sleeps as long as the server asked, or returns false if that would pass the deadline. */
  async #sleepUntilRetry(retryAfterMs: number, deadline: number): Promise<boolean> {
    if ((this.#backoff.now ?? Date.now)() + retryAfterMs >= deadline) return false;
    await (this.#backoff.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(retryAfterMs);
    return true;
  }

  /** Lines InfluxDB named go to `rejected`; the others are sent again, or halved when none was named. */
  async #resolveRefusal(
    entries: readonly Entry[],
    body: string,
    message: string,
    status: number,
    call: WriteCall,
  ): Promise<void> {
    const refused = refusedLines(body, message, entries);
    if (refused.size === 0) {
      return this.#halveOrReject(
        entries,
        `InfluxDB (HTTP ${status}): ${shorten(message.replace(/ dropped=\d+$/, ""))}`,
        call,
      );
    }
    for (const [index, reason] of refused) {
      call.outcome.rejected.push({ ref: (entries[index] as Entry).ref, reason: `InfluxDB: ${reason}` });
    }
    // 1.x kept the others, 2.x may have kept none: sending them again is safe either way.
    const rest = entries.filter((_, index) => !refused.has(index));
    if (rest.length > 0) await this.#writeRequest(rest, call);
  }

  /** Halves a refused request to find the lines to blame; a single line is rejected with `reason`. */
  async #halveOrReject(entries: readonly Entry[], reason: string, call: WriteCall): Promise<void> {
    if (entries.length === 1) {
      call.outcome.rejected.push({ ref: (entries[0] as Entry).ref, reason });
      return;
    }
    const middle = Math.ceil(entries.length / 2);
    await this.#writeRequest(entries.slice(0, middle), call);
    await this.#writeRequest(entries.slice(middle), call);
  }
}
