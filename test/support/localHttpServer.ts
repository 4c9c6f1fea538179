import { createServer, type IncomingHttpHeaders } from "node:http";
import { createServer as createHttp2Server, type Http2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";

/** A request as a fake endpoint sees it, body fully read. */
export interface LocalRequest {
  readonly method: string;
  /** Path and query, as sent (not decoded). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface LocalReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export interface LocalServer {
  /** `http://127.0.0.1:{port}`, ready for an SDK client's `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  /** Closes the listener and every connection, idle or not. */
  stop(): Promise<void>;
}

export interface LocalServerOptions {
  /**
   * Serve HTTP/2 without TLS (h2c) instead of HTTP/1.1, for SDK clients whose default handler is
   * HTTP/2 (Kinesis).
   * @default false
   */
  readonly http2?: boolean;
}

type Handle = (request: LocalRequest) => LocalReply | Promise<LocalReply>;

/**
 * An HTTP server on 127.0.0.1 and a random port, for fakes of AWS endpoints. It runs in the test
 * process or serves a child process (the bundled Lambda) alike. A handler that throws answers 500.
 */
export async function startLocalServer(
  handle: Handle,
  options: LocalServerOptions = {},
): Promise<LocalServer> {
  const respond = async (request: LocalRequest): Promise<LocalReply> => {
    try {
      return await handle(request);
    } catch (error) {
      return { status: 500, body: `fake endpoint failed: ${(error as Error).stack ?? String(error)}` };
    }
  };
  // Both servers hand over Node's compatible request/response pair; only closing differs.
  type Incoming = Pick<Readable, "on"> & { method?: string; url?: string; headers: IncomingHttpHeaders };
  type Outgoing = {
    writeHead(status: number, headers?: Readonly<Record<string, string>>): unknown;
    end(body: string | Buffer): unknown;
  };
  const serve = (incoming: Incoming, outgoing: Outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", async () => {
      const reply = await respond({
        method: incoming.method ?? "GET",
        url: incoming.url ?? "/",
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      });
      outgoing.writeHead(reply.status, reply.headers);
      outgoing.end(reply.body ?? "");
    });
  };

  let closeConnections: () => void;
  let server: ReturnType<typeof createServer> | ReturnType<typeof createHttp2Server>;
  if (options.http2) {
    const sessions = new Set<Http2Session>();
    const http2Server = createHttp2Server((incoming, outgoing) => serve(incoming, outgoing));
    http2Server.on("session", (session) => {
      sessions.add(session);
      session.on("close", () => sessions.delete(session));
    });
    closeConnections = () => {
      for (const session of sessions) session.destroy();
    };
    server = http2Server;
  } else {
    const http1Server = createServer((incoming, outgoing) => serve(incoming, outgoing));
    closeConnections = () => http1Server.closeAllConnections();
    server = http1Server;
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        closeConnections();
      }),
  };
}
