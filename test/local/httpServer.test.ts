import { createServer, type Server } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type LocalHttpServer, startLocalHttpServer } from "../../local/httpServer.ts";
import { LiveEventHub } from "../../local/liveEventHub.ts";
import type { LiveEvent } from "../../shared/contracts/liveEvents.ts";
import type { ActionResult, AlarmView, ErrorBody, Page } from "../../shared/contracts/operatorApi.ts";
import { startTestOperatorApi, TEST_PRINCIPAL, type TestOperatorApi } from "../support/operatorApi.ts";
import { waitUntil } from "../support/waitUntil.ts";

const TELEMETRY: LiveEvent = {
  type: "telemetry",
  thingName: "oven-3",
  receivedAt: Date.parse("2026-11-25T12:00:01.000Z"),
  samples: [{ time: Date.parse("2026-11-25T12:00:00.500Z"), metrics: { temperature: 71.25, running: true } }],
};

describe("startLocalHttpServer", () => {
  let api: TestOperatorApi;
  let hub: LiveEventHub;
  let server: LocalHttpServer | undefined;
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];

  beforeAll(async () => {
    api = await startTestOperatorApi();
    await api.seedActiveAlarm();
  });
  afterAll(async () => {
    await api.close();
  });
  afterEach(async () => {
    for (const reader of readers.splice(0)) await reader.cancel().catch(() => undefined);
    await server?.close();
    server = undefined;
  });

  async function start(options: { port?: number; pingMs?: number } = {}): Promise<LocalHttpServer> {
    hub = new LiveEventHub();
    server = await startLocalHttpServer({
      port: options.port ?? 0,
      apiHandler: api.handler,
      liveEvents: hub,
      principal: TEST_PRINCIPAL,
      ...(options.pingMs === undefined ? {} : { pingMs: options.pingMs }),
    });
    return server;
  }

  /** An open `/events` stream and everything read from it so far. */
  async function openEvents(url: string) {
    const response = await fetch(`${url}/events`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    readers.push(reader);
    const decoder = new TextDecoder();
    const stream = { response, text: "", done: false };
    void (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (chunk.done) break;
        stream.text += decoder.decode(chunk.value, { stream: true });
      }
      stream.done = true;
    })();
    return stream;
  }

  describe("the operator API under /api", () => {
    it("lists the alarms with the real handler", async () => {
      const { url } = await start();

      const response = await fetch(`${url}/api/alarms`);

      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      const page = (await response.json()) as Page<AlarmView>;
      expect(page.items.map((alarm) => [alarm.alarmId, alarm.state])).toEqual([
        ["oven-overheat:oven-3", "ACTIVE"],
      ]);
    });

    it("passes the body and the principal through to an action", async () => {
      const { url } = await start();

      const response = await fetch(`${url}/api/alarms/oven-overheat%3Aoven-3/snooze`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ note: "burner swap", duration: "15m" }),
      });

      expect(response.status).toBe(200);
      const result = (await response.json()) as ActionResult;
      expect(result.alarm.state).toBe("SNOOZED");
      expect(result.event?.actor).toEqual({ id: TEST_PRINCIPAL, note: "burner swap" });
      await fetch(`${url}/api/alarms/oven-overheat%3Aoven-3/reset`, { method: "POST" });
    });

    it("answers an unknown API path with a C7 error body", async () => {
      const { url } = await start();

      const response = await fetch(`${url}/api/nothing-here`);

      expect(response.status).toBe(404);
      expect(((await response.json()) as ErrorBody).error.code).toBe("route_not_found");
    });
  });

  describe("live events at /events", () => {
    it("streams a published event as a Server-Sent Event of its type", async () => {
      const { url } = await start();
      const stream = await openEvents(url);
      await waitUntil(() => hub.subscribers === 1);

      hub.publish(TELEMETRY);

      expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      await waitUntil(() => stream.text.includes("event: telemetry\n"));
      const frame = stream.text.split("\n\n").find((block) => block.startsWith("event: telemetry\n"));
      expect(JSON.parse(frame?.split("\ndata: ")[1] ?? "")).toEqual(TELEMETRY);
    });

    it("sends keep-alive comments", async () => {
      const { url } = await start({ pingMs: 20 });
      const stream = await openEvents(url);

      await waitUntil(() => stream.text.includes(": ping\n\n"));
    });

    it("unsubscribes when the client goes away", async () => {
      const { url } = await start();
      await openEvents(url);
      await waitUntil(() => hub.subscribers === 1);

      await readers.pop()?.cancel();

      await waitUntil(() => hub.subscribers === 0);
    });

    it("ends the open streams on close", async () => {
      const running = await start();
      const stream = await openEvents(running.url);
      await waitUntil(() => hub.subscribers === 1);

      await running.close();
      server = undefined;

      await waitUntil(() => stream.done);
      expect(hub.subscribers).toBe(0);
    });
  });

  describe("the dashboard", () => {
    it.each([
      ["/", /^text\/html/, '<script type="module" src="app.js">'],
      ["/app.js", /^text\/javascript/, "EventSource"],
      ["/styles.css", /^text\/css/, ".toast"],
      ["/vendor/uPlot.min.css", /^text\/css/, ".uplot"],
      // Browsers ask for it unprompted; a 404 would show in their console.
      ["/favicon.ico", /^image\/svg\+xml$/, "<svg"],
    ])("serves %s with its content type", async (path, contentType, content) => {
      const { url } = await start();

      const response = await fetch(`${url}${path}`);

      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(contentType);
      expect(await response.text()).toContain(content);
    });

    it("answers an alarm's page, where notifications link, with the dashboard's page", async () => {
      const { url } = await start();
      const page = await (await fetch(`${url}/`)).text();

      const response = await fetch(`${url}/alarms/oven-overheat%3Aoven-3`);

      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await response.text()).toBe(page);
    });

    it.each(["/alarms/", "/alarms/a%3Ab/history", "/alarms/a%E0%A4%A"])(
      "answers 404 for %s, which is no page of the dashboard",
      async (path) => {
        const { url } = await start();

        expect((await fetch(`${url}${path}`)).status).toBe(404);
      },
    );

    it("answers 404 for an unknown path and 405 for a write outside the API", async () => {
      const { url } = await start();

      const missing = await fetch(`${url}/nothing-here.js`);
      const posted = await fetch(`${url}/`, { method: "POST", body: "x" });

      expect(missing.status).toBe(404);
      expect(posted.status).toBe(405);
    });
  });

  it("says which port is taken and which flag changes it", async () => {
    const blocker = await listenOnFreePort();
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(start({ port })).rejects.toMatchObject({
        name: "PortUnavailableError",
        reason: "port_unavailable",
        port,
        flag: "--http-port",
        message: expect.stringMatching(new RegExp(`HTTP port ${port} .*already in use.*--http-port`)),
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

function listenOnFreePort(): Promise<Server> {
  const blocker = createServer();
  return new Promise((resolve, reject) => {
    blocker.once("error", reject);
    blocker.listen(0, "127.0.0.1", () => resolve(blocker));
  });
}
