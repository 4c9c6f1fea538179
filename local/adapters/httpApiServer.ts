import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyResultV2, Context } from "aws-lambda";
import { bodyBytes } from "../../functions/api/protocol/requestBodies.ts";
import { matchOperatorRoute } from "../../functions/api/protocol/routeMatch.ts";
import type { ErrorBody, ErrorCode } from "../../shared/contracts/operatorApi.ts";
import { ERROR_STATUS } from "../../shared/contracts/operatorApi.ts";

export type HttpApiHandler = (
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export interface HttpApiServerOptions {
  readonly handler: HttpApiHandler;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Path prefix the API is served under, e.g. `/api`; stripped before routing, as an API mapping does. */
  readonly basePath?: string;
  /** The caller identity put where API Gateway's IAM authorizer puts the caller's ARN. */
  readonly principal?: string;
  /** What API Gateway adds for identity pool credentials (the hosted console's callers); default none. */
  readonly cognitoIdentity?: CognitoIdentityContext;
  readonly requestIdPrefix?: string;
  /** Bodies larger than this are refused before the handler sees them, as API Gateway does at 10 MB. */
  readonly maxRequestBytes?: number;
}

/** The identity pool's part of API Gateway's IAM authorizer context; `amr` names the user pool sign-in. */
export interface CognitoIdentityContext {
  readonly identityId: string;
  readonly identityPoolId: string;
  readonly amr: readonly string[];
}

export interface HttpApiServer {
  /** Base URL including the base path, e.g. `http://127.0.0.1:8080/api`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const API_GATEWAY_MAX_BYTES = 10 * 1024 * 1024;
/** Lambda's own limit on an API handler; the local server only reports it through the context. */
const HANDLER_TIMEOUT_MS = 29_000;

/**
 * The request listener behind `startHttpApiServer`, for a server that serves other paths too (the
 * local stack's, which also serves the dashboard and live events on one port).
 */
export function createHttpApiListener(
  options: Omit<HttpApiServerOptions, "port" | "host">,
): (request: IncomingMessage, response: ServerResponse) => void {
  const basePath = normalizeBasePath(options.basePath ?? "");
  return (request, response) => {
    serve(request, response, options, basePath).catch((error: unknown) => {
      // Only writing the response can fail here; the connection is all there is left to end.
      response.destroy(error instanceof Error ? error : undefined);
    });
  };
}

/**
 * The operator API on a plain node:http server: each request becomes an API Gateway HTTP API
 * payload 2.0 event with an IAM authorizer context, and the handler's result is written back. The
 * local stack and the CLI tests serve the very handler that runs in Lambda this way.
 */
export async function startHttpApiServer(options: HttpApiServerOptions): Promise<HttpApiServer> {
  const basePath = normalizeBasePath(options.basePath ?? "");
  const server = createServer(createHttpApiListener(options));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port, address, family } = server.address() as AddressInfo;
  const host = family === "IPv6" ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}${basePath}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  options: Omit<HttpApiServerOptions, "port" | "host">,
  basePath: string,
): Promise<void> {
  const requestId = `${options.requestIdPrefix ?? "local-"}${randomUUID()}`;
  const body = await readBody(request, options.maxRequestBytes ?? API_GATEWAY_MAX_BYTES);
  const target = request.url ?? "/";
  const queryAt = target.indexOf("?");
  const fullPath = queryAt < 0 ? target : target.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? "" : target.slice(queryAt + 1);
  if (body === "too_large") {
    return reply(response, errorResult("payload_too_large", "the request body exceeds 10 MB", requestId));
  }
  if (fullPath !== basePath && !fullPath.startsWith(`${basePath}/`)) {
    return reply(response, errorResult("route_not_found", `no route for ${fullPath}`, requestId));
  }
  const event = toEvent({
    request,
    path: fullPath.slice(basePath.length) || "/",
    rawQueryString,
    body,
    requestId,
    principal: options.principal ?? "local-user",
    cognitoIdentity: options.cognitoIdentity,
  });
  let result: APIGatewayProxyResultV2;
  try {
    result = await options.handler(event, lambdaContext(requestId));
  } catch {
    result = errorResult("internal", "internal error", requestId);
  }
  reply(response, result);
}

interface EventSource {
  readonly request: IncomingMessage;
  readonly path: string;
  readonly rawQueryString: string;
  readonly body: Buffer;
  readonly requestId: string;
  readonly principal: string;
  readonly cognitoIdentity: CognitoIdentityContext | undefined;
}

function toEvent(source: EventSource): APIGatewayProxyEventV2WithIAMAuthorizer {
  const { request, path, rawQueryString, body, requestId, principal, cognitoIdentity } = source;
  const method = (request.method ?? "GET").toUpperCase();
  const headers = joinHeaders(request);
  const match = matchOperatorRoute(method, path);
  const now = new Date();
  const text = isTextual(headers["content-type"]);
  const queryStringParameters = parseQuery(rawQueryString);
  return {
    version: "2.0",
    routeKey: match.kind === "route" ? match.route : "$default",
    rawPath: path,
    rawQueryString,
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(match.kind === "route" && Object.keys(match.pathParameters).length > 0
      ? { pathParameters: { ...match.pathParameters } }
      : {}),
    ...(body.length > 0 ? { body: text ? body.toString("utf8") : body.toString("base64") } : {}),
    isBase64Encoded: body.length > 0 && !text,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "local",
      http: {
        method,
        path,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId,
      routeKey: match.kind === "route" ? match.route : "$default",
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: {
        iam: {
          accessKey: "local",
          accountId: "000000000000",
          callerId: principal,
          // @types/aws-lambda types this as always null; API Gateway fills it for identity pool credentials.
          cognitoIdentity: (cognitoIdentity ?? null) as null,
          principalOrgId: "",
          userArn: principal,
          userId: principal,
        },
      },
    },
  };
}

/** Lower-cased names, repeated headers joined with commas, as API Gateway passes them. */
function joinHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = (request.rawHeaders[index] as string).toLowerCase();
    const value = request.rawHeaders[index + 1] as string;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return headers;
}

/** Decoded parameters, repeated ones joined with commas, as API Gateway passes them; undefined for none. */
function parseQuery(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === "") return undefined;
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    parameters[name] = parameters[name] === undefined ? value : `${parameters[name]},${value}`;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

function isTextual(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return (
    type.startsWith("text/") ||
    type.endsWith("/json") ||
    type.endsWith("+json") ||
    type.endsWith("/xml") ||
    type === "application/x-www-form-urlencoded"
  );
}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | "too_large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep draining so the client can read the answer, but stop keeping the bytes.
    if (size > maxBytes) tooLarge = true;
    else chunks.push(chunk);
  }
  return tooLarge ? "too_large" : Buffer.concat(chunks);
}

function reply(response: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === "string" || result === undefined || result === null) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(result ?? "");
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers["set-cookie"] = [...result.cookies];
  const body = bodyBytes(result);
  if (body !== undefined && headers["content-type"] === undefined)
    headers["content-type"] = "application/json";
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
}

function errorResult(code: ErrorCode, message: string, requestId: string) {
  const body: ErrorBody = { error: { code, message, requestId } };
  return {
    statusCode: ERROR_STATUS[code],
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

function lambdaContext(requestId: string): Context {
  const deadline = Date.now() + HANDLER_TIMEOUT_MS;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "plantwatch-api-local",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:local:000000000000:function:plantwatch-api-local",
    memoryLimitInMB: "256",
    awsRequestId: requestId,
    logGroupName: "local",
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function normalizeBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, "");
  if (trimmed === "") return "";
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}
