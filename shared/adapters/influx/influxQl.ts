import { INFLUX_MEASUREMENT, PARTITION_DIMENSION } from "../../contracts/storageLayout.ts";
import type { SeriesQueryRequest } from "../../ports/seriesQuery.ts";
import { checkedQueryPieces, queryInteger } from "../queryPieces.ts";

/**
 * The InfluxQL for a raw or bucketed series, built only from pieces checked here: the thing name
 * and metric against their patterns (again, so no caller can splice text in), integers, and fixed
 * names. Newest first with one row more than fits, so that the caller can tell the series was cut.
 * `GROUP BY time(<step>)` starts its buckets at multiples of the step since the epoch, as
 * Timestream's `bin()` does; `fill(none)` leaves out empty buckets, as a SQL `GROUP BY` does.
 */
export function telemetryInfluxQl(
  request: SeriesQueryRequest,
  measurement: string = INFLUX_MEASUREMENT,
): string {
  const { from, to, limit } = checkedQueryPieces(request);
  const field = identifier(request.metric);
  const where =
    `WHERE ${identifier(PARTITION_DIMENSION)} = ${literal(request.thingName)} ` +
    `AND time >= ${from}ms AND time < ${to}ms`;
  const source = `FROM ${identifier(measurement)}`;
  if (request.stepMs === undefined) {
    return `SELECT ${field} AS "value" ${source} ${where} ORDER BY time DESC LIMIT ${limit}`;
  }
  if (!Number.isSafeInteger(request.stepMs) || request.stepMs < 1000 || request.stepMs % 1000 !== 0) {
    throw new RangeError("stepMs must be whole seconds");
  }
  const step = queryInteger(request.stepMs / 1000, "stepMs");
  return (
    `SELECT mean(${field}) AS "value", min(${field}) AS "min", max(${field}) AS "max", count(${field}) AS "count" ` +
    `${source} ${where} GROUP BY time(${step}s) fill(none) ORDER BY time DESC LIMIT ${limit}`
  );
}

/** An InfluxQL identifier: double-quoted, with `"` and `\` escaped by a backslash. */
export function identifier(name: string): string {
  return `"${name.replace(/["\\]/g, "\\$&")}"`;
}

/** An InfluxQL string literal: single-quoted, with `'` and `\` escaped by a backslash. */
export function literal(value: string): string {
  return `'${value.replace(/['\\]/g, "\\$&")}'`;
}
