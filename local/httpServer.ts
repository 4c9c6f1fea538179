import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { errorResponse } from "../functions/api/errorResponse.ts";
import type { HttpApiHandler } from "./adapters/httpApiServer.ts";
import { createHttpApiListener } from "./adapters/httpApiServer.ts";
import { AddressUnavailableError, PortUnavailableError } from "./errors.ts";
import { dashboardAsset, loadDashboardAssets } from "./httpDashboard.ts";
import { SSE_PING_MS, streamLiveEvents } from "./httpEvents.ts";
import type { LiveEventHub } from "./liveEventHub.ts";
import { createRequestGuard, type Refusal, refuseNonJsonBody } from "./requestGuard.ts";

export const LIVE_EVENTS_PATH = "/events";

export interface LocalHttpServerOptions {
  /** Default 127.0.0.1: the local stack has no authentication, so it stays off the network unless asked. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The C7 handler (`createOperatorApi`), served under `/api`. */
  readonly apiHandler: HttpApiHandler;
  readonly liveEvents: LiveEventHub;
  /** The caller the API records as the actor of operator actions. */
  readonly principal?: string;
  readonly dashboard?: {
    /** Default: the repository's `dashboard/`. */
    readonly directory?: string;
  };
  /** Interval of the SSE keep-alive comments; default 15 s. */
  readonly pingMs?: number;
}

export interface LocalHttpServer {
  /** `http://127.0.0.1:8080`: the dashboard; the API is under `${url}/api`, live events at `${url}/events`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Where the local stack serves the operator API (C7), as the API mapping on AWS would. */
export const API_BASE_PATH = "/api";

/**
 * The local stack's one HTTP port: the operator API (C7) under `/api` served by the same handler as
 * Lambda, live events as Server-Sent Events at `/events`, and the dashboard at `/`. Every path
 * refuses what a web page could forge (`createRequestGuard`), and `/api` bodies that are not JSON.
 */
export async function startLocalHttpServer(options: LocalHttpServerOptions): Promise<LocalHttpServer> {
  const assets = await loadDashboardAssets(options.dashboard?.directory);
  // The API's requests become API Gateway events for the very handler that runs in Lambda.
  const serveApi = createHttpApiListener({
    handler: options.apiHandler,
    basePath: API_BASE_PATH,
    ...(options.principal === undefined ? {} : { principal: options.principal }),
  });
  const streams = new Set<() => void>();
  const pingMs = options.pingMs ?? SSE_PING_MS;
  const host = options.host ?? "127.0.0.1";
  const guard = createRequestGuard(host, () => server.address() as AddressInfo);

  const server = createServer((request, response) => {
    const refused = guard(request);
    if (refused !== undefined) return sendRefusal(response, refused);
    const path = pathOf(request);
    if (path === API_BASE_PATH || path.startsWith(`${API_BASE_PATH}/`)) {
      const notJson = refuseNonJsonBody(request);
      if (notJson !== undefined) return sendRefusal(response, notJson);
      serveApi(request, response);
      return;
    }
    const method = request.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      return sendText(response, 405, `${method} is not allowed here`, { allow: "GET, HEAD" });
    }
    if (path === LIVE_EVENTS_PATH) {
      const end = streamLiveEvents(request, response, options.liveEvents, pingMs);
      streams.add(end);
      response.on("close", () => streams.delete(end));
      return;
    }
    const asset = dashboardAsset(assets, path);
    if (asset === undefined) return sendText(response, 404, `nothing at ${path.slice(0, 200)}`);
    response.writeHead(200, {
      "content-type": asset.contentType,
      "content-length": asset.body.length,
      // The bundle changes with every start during development; always ask again.
      "cache-control": "no-cache",
    });
    response.end(method === "HEAD" ? undefined : asset.body);
  });

  try {
    await listen(server, options.port, host);
  } catch (error) {
    throw listenError(error, host, options.port);
  }
  const { port, address, family } = server.address() as AddressInfo;
  const shownHost = family === "IPv6" ? `[${address}]` : address;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: async () => {
      for (const end of streams) end();
      streams.clear();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function pathOf(request: IncomingMessage): string {
  const target = request.url ?? "/";
  const queryAt = target.indexOf("?");
  return queryAt < 0 ? target : target.slice(0, queryAt);
}

function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  response.end(`${text}\n`);
}

function sendRefusal(response: ServerResponse, refusal: Refusal): void {
  const { statusCode, headers, body } = errorResponse({ ...refusal, unexpected: false }, undefined);
  response.writeHead(statusCode ?? 400, headers as Record<string, string>);
  response.end(body);
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** The mistakes a newcomer makes at `npm start` (a second copy running, a privileged port) say what to do. */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE") {
    return new PortUnavailableError(
      `HTTP port ${port} on ${host} is already in use (is plantwatch already running?); choose another with --http-port`,
      { port, flag: "--http-port", cause: error },
    );
  }
  if (code === "EACCES") {
    return new PortUnavailableError(
      `not allowed to listen on HTTP port ${port} on ${host}; choose a port above 1023 with --http-port`,
      { port, flag: "--http-port", cause: error },
    );
  }
  if (code === "EADDRNOTAVAIL") {
    return new AddressUnavailableError(host, error);
  }
  return error;
}
