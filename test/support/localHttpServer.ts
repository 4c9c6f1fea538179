import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

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

/**
 * An HTTP server on 127.0.0.1 and a random port, for fakes of AWS endpoints. It runs in the test
 * process or serves a child process (the bundled Lambda) alike. A handler that throws answers 500.
 */
export async function startLocalServer(
  handle: (request: LocalRequest) => LocalReply | Promise<LocalReply>,
): Promise<LocalServer> {
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", async () => {
      let reply: LocalReply;
      try {
        reply = await handle({
          method: incoming.method ?? "GET",
          url: incoming.url ?? "/",
          headers: incoming.headers,
          body: Buffer.concat(chunks),
        });
      } catch (error) {
        reply = { status: 500, body: `fake endpoint failed: ${(error as Error).stack ?? String(error)}` };
      }
      outgoing.writeHead(reply.status, reply.headers);
      outgoing.end(reply.body);
    });
  });
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
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
