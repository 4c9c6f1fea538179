import type { IncomingMessage, ServerResponse } from "node:http";
import type { LiveEvent } from "../shared/contracts/liveEvents.ts";
import type { LiveEventHub } from "./liveEventHub.ts";

export const SSE_PING_MS = 15_000;
/**
 * A client that reads slower than events arrive would make the server buffer without bound; past
 * this much unsent data it is dropped, and EventSource reconnects and reloads what it shows.
 */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Tells EventSource how soon to reconnect after the stream ends (the stack restarting). */
const RETRY_MS = 2000;

/** One `event:`/`data:` frame; JSON has no raw line breaks, so `data` is always a single line. */
export function sseFrame(event: LiveEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Streams the hub's live events to one client as Server-Sent Events until either side goes away;
 * comments every `pingMs` keep proxies and the browser from timing the stream out. Returns a
 * function that ends the stream (for shutdown).
 */
export function streamLiveEvents(
  request: IncomingMessage,
  response: ServerResponse,
  hub: LiveEventHub,
  pingMs = SSE_PING_MS,
): () => void {
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  response.write(`retry: ${RETRY_MS}\n: connected\n\n`);

  const send = (chunk: string) => {
    if (response.writableLength > MAX_BUFFERED_BYTES) {
      stop();
      response.destroy();
      return;
    }
    response.write(chunk);
  };
  const unsubscribe = hub.subscribe((event) => send(sseFrame(event)));
  const ping = setInterval(() => send(": ping\n\n"), pingMs);
  ping.unref();

  let stopped = false;
  function stop() {
    if (stopped) return;
    stopped = true;
    clearInterval(ping);
    unsubscribe();
  }
  request.on("close", stop);
  response.on("close", stop);
  return () => {
    stop();
    response.end();
  };
}
