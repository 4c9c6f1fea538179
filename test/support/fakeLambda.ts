import { randomUUID } from "node:crypto";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { type FakeCall, FakeServiceError, startFakeEndpoint, verbatim } from "./fakeEndpoint.ts";
import { restJson } from "./fakeEndpointProtocols.ts";
import type { LocalServer } from "./localHttpServer.ts";

/** Failures the fake can be told to answer Invoke with, as Lambda sends them. */
export const LAMBDA_FAULTS = {
  notFound: { status: 404, type: "ResourceNotFoundException", message: "Function not found" },
  throttled: { status: 429, type: "TooManyRequestsException", message: "Rate Exceeded." },
  accessDenied: {
    status: 403,
    type: "AccessDeniedException",
    message: "User is not authorized to perform: lambda:InvokeFunction",
  },
  service: { status: 500, type: "ServiceException", message: "Lambda encountered an internal error" },
} as const;
export type LambdaFault = keyof typeof LAMBDA_FAULTS;

export interface RecordedInvocation {
  /** The FunctionName of the path, decoded (a name or an ARN, as the caller gave it). */
  readonly functionName: string;
  /** From `X-Amz-Invocation-Type`; absent means RequestResponse. */
  readonly invocationType: string;
  /** The payload parsed as JSON (undefined when it is not JSON). */
  readonly payload: unknown;
  readonly status: number;
  readonly errorType?: string;
}

export interface FakeLambda extends LocalServer {
  /** Every Invoke received, in arrival order, with how it was answered. */
  readonly requests: readonly RecordedInvocation[];
  /** The invocations accepted (2xx). */
  invocations(): RecordedInvocation[];
  /** Answers the next `times` (default 1) Invokes matching `where` with `fault`. */
  fail(
    fault: LambdaFault,
    options?: {
      readonly times?: number;
      readonly where?: (functionName: string, payload: unknown) => boolean;
    },
  ): void;
}

/** A Lambda client for a local endpoint; `maxAttempts: 1` so each request is seen once. */
export function localLambdaClient(endpoint: string): LambdaClient {
  return new LambdaClient({ ...TEST_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
}

/** The payload parsed as JSON; undefined when it is empty or not JSON. */
function payloadOf(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Lambda's REST JSON; errors name who failed, the caller (User) or Lambda (Service). */
export const lambdaProtocol = () =>
  restJson({
    routes: { Invoke: "POST /2015-03-31/functions/{FunctionName}/invocations" },
    readBody: (text) => text,
    errorBody: ({ status, message }) => ({ Type: status < 500 ? "User" : "Service", message }),
  });

/**
 * A local Lambda endpoint for Invoke (REST JSON: `POST /2015-03-31/functions/{name}/invocations`).
 * It records the invocation type and the payload; `Event` is answered 202 with no body, as Lambda
 * does, `RequestResponse` 200 with `null`, `DryRun` 204. A payload that is not JSON is refused
 * (InvalidRequestContentException). It can be scripted to fail.
 */
export async function startFakeLambda(): Promise<FakeLambda> {
  const invocationTypeOf = (call: FakeCall) => call.headers["x-amz-invocation-type"] ?? "RequestResponse";

  const invoke = (call: FakeCall) => {
    const invocationType = invocationTypeOf(call);
    if (!["Event", "RequestResponse", "DryRun"].includes(invocationType)) {
      throw new FakeServiceError(400, "InvalidParameterValueException", `invocation type ${invocationType}`);
    }
    const text = String(call.body);
    if (text !== "" && payloadOf(text) === undefined) {
      throw new FakeServiceError(
        400,
        "InvalidRequestContentException",
        "Could not parse request body into json",
      );
    }
    const status = invocationType === "Event" ? 202 : invocationType === "DryRun" ? 204 : 200;
    return verbatim({
      status,
      headers: { "x-amzn-requestid": randomUUID() },
      body: status === 200 ? "null" : "",
    });
  };

  const endpoint = await startFakeEndpoint<RecordedInvocation>({
    services: [{ protocol: lambdaProtocol(), operations: { Invoke: invoke } }],
    record: ({ call, status, error }) => ({
      functionName: call?.params[0] ?? "",
      invocationType: call ? invocationTypeOf(call) : "RequestResponse",
      payload: call ? payloadOf(String(call.body)) : undefined,
      status,
      ...(error ? { errorType: error.type } : {}),
    }),
  });

  return {
    ...endpoint,
    invocations: () => endpoint.requests.filter((request) => request.status >= 200 && request.status < 300),
    fail: (fault, { times = 1, where = () => true } = {}) => {
      const { status, type, message } = LAMBDA_FAULTS[fault];
      endpoint.script(undefined, new FakeServiceError(status, type, message), {
        times,
        where: (call) => where(call.params[0] ?? "", payloadOf(String(call.body))),
      });
    },
  };
}
