import type {
  SeriesQuery,
  SeriesQueryPoint,
  SeriesQueryRequest,
  SeriesQueryResult,
} from "../../ports/seriesQuery.ts";
import { InfluxConfigurationError, InfluxQueryError, InfluxUnavailableError } from "./errors.ts";
import type { InfluxConnection } from "./influxConnection.ts";
import { authorizationOf, describeUnreachable, errorMessage, exchange, shorten } from "./influxHttp.ts";
import { telemetryInfluxQl } from "./influxQl.ts";
import { isConfigurationProblem } from "./writeRefusal.ts";

export interface InfluxSeriesQueryOptions {
  readonly connection: InfluxConnection;
  /** How long one query may take. @default 10000 */
  readonly timeoutMs?: number;
}

/**
 * Telemetry from InfluxDB through `GET /query` (InfluxQL, epoch ms), the surface InfluxDB 1.8+, 2.x
 * and 3.x share. Same answers as the Timestream query: raw points or buckets (mean, min, max,
 * count) aligned to multiples of the step since the epoch, the newest `maxPoints` kept, oldest
 * first. A thing or metric with no data yet is an empty series, not an error.
 */
export class InfluxSeriesQuery implements SeriesQuery {
  readonly #connection: InfluxConnection;
  readonly #timeoutMs: number;

  constructor(readonly options: InfluxSeriesQueryOptions) {
    this.#connection = options.connection;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async query(request: SeriesQueryRequest): Promise<SeriesQueryResult> {
    const [statement] = await runInfluxQl(this.#connection, telemetryInfluxQl(request), 1, this.#timeoutMs);
    const rows = rowsOf(statement ?? {}, request.stepMs !== undefined);
    const truncated = rows.length > request.maxPoints;
    return { points: rows.slice(0, request.maxPoints).reverse(), truncated };
  }
}

/** One statement's answer: its series (one per tag set, none when nothing matched). */
export interface StatementResult {
  readonly error?: string;
  /** InfluxDB cut the answer at its row limit (`max-row-limit`). */
  readonly partial?: boolean;
  readonly series?: readonly {
    readonly columns?: readonly string[];
    readonly values?: readonly unknown[][];
  }[];
}

/**
 * Runs `statements` InfluxQL statements (`;`-separated in `influxQl`) in one `GET /query`, in
 * epoch milliseconds: each statement's result, or the error InfluxDB gave for the request or any
 * statement, as the adapters' errors (unavailable: retry; configuration: the token or bucket).
 */
export async function runInfluxQl(
  connection: InfluxConnection,
  influxQl: string,
  statements: number,
  timeoutMs: number,
): Promise<StatementResult[]> {
  const result = await exchange(connection, await authorizationOf(connection), {
    method: "GET",
    path: "/query",
    params: { db: connection.database, epoch: "ms", q: influxQl },
    timeoutMs,
  });
  if (result.kind === "timeout") {
    throw new InfluxUnavailableError("query", 0, `no answer within ${timeoutMs} ms`);
  }
  if (result.kind === "unreachable") {
    throw new InfluxUnavailableError("query", 0, describeUnreachable(result.error), result.error);
  }
  const { status, body } = result;
  if (status === 429 || status >= 500)
    throw new InfluxUnavailableError("query", status, shorten(errorMessage(body)));
  if (status === 401 || status === 403 || status === 404) {
    if (status !== 404) connection.tokenRejected?.();
    throw new InfluxConfigurationError("query", status, shorten(errorMessage(body)));
  }
  return statementsOf(status, body, statements);
}

/** The statements' results, or the error InfluxDB gave for the request or a statement. */
function statementsOf(status: number, body: string, count: number): StatementResult[] {
  let parsed: { error?: unknown; results?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new InfluxQueryError(status, `not a JSON answer: ${shorten(body, 200)}`);
  }
  const statements = Array.isArray(parsed.results) ? (parsed.results as StatementResult[]) : [];
  const error =
    typeof parsed.error === "string" ? parsed.error : statements.find((statement) => statement?.error)?.error;
  if (typeof error === "string") {
    if (isConfigurationProblem(error)) throw new InfluxConfigurationError("query", status, shorten(error));
    throw new InfluxQueryError(status, shorten(error));
  }
  if (status < 200 || status >= 300 || statements.length !== count) {
    throw new InfluxQueryError(status, `unexpected answer: ${shorten(body, 200)}`);
  }
  return statements;
}

/** Newest first, as queried; rows whose value is not a number (a string metric) are left out. */
function rowsOf(statement: StatementResult, bucketed: boolean): SeriesQueryPoint[] {
  const points: SeriesQueryPoint[] = [];
  // Without GROUP BY tags every series of the thing (one per site/line it was ever in) comes as one.
  for (const series of statement.series ?? []) {
    const columns = series.columns ?? [];
    const at = (name: string) => columns.indexOf(name);
    const [time, value, min, max, count] = [at("time"), at("value"), at("min"), at("max"), at("count")];
    for (const row of series.values ?? []) {
      const pointTime = row[time];
      const pointValue = toNumber(row[value]);
      if (typeof pointTime !== "number" || pointValue === undefined) continue;
      if (!bucketed) {
        points.push({ time: pointTime, value: pointValue });
        continue;
      }
      const [low, high, n] = [toNumber(row[min]), toNumber(row[max]), toNumber(row[count])];
      points.push({
        time: pointTime,
        value: pointValue,
        ...(low === undefined ? {} : { min: low }),
        ...(high === undefined ? {} : { max: high }),
        ...(n === undefined ? {} : { count: n }),
      });
    }
  }
  return points;
}

/** Numbers as they are; a boolean metric as 1 or 0 (as the Timestream query reads them); anything else is not a point. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "boolean") return value ? 1 : 0;
  return undefined;
}
