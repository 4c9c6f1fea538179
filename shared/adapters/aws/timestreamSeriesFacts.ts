import { TimestreamQueryClient, type TimestreamQueryClientConfig } from "@aws-sdk/client-timestream-query";
import { PARTITION_DIMENSION, TELEMETRY_MEASURE_NAME } from "../../contracts/storageLayout.ts";
import type { CounterSlot, RunSegment } from "../../domain/kpis/deviceFacts.ts";
import type { CounterIncreaseRequest, RunSegmentsRequest, SeriesFacts } from "../../ports/seriesFacts.ts";
import { checkSeriesNames, queryInteger } from "../queryPieces.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import { identifier, literal, queryPages } from "./timestreamSeriesQuery.ts";

export type TimestreamSeriesFactsOptions = {
  readonly databaseName: string;
  readonly tableName: string;
} & ClientOrConfig<TimestreamQueryClient, TimestreamQueryClientConfig>;

type Target = { readonly databaseName: string; readonly tableName: string };

/**
 * C9 aggregates in Timestream: the same window-function queries as the SQLite store (LEAD/LAG over
 * the thing's samples of one measure column, islands by a running SUM), so a month of samples
 * stays in Timestream and only segments and 15-minute counter sums come back. Booleans are cast
 * to DOUBLE (true is 1). Query text is built from re-checked names and integers only.
 */
export class TimestreamSeriesFacts implements SeriesFacts {
  readonly #client: TimestreamQueryClient;
  readonly #target: Target;

  constructor(options: TimestreamSeriesFactsOptions) {
    this.#client = options.client ?? new TimestreamQueryClient(options.clientConfig ?? {});
    this.#target = { databaseName: options.databaseName, tableName: options.tableName };
  }

  async runSegments(request: RunSegmentsRequest): Promise<RunSegment[]> {
    const rows = await this.#rows(runSegmentsQueryText(request, this.#target));
    return rows.flatMap(([start, end, running]) => {
      const [s, e] = [Number(start), Number(end)];
      return Number.isFinite(s) && Number.isFinite(e)
        ? [{ start: s, end: e, running: running === "true" }]
        : [];
    });
  }

  async counterIncreases(request: CounterIncreaseRequest): Promise<CounterSlot[]> {
    const rows = await this.#rows(counterIncreasesQueryText(request, this.#target));
    return rows.flatMap(([start, increase]) => {
      const [s, i] = [Number(start), Number(increase)];
      return Number.isFinite(s) && Number.isFinite(i) ? [{ start: s, increase: i }] : [];
    });
  }

  /** Every page's rows as scalar strings; a metric never sent (no column) has none. */
  async #rows(queryString: string): Promise<(string | undefined)[][]> {
    const rows: (string | undefined)[][] = [];
    await queryPages(this.#client, queryString, "KPI", (page) => {
      for (const row of page) rows.push((row.Data ?? []).map((datum) => datum.ScalarValue));
      return true;
    });
    return rows;
  }
}

function pieces(request: { readonly thingName: string; readonly metric: string }, target: Target) {
  checkSeriesNames(request);
  return {
    column: identifier(request.metric),
    source: `${identifier(target.databaseName)}.${identifier(target.tableName)}`,
    thing: `${identifier(PARTITION_DIMENSION)} = ${literal(request.thingName)} AND measure_name = ${literal(TELEMETRY_MEASURE_NAME)}`,
  };
}

/** The running signal's known segments (as `SqliteSeriesStore`'s RUN_SEGMENTS), in epoch ms. */
function runSegmentsQueryText(request: RunSegmentsRequest, target: Target): string {
  const { column, source, thing } = pieces(request, target);
  if (!Number.isFinite(request.threshold)) throw new RangeError("threshold must be a finite number");
  const gap = queryInteger(request.gapAfterMs, "gapAfterMs");
  const from = queryInteger(Math.max(0, request.from - request.gapAfterMs), "from");
  const to = queryInteger(request.to + request.gapAfterMs, "to");
  const horizon = queryInteger(request.horizon, "horizon");
  return [
    "WITH samples AS (",
    `SELECT to_milliseconds(time) AS t, CAST(${column} AS DOUBLE) > ${request.threshold} AS running, `,
    `COALESCE(LEAD(to_milliseconds(time)) OVER (ORDER BY time), ${horizon}) AS next_t `,
    `FROM ${source} WHERE ${thing} AND time >= from_milliseconds(${from}) AND time < from_milliseconds(${to}) `,
    `AND ${column} IS NOT NULL`,
    "), marked AS (",
    `SELECT t, running, next_t, next_t - t <= ${gap} AS known, `,
    `LAG(next_t - t <= ${gap}) OVER (ORDER BY t) AS previous_known, LAG(running) OVER (ORDER BY t) AS previous_running `,
    "FROM samples",
    "), islands AS (",
    "SELECT t, running, next_t, known, SUM(CASE WHEN known AND previous_known AND previous_running = running ",
    "THEN 0 ELSE 1 END) OVER (ORDER BY t ROWS UNBOUNDED PRECEDING) AS island FROM marked",
    ") ",
    "SELECT MIN(t) AS start_ms, MAX(next_t) AS end_ms, running FROM islands WHERE known ",
    "GROUP BY island, running ORDER BY start_ms",
  ].join("");
}

/** A counter's reset-aware increases per slot (as `SqliteSeriesStore`'s COUNTER_INCREASES). */
function counterIncreasesQueryText(request: CounterIncreaseRequest, target: Target): string {
  const { column, source, thing } = pieces(request, target);
  const gap = queryInteger(request.gapAfterMs, "gapAfterMs");
  const from = queryInteger(request.from, "from");
  const base = queryInteger(Math.max(0, request.from - request.gapAfterMs), "from");
  const to = queryInteger(request.to, "to");
  const slot = queryInteger(request.slotMs, "slotMs");
  return [
    "WITH samples AS (",
    `SELECT to_milliseconds(time) AS t, CAST(${column} AS DOUBLE) AS v, `,
    "LAG(to_milliseconds(time)) OVER (ORDER BY time) AS previous_t, ",
    `LAG(CAST(${column} AS DOUBLE)) OVER (ORDER BY time) AS previous_v `,
    `FROM ${source} WHERE ${thing} AND time >= from_milliseconds(${base}) AND time < from_milliseconds(${to}) `,
    `AND ${column} IS NOT NULL`,
    ") ",
    `SELECT t - t % ${slot} AS slot_ms, SUM(CASE WHEN previous_v IS NULL OR t - previous_t > ${gap} THEN 0 `,
    "WHEN v >= previous_v THEN v - previous_v ELSE v END) AS increase ",
    `FROM samples WHERE t >= ${from} GROUP BY t - t % ${slot} ORDER BY slot_ms`,
  ].join("");
}
