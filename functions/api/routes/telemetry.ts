import { API_LIMITS, type TelemetryView } from "../../../shared/contracts/operatorApi.ts";
import type { OperatorApiDependencies } from "../dependencies.ts";
import { type ApiRoute, json, route } from "../http.ts";
import { RequestProblems } from "../protocol/apiError.ts";
import {
  duration,
  formatMs,
  metric as metricParameter,
  readQuery,
  thingName,
  timeRange,
} from "../protocol/requestParameters.ts";

const iso = (ms: number) => new Date(ms).toISOString();

/** Every piece of the query is checked here, so the series adapter only ever sees validated values. */
export function telemetryRoutes(deps: OperatorApiDependencies): ApiRoute[] {
  return [
    route("GET /devices/{thingName}/telemetry", async (event) => {
      const problems = new RequestProblems();
      const query = readQuery(event.queryStringParameters, ["metric", "from", "to", "step"], problems);
      const name = thingName(event.pathParameters?.thingName, "path.thingName", problems);
      const metric = metricParameter(query.metric, "query.metric", problems);
      const now = deps.clock.now();
      const { from, to } = timeRange(
        query,
        { now, defaultMs: API_LIMITS.defaultTelemetryRangeMs, maxMs: API_LIMITS.maxTelemetryRangeMs },
        problems,
      );
      const stepMs =
        query.step === undefined
          ? undefined
          : duration(
              query.step,
              { min: API_LIMITS.minStepMs, max: API_LIMITS.maxStepMs },
              "query.step",
              problems,
            );
      // Only a valid range has a bucket count worth checking; a bad one is reported already.
      const validRange =
        from !== undefined && to !== undefined && from < to && to - from <= API_LIMITS.maxTelemetryRangeMs;
      if (
        validRange &&
        stepMs !== undefined &&
        Math.ceil((to - from) / stepMs) > API_LIMITS.maxTelemetryPoints
      ) {
        problems.add(
          "query.step",
          `makes more than ${API_LIMITS.maxTelemetryPoints} buckets for this range; widen it`,
        );
      }
      if (stepMs !== undefined && stepMs % 1000 !== 0) problems.add("query.step", "must be whole seconds");
      problems.throwIfAny();
      if (name === undefined || metric === undefined || from === undefined || to === undefined) {
        throw new Error("a validated parameter is missing");
      }

      const result = await deps.series.query({
        thingName: name,
        metric,
        from,
        to,
        ...(stepMs === undefined ? {} : { stepMs }),
        maxPoints: API_LIMITS.maxTelemetryPoints,
      });
      const view: TelemetryView = {
        thingName: name,
        metric,
        from: iso(from),
        to: iso(to),
        ...(stepMs === undefined ? {} : { step: formatMs(stepMs) }),
        points: result.points.map((point) => ({ ...point, time: iso(point.time) })),
        truncated: result.truncated,
      };
      return json(200, view);
    }),
  ];
}
