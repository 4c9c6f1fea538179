import {
  QueryCommand,
  type QueryCommandOutput,
  TimestreamQueryClient,
  type TimestreamQueryClientConfig,
} from "@aws-sdk/client-timestream-query";
import { PARTITION_DIMENSION, TELEMETRY_MEASURE_NAME } from "../../contracts/storageLayout.ts";
import { PlantwatchError } from "../../errors.ts";
import type {
  SeriesQuery,
  SeriesQueryPoint,
  SeriesQueryRequest,
  SeriesQueryResult,
} from "../../ports/seriesQuery.ts";
import { checkedQueryPieces, queryInteger } from "../queryPieces.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";

export type TimestreamSeriesQueryOptions = {
  readonly databaseName: string;
  readonly tableName: string;
} & ClientOrConfig<TimestreamQueryClient, TimestreamQueryClientConfig>;

/** Timestream refused a query it should have accepted: a bug in the query text, not in the request. */
export class TelemetryQueryError extends PlantwatchError {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = "TelemetryQueryError";
  }
}

/**
 * Telemetry from Timestream (storage layout: one multi-measure record named `metrics` per sample,
 * one column per metric, the thing in the `device` dimension). The query text is built only from
 * values that match their patterns (checked again here, so no caller can splice text into it),
 * integers, and the configured database and table.
 */
export class TimestreamSeriesQuery implements SeriesQuery {
  readonly #client: TimestreamQueryClient;
  readonly #target: { readonly databaseName: string; readonly tableName: string };

  constructor(options: TimestreamSeriesQueryOptions) {
    this.#client = options.client ?? new TimestreamQueryClient(options.clientConfig ?? {});
    this.#target = { databaseName: options.databaseName, tableName: options.tableName };
  }

  async query(request: SeriesQueryRequest): Promise<SeriesQueryResult> {
    const points: SeriesQueryPoint[] = [];
    // Newest first, at most maxPoints + 1 rows: one more than fits tells that the series was cut.
    await queryPages(this.#client, telemetryQueryText(request, this.#target), "telemetry", (rows) => {
      for (const row of rows) {
        const point = toPoint(row.Data ?? [], request.stepMs !== undefined);
        if (point) points.push(point);
      }
      return points.length <= request.maxPoints;
    });
    const truncated = points.length > request.maxPoints;
    return { points: points.slice(0, request.maxPoints).reverse(), truncated };
  }
}

/**
 * Runs a query page by page, handing each page's rows to `onPage` until it returns false or the
 * pages end. A metric never sent has no column: no rows, not an error. A query Timestream refuses
 * is a `TelemetryQueryError` naming `what` was asked.
 */
export async function queryPages(
  client: TimestreamQueryClient,
  queryString: string,
  what: string,
  onPage: (rows: NonNullable<QueryCommandOutput["Rows"]>) => boolean,
): Promise<void> {
  let nextToken: string | undefined;
  do {
    let page: QueryCommandOutput;
    try {
      page = await client.send(new QueryCommand({ QueryString: queryString, NextToken: nextToken }));
    } catch (error) {
      if (isUnknownColumn(error)) return;
      if ((error as Error).name === "ValidationException") {
        throw new TelemetryQueryError(
          `Timestream refused the ${what} query: ${(error as Error).message}`,
          error,
        );
      }
      throw error;
    }
    if (!onPage(page.Rows ?? [])) return;
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
}

/** The query text for a raw or bucketed series. */
export function telemetryQueryText(
  request: SeriesQueryRequest,
  target: { readonly databaseName: string; readonly tableName: string },
): string {
  const { from, to, limit } = checkedQueryPieces(request);
  const column = identifier(request.metric);
  const source = `${identifier(target.databaseName)}.${identifier(target.tableName)}`;
  const where = [
    `${identifier(PARTITION_DIMENSION)} = ${literal(request.thingName)}`,
    `measure_name = ${literal(TELEMETRY_MEASURE_NAME)}`,
    `time >= from_milliseconds(${from})`,
    `time < from_milliseconds(${to})`,
    `${column} IS NOT NULL`,
  ].join(" AND ");
  if (request.stepMs === undefined) {
    return `SELECT time, ${column} AS value FROM ${source} WHERE ${where} ORDER BY time DESC LIMIT ${limit}`;
  }
  if (!Number.isSafeInteger(request.stepMs) || request.stepMs < 1000 || request.stepMs % 1000 !== 0) {
    throw new RangeError("stepMs must be whole seconds");
  }
  const bucket = `bin(time, ${queryInteger(request.stepMs / 1000, "stepMs")}s)`;
  return (
    `SELECT ${bucket} AS bucket, avg(${column}) AS value, min(${column}) AS min, max(${column}) AS max, ` +
    `count(${column}) AS count FROM ${source} WHERE ${where} GROUP BY ${bucket} ORDER BY bucket DESC LIMIT ${limit}`
  );
}

export function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

type Datum = { readonly ScalarValue?: string; readonly NullValue?: boolean };

function toPoint(data: readonly Datum[], bucketed: boolean): SeriesQueryPoint | undefined {
  const time = parseTimestamp(data[0]?.ScalarValue);
  const value = toNumber(data[1]?.ScalarValue);
  if (time === undefined || value === undefined) return undefined;
  if (!bucketed) return { time, value };
  const min = toNumber(data[2]?.ScalarValue);
  const max = toNumber(data[3]?.ScalarValue);
  const count = toNumber(data[4]?.ScalarValue);
  return {
    time,
    value,
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
    ...(count === undefined ? {} : { count }),
  };
}

/** Timestream's `2026-11-25 12:03:10.123000000` (UTC), to epoch ms. */
function parseTimestamp(value: string | undefined): number | undefined {
  const match =
    value === undefined ? null : /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?$/.exec(value);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}T${match[2]}.${(match[3] ?? "").padEnd(3, "0").slice(0, 3)}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Doubles as numbers; a BOOLEAN metric as 1 or 0; anything else is not a point of a numeric series. */
function toNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value === "true") return 1;
  if (value === "false") return 0;
  const number = Number(value);
  return value.trim() !== "" && Number.isFinite(number) ? number : undefined;
}

/** A metric no thing has sent yet has no column: its series is empty, not an error. */
export function isUnknownColumn(error: unknown): boolean {
  return (
    (error as Error).name === "ValidationException" &&
    /column '[^']*' does not exist/i.test((error as Error).message)
  );
}
