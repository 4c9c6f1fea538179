import type { IncomingMessage, ServerResponse } from "node:http";
import { createHttpApiListener, type HttpApiHandler } from "../../shared/adapters/local/httpApiServer.ts";

/** Where the local stack serves the operator API (C7), as the API mapping on AWS would. */
export const API_BASE_PATH = "/api";

export interface ApiForwarder {
  forward(request: IncomingMessage, response: ServerResponse): void;
  close(): Promise<void>;
}

/**
 * The operator API behind the local HTTP server: requests under `/api` become API Gateway events
 * (`httpApiServer.ts` owns that conversion) for the very handler that runs in Lambda.
 */
export async function startApiForwarder(options: {
  readonly handler: HttpApiHandler;
  readonly principal?: string;
}): Promise<ApiForwarder> {
  const forward = createHttpApiListener({
    handler: options.handler,
    basePath: API_BASE_PATH,
    ...(options.principal === undefined ? {} : { principal: options.principal }),
  });
  return { forward, close: async () => {} };
}
