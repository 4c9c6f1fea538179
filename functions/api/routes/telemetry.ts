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
  time,
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
      const to = query.to === undefined ? now : time(query.to, "query.to", problems);
      const from =
        query.from === undefined
          ? to === undefined
            ? undefined
            : to - API_LIMITS.defaultTelemetryRangeMs
          : time(query.from, "query.from", problems);
      const stepMs =
        query.step === undefined
          ? undefined
          : duration(
              query.step,
              { min: API_LIMITS.minStepMs, max: API_LIMITS.maxStepMs },
              "query.step",
              problems,
            );
      if (from !== undefined && to !== undefined) {
        if (from >= to) problems.add("query.from", "must be before to");
        else if (to - from > API_LIMITS.maxTelemetryRangeMs) {
          problems.add(
            "query.from",
            `the range may span at most ${formatMs(API_LIMITS.maxTelemetryRangeMs)}`,
          );
        } else if (stepMs !== undefined && Math.ceil((to - from) / stepMs) > API_LIMITS.maxTelemetryPoints) {
          problems.add(
            "query.step",
            `makes more than ${API_LIMITS.maxTelemetryPoints} buckets for this range; widen it`,
          );
        }
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
