import { metricNameProblem } from "../contracts/metricName.ts";
import { THING_NAME_PATTERN } from "../contracts/telemetryTopic.ts";
import type { SeriesQueryRequest } from "../ports/seriesQuery.ts";

/** The numbers a query text may hold, each already written as an integer. */
export interface QueryNumbers {
  readonly from: string;
  readonly to: string;
  /** `maxPoints + 1`: one row more than fits tells that the series was cut. */
  readonly limit: string;
}

/**
 * Checks a series request again where its pieces become query text (Timestream SQL, InfluxQL), so
 * that no caller can splice text in: the thing name and metric against their patterns, the range
 * and the row limit as non-negative integers. Throws a RangeError otherwise.
 */
export function checkedQueryPieces(request: SeriesQueryRequest): QueryNumbers {
  checkSeriesNames(request);
  return {
    from: queryInteger(request.from, "from"),
    to: queryInteger(request.to, "to"),
    limit: queryInteger(request.maxPoints + 1, "maxPoints"),
  };
}

/** The thing name and metric against their patterns, before they become query text; a RangeError otherwise. */
export function checkSeriesNames(request: { readonly thingName: string; readonly metric: string }): void {
  if (!THING_NAME_PATTERN.test(request.thingName))
    throw new RangeError("thing name does not match its pattern");
  const problem = metricNameProblem(request.metric);
  if (problem !== undefined) throw new RangeError(problem);
}

export function queryInteger(value: number, name: string): string {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer`);
  return String(value);
}
