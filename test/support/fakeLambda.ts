import { randomUUID } from "node:crypto";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { type LocalServer, startLocalServer } from "./localHttpServer.ts";

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations(?:\?.*)?$/;

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

/**
 * A local Lambda endpoint for Invoke (REST JSON: `POST /2015-03-31/functions/{name}/invocations`).
 * It records the invocation type and the payload; `Event` is answered 202 with no body, as Lambda
 * does, `RequestResponse` 200 with `null`, `DryRun` 204. A payload that is not JSON is refused
 * (InvalidRequestContentException). It can be scripted to fail.
 */
export async function startFakeLambda(): Promise<FakeLambda> {
  const requests: RecordedInvocation[] = [];
  const faults: {
    fault: LambdaFault;
    remaining: number;
    where: (functionName: string, payload: unknown) => boolean;
  }[] = [];

  const server = await startLocalServer(({ method, url, headers, body }) => {
    const match = method === "POST" ? INVOKE_PATH.exec(url) : null;
    const functionName = match?.[1] === undefined ? "" : decodeURIComponent(match[1]);
    const invocationType = String(headers["x-amz-invocation-type"] ?? "RequestResponse");
    let payload: unknown;
    let payloadIsJson = true;
    try {
      payload = body.length === 0 ? undefined : JSON.parse(body.toString("utf8"));
    } catch {
      payloadIsJson = false;
    }
    const answer = (status: number, errorType?: string, message?: string) => {
      requests.push({ functionName, invocationType, payload, status, ...(errorType ? { errorType } : {}) });
      const headers: Record<string, string> = { "x-amzn-requestid": randomUUID() };
      if (errorType === undefined) {
        return { status, headers, body: status === 200 ? "null" : "" };
      }
      return {
        status,
        headers: { ...headers, "content-type": "application/json", "x-amzn-errortype": errorType },
        body: JSON.stringify({ Type: status < 500 ? "User" : "Service", message }),
      };
    };

    if (match === null) return answer(404, "UnknownOperationException", `${method} ${url}`);
    if (!["Event", "RequestResponse", "DryRun"].includes(invocationType)) {
      return answer(400, "InvalidParameterValueException", `invocation type ${invocationType}`);
    }
    const scripted = faults.find(
      (candidate) => candidate.remaining > 0 && candidate.where(functionName, payload),
    );
    if (scripted) {
      scripted.remaining--;
      const fault = LAMBDA_FAULTS[scripted.fault];
      return answer(fault.status, fault.type, `${fault.message}: ${functionName}`);
    }
    if (!payloadIsJson) {
      return answer(400, "InvalidRequestContentException", "Could not parse request body into json");
    }
    return answer(invocationType === "Event" ? 202 : invocationType === "DryRun" ? 204 : 200);
  });

  return {
    ...server,
    requests,
    invocations: () => requests.filter((request) => request.status >= 200 && request.status < 300),
    fail: (fault, { times = 1, where = () => true } = {}) => {
      faults.push({ fault, remaining: times, where });
    },
  };
}
