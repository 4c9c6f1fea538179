import { metricNameProblem } from "../../contracts/metricName.ts";
import { INFLUX_MEASUREMENT, PARTITION_DIMENSION } from "../../contracts/storageLayout.ts";
import { THING_NAME_PATTERN } from "../../contracts/telemetryTopic.ts";
import type { SeriesQueryRequest } from "../../ports/seriesQuery.ts";

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
  if (!THING_NAME_PATTERN.test(request.thingName))
    throw new RangeError("thing name does not match its pattern");
  const problem = metricNameProblem(request.metric);
  if (problem !== undefined) throw new RangeError(problem);
  const from = integer(request.from, "from");
  const to = integer(request.to, "to");
  const limit = integer(request.maxPoints + 1, "maxPoints");
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
  const step = integer(request.stepMs / 1000, "stepMs");
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

function integer(value: number, name: string): string {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer`);
  return String(value);
}
