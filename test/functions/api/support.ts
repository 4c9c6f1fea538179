import type { Context } from "aws-lambda";
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
