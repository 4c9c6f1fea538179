import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalHttpServer, startLocalHttpServer } from "../../local/httpServer.ts";
import { LiveEventHub } from "../../local/liveEventHub.ts";
import { createRequestGuard } from "../../local/requestGuard.ts";
import type { AlarmView, ErrorBody } from "../../shared/contracts/operatorApi.ts";
import { startTestOperatorApi, TEST_PRINCIPAL, type TestOperatorApi } from "../support/operatorApi.ts";

const ACK = "/api/alarms/oven-overheat%3Aoven-3/ack";
const JSON_TYPE = { "content-type": "application/json" };

interface RawReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/**
 * One request over node:http with exactly the headers given (fetch would set Host itself and add
 * its own), on a fresh connection; `host: undefined` sends none.
 */
function send(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string | undefined>; body?: string },
): Promise<RawReply> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries({ host: `127.0.0.1:${port}`, ...options.headers })) {
    if (value !== undefined) headers[name] = value;
  }
  if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path,
        headers,
        setHost: false,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        // The events stream never ends by itself: its first bytes are enough.
        const done = () => {
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString(),
          });
          response.destroy();
        };
        response.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          if (response.headers["content-type"]?.startsWith("text/event-stream")) done();
        });
        response.on("end", done);
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

function refusal(reply: RawReply): ErrorBody["error"] {
  expect(reply.headers["content-type"]).toBe("application/json");
  return (JSON.parse(reply.text) as ErrorBody).error;
}

describe("the local HTTP server refuses what a web page could forge", () => {
  let api: TestOperatorApi;
  let server: LocalHttpServer;
  let port: number;
  let own: string;

  beforeAll(async () => {
    api = await startTestOperatorApi();
    await api.seedActiveAlarm();
    server = await startLocalHttpServer({
      port: 0,
      apiHandler: api.handler,
      liveEvents: new LiveEventHub(),
      principal: TEST_PRINCIPAL,
    });
    port = server.port;
    own = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server?.close();
    await api?.close();
  });

  async function alarmState(): Promise<string> {
    const reply = await send(port, { path: "/api/alarms/oven-overheat%3Aoven-3" });
    return (JSON.parse(reply.text) as AlarmView).state;
  }

  describe("the Host header", () => {
    it.each(["/api/alarms", "/", "/app.js", "/events", "/alarms/oven-overheat%3Aoven-3"])(
      "refuses a Host naming another server on %s (DNS rebinding)",
      async (path) => {
        const reply = await send(port, { path, headers: { host: `attacker.example:${port}` } });

        expect(reply.status).toBe(403);
        expect(refusal(reply)).toMatchObject({
          code: "forbidden",
          details: [{ path: "header.host", message: "does not name this server" }],
        });
      },
    );

    it.each([
      ["another port", (p: number) => `127.0.0.1:${p + 1}`],
      ["no port", () => "127.0.0.1"],
      ["a name that merely starts like localhost", (p: number) => `localhost.attacker.example:${p}`],
    ])("refuses %s", async (_, host) => {
      const reply = await send(port, { path: "/api/alarms", headers: { host: host(port) } });

      expect(reply.status).toBe(403);
      expect(refusal(reply).code).toBe("forbidden");
    });

    it("leaves a request without a Host to Node, which refuses it (HTTP/1.1 requires one)", async () => {
      const reply = await send(port, { path: "/api/alarms", headers: { host: undefined } });

      expect(reply.status).toBe(400);
    });

    it("refuses a forged Host on a write before it is carried out", async () => {
      const reply = await send(port, {
        method: "POST",
        path: ACK,
        headers: { host: `attacker.example:${port}`, ...JSON_TYPE },
        body: "{}",
      });

      expect(reply.status).toBe(403);
      expect(await alarmState()).toBe("ACTIVE");
    });

    it.each(["localhost", "127.0.0.1", "[::1]", "LOCALHOST"])(
      "accepts %s with the bound port",
      async (name) => {
        const reply = await send(port, { path: "/api/alarms", headers: { host: `${name}:${port}` } });

        expect(reply.status).toBe(200);
      },
    );

    it("serves the dashboard and the events stream to its own Host", async () => {
      expect((await send(port, { path: "/" })).status).toBe(200);
      const events = await send(port, { path: "/events" });
      expect(events.status).toBe(200);
      expect(events.text).toContain(": connected");
    });
  });

  describe("writes from other sites", () => {
    it.each([
      ["a foreign Origin", { origin: "http://attacker.example" }],
      ["the same host on another port", { origin: "http://127.0.0.1:1" }],
      ["another loopback name than the Host's", { origin: "http://localhost:PORT" }],
      ["an opaque Origin", { origin: "null" }],
      ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ])("refuses a JSON action with %s", async (_, extra) => {
      const headers = Object.fromEntries(
        Object.entries(extra).map(([name, value]) => [name, value.replace("PORT", String(port))]),
      );

      const reply = await send(port, {
        method: "POST",
        path: ACK,
        headers: { ...JSON_TYPE, ...headers },
        body: "{}",
      });

      expect(reply.status).toBe(403);
      expect(refusal(reply)).toMatchObject({
        code: "forbidden",
        details: [{ path: expect.stringMatching(/^header\./) }],
      });
      expect(await alarmState()).toBe("ACTIVE");
    });

    it.each([
      ["text/plain", "text/plain;charset=UTF-8", '{"note":"x"}'],
      ["a form", "application/x-www-form-urlencoded", "note=x"],
      ["an empty form", "application/x-www-form-urlencoded", ""],
      ["multipart", "multipart/form-data; boundary=b", "--b--\r\n"],
      ["JSON under another type", "application/jsonp", "{}"],
    ])("refuses %s with 415, from the same origin too", async (_, contentType, body) => {
      const reply = await send(port, {
        method: "POST",
        path: ACK,
        headers: { origin: own, "content-type": contentType },
        body,
      });

      expect(reply.status).toBe(415);
      expect(refusal(reply)).toMatchObject({
        code: "unsupported_media_type",
        details: [{ path: "header.content-type", message: "is not application/json" }],
      });
      expect(await alarmState()).toBe("ACTIVE");
    });

    it("refuses a body without a Content-Type", async () => {
      const reply = await send(port, { method: "POST", path: ACK, body: "{}" });

      expect(reply.status).toBe(415);
      expect(refusal(reply).details).toEqual([{ path: "header.content-type", message: "is missing" }]);
      expect(await alarmState()).toBe("ACTIVE");
    });

    it("reads without an Origin", async () => {
      const reply = await send(port, { path: "/api/alarms" });

      expect(reply.status).toBe(200);
    });

    it("takes a JSON action from its own origin, and one with no Origin (the CLI)", async () => {
      const acked = await send(port, {
        method: "POST",
        path: ACK,
        headers: {
          origin: own,
          "content-type": "application/json; charset=utf-8",
          "sec-fetch-site": "same-origin",
        },
        body: JSON.stringify({ note: "on it" }),
      });
      expect(acked.status).toBe(200);
      expect(await alarmState()).toBe("ACKNOWLEDGED");

      // An action needs no body: then it needs no Content-Type either.
      const reset = await send(port, { method: "POST", path: "/api/alarms/oven-overheat%3Aoven-3/reset" });
      expect(reset.status).toBe(200);
      expect(await alarmState()).toBe("NORMAL");
    });
  });
});

describe("createRequestGuard", () => {
  const request = (host: string, method = "GET") => ({ method, headers: { host } }) as IncomingMessage;
  const bound = (address: string, port: number): AddressInfo => ({
    address,
    port,
    family: address.includes(":") ? "IPv6" : "IPv4",
  });

  it("accepts the configured listen host", () => {
    const guard = createRequestGuard("192.0.2.7", () => bound("192.0.2.7", 8080));

    expect(guard(request("192.0.2.7:8080"))).toBeUndefined();
    expect(guard(request("192.0.2.8:8080"))?.code).toBe("forbidden");
  });

  it("refuses a request without a Host (HTTP/1.0 allows one)", () => {
    const guard = createRequestGuard("127.0.0.1", () => bound("127.0.0.1", 8080));

    expect(guard({ method: "GET", headers: {} } as IncomingMessage)?.code).toBe("forbidden");
  });

  it("accepts a bare name on port 80, where browsers leave the port out", () => {
    const guard = createRequestGuard("127.0.0.1", () => bound("127.0.0.1", 80));

    expect(guard(request("localhost"))).toBeUndefined();
    expect(guard(request("localhost:80"))).toBeUndefined();
  });

  it("accepts this machine's addresses, and no name, when listening on every interface", () => {
    const guard = createRequestGuard("0.0.0.0", () => bound("0.0.0.0", 8080));
    const addresses = Object.values(networkInterfaces())
      .flatMap((entries) => entries ?? [])
      .map((entry) => (entry.family === "IPv6" ? `[${entry.address}]` : entry.address));

    for (const address of addresses) expect(guard(request(`${address}:8080`))).toBeUndefined();
    expect(guard(request("0.0.0.0:8080"))).toBeUndefined();
    expect(guard(request("plantwatch.attacker.example:8080"))?.code).toBe("forbidden");
  });
});
