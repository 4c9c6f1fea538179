import middy from "@middy/core";
import httpRouterHandler from "@middy/http-router";
import type { Context } from "aws-lambda";
import type { OperatorApiDependencies } from "./dependencies.ts";
import { errorResponse, mapError } from "./errorResponse.ts";
import type { ApiEvent, ApiResult } from "./http.ts";
import { OperatorApiError } from "./protocol/apiError.ts";
import { matchOperatorRoute } from "./protocol/routeMatch.ts";
import { alarmRoutes } from "./routes/alarms.ts";
import { deviceRoutes } from "./routes/devices.ts";
import { kpiRoutes } from "./routes/kpis.ts";
import { ruleRoutes } from "./routes/rules.ts";
import { silenceRoutes } from "./routes/silences.ts";
import { telemetryRoutes } from "./routes/telemetry.ts";

export type OperatorApiHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

/**
 * The operator HTTP API (C7) from its ports: the Lambda handler wires it to AWS, the local stack to
 * its own stores, and both serve API Gateway payload 2.0 events. Every error leaves as a C7 body.
 */
export function createOperatorApi(
  deps: OperatorApiDependencies,
): middy.MiddyfiedHandler<ApiEvent, ApiResult> {
  const router = httpRouterHandler<ApiEvent, ApiResult>({
    routes: [
      ...deviceRoutes(deps),
      ...telemetryRoutes(deps),
      ...alarmRoutes(deps),
      ...ruleRoutes(deps),
      ...silenceRoutes(deps),
      ...kpiRoutes(deps),
    ],
    notFoundResponse: ({ method, path }) => {
      const match = matchOperatorRoute(method, path);
      if (match.kind === "method_not_allowed") {
        throw new OperatorApiError(
          "method_not_allowed",
          `${method} is not allowed on ${path.slice(0, 200)}`,
          undefined,
          {
            allow: match.allowed,
          },
        );
      }
      throw new OperatorApiError("route_not_found", `no route for ${method} ${path.slice(0, 200)}`);
    },
  });
  return middy<ApiEvent, ApiResult>()
    .use({
      onError: async (request) => {
        const mapped = mapError(request.error);
        if (mapped.unexpected) deps.log?.error("request failed", { error: request.error });
        request.response = errorResponse(mapped, request.event?.requestContext?.requestId);
      },
    })
    .handler(router);
}
