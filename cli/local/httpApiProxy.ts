import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { type HttpApiHandler, startHttpApiServer } from "../../shared/adapters/local/httpApiServer.ts";
import type { ErrorBody } from "../../shared/contracts/operatorApi.ts";

/** Where the local stack serves the operator API (C7), as the API mapping on AWS would. */
export const API_BASE_PATH = "/api";

export interface ApiForwarder {
  forward(request: IncomingMessage, response: ServerResponse): void;
  close(): Promise<void>;
}

/**
 * The operator API behind the local HTTP server. `httpApiServer.ts` turns requests into API Gateway
 * events and owns that conversion; it exposes only a listening server, so requests under `/api` are
 * relayed to one on a loopback port rather than converting them a second time here.
 */
export async function startApiForwarder(options: {
  readonly handler: HttpApiHandler;
  readonly principal?: string;
}): Promise<ApiForwarder> {
  const api = await startHttpApiServer({
    handler: options.handler,
    basePath: API_BASE_PATH,
    host: "127.0.0.1",
    port: 0,
    ...(options.principal === undefined ? {} : { principal: options.principal }),
  });
  return {
    forward: (request, response) => {
      const upstream = httpRequest(
        {
          host: "127.0.0.1",
          port: api.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on("error", () => {
        if (response.headersSent) {
          response.destroy();
          return;
        }
        const body: ErrorBody = {
          error: { code: "unavailable", message: "the operator API did not answer" },
        };
        response.writeHead(503, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      });
      request.pipe(upstream);
    },
    close: () => api.close(),
  };
}
