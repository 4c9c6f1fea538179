import type { APIGatewayProxyEventV2WithIAMAuthorizer, Context } from "aws-lambda";
import { matchOperatorRoute } from "../../../functions/api/protocol/routeMatch.ts";
import { startTestOperatorApi, type TestOperatorApi } from "../../support/operatorApi.ts";

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  readonly body: any;
}

/** One request to a running API; the body is sent as JSON unless it is already a string. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === "" ? undefined : JSON.parse(text),
  };
}

/** An API Gateway payload 2.0 event as the HTTP API sends it, for invoking the handler directly. */
export function apiEvent(
  method: string,
  path: string,
  options: {
    readonly query?: Record<string, string>;
    readonly body?: string;
    readonly principal?: string;
  } = {},
): APIGatewayProxyEventV2WithIAMAuthorizer {
  const match = matchOperatorRoute(method, path);
  const routeKey = match.kind === "route" ? match.route : "$default";
  const principal = options.principal ?? "arn:aws:iam::123456789012:user/ana";
  return {
    version: "2.0",
    routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { "content-type": "application/json" },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(match.kind === "route" ? { pathParameters: { ...match.pathParameters } } : {}),
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "api.example",
      domainPrefix: "api",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "test" },
      requestId: "req-1",
      routeKey,
      stage: "$default",
      time: "25/Nov/2026:12:00:00 +0000",
      timeEpoch: 0,
      authorizer: {
        iam: {
          accessKey: "AKID",
          accountId: "123456789012",
          callerId: "AIDA",
          cognitoIdentity: null,
          principalOrgId: "",
          userArn: principal,
          userId: "AIDA",
        },
      },
    },
  };
}

/** Enough of a Lambda context for the handler: a request id and 10 s left. */
export function lambdaContext(): Context {
  return {
    awsRequestId: "req-1",
    getRemainingTimeInMillis: () => 10_000,
  } as Context;
}

/**
 * The API under `/api` over a small fleet: oven-3 (plant-1/line-2) with the active alarm
 * `seedActiveAlarm` raises, oven-4 (plant-1/line-3) reporting a normal temperature, and press-1
 * (plant-2) registered but silent.
 */
export async function startFleetApi(): Promise<{ readonly api: TestOperatorApi; readonly alarmId: string }> {
  const api = await startTestOperatorApi({ basePath: "/api" });
  const alarmId = await api.seedActiveAlarm();
  await api.putDevice({ thingName: "oven-4", site: "plant-1", line: "line-3" });
  await api.putDevice({ thingName: "press-1", site: "plant-2" });
  await api.sendTelemetry("oven-4", { temperature: 200 });
  return { api, alarmId };
}
