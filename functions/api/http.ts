import type { Method } from "@middy/http-router";
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import type { OperatorRoute } from "../../shared/contracts/operatorApi.ts";

export type ApiEvent = APIGatewayProxyEventV2WithIAMAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;
export type RouteHandler = (event: ApiEvent, context: Context | undefined) => Promise<ApiResult>;

export interface ApiRoute {
  readonly method: Method;
  readonly path: string;
  readonly handler: RouteHandler;
}

/** A router entry for a C7 route key (`GET /devices/{thingName}`). */
export function route(key: OperatorRoute, handler: RouteHandler): ApiRoute {
  const [method, path] = key.split(" ") as [Method, string];
  return { method, path, handler };
}

export function json(statusCode: number, body: unknown): ApiResult {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

export const noContent = (): ApiResult => ({ statusCode: 204 });

/** Time kept back from Lambda's deadline for the answer itself. */
const DEADLINE_MARGIN_MS = 2_000;
const DEFAULT_BUDGET_MS = 10_000;

export function deadlineOf(context: Context | undefined, now: number): number {
  const remaining = context?.getRemainingTimeInMillis?.() ?? DEFAULT_BUDGET_MS;
  return now + Math.max(0, remaining - DEADLINE_MARGIN_MS);
}
