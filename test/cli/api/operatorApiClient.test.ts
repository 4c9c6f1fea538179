import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiCallError } from "../../../cli/api/apiCallError.ts";
import { OperatorApiClient } from "../../../cli/api/operatorApiClient.ts";
import { sigV4Signer } from "../../../cli/api/requestSigner.ts";
import { CliError } from "../../../cli/errors.ts";
import {
  type LocalReply,
  type LocalRequest,
  type LocalServer,
  startLocalServer,
} from "../../support/localHttpServer.ts";
import { verifySigV4 } from "./sigV4Verifier.ts";

const CREDENTIALS = { accessKeyId: "AKIDOPERATOR", secretAccessKey: "operator-secret" };
const SECRETS = { [CREDENTIALS.accessKeyId]: CREDENTIALS.secretAccessKey };
const json = (status: number, body: unknown): LocalReply => ({
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("OperatorApiClient", () => {
  let server: LocalServer;
  const received: LocalRequest[] = [];
  let reply: (request: LocalRequest) => LocalReply | Promise<LocalReply> = () => json(200, {});

  beforeAll(async () => {
    server = await startLocalServer((request) => {
      received.push(request);
      return reply(request);
    });
  });
  afterAll(() => server.stop());
  afterEach(() => {
    received.length = 0;
    reply = () => json(200, {});
  });

  const client = (options: Partial<ConstructorParameters<typeof OperatorApiClient>[0]> = {}) =>
    new OperatorApiClient({ baseUrl: `${server.endpoint}/api`, timeoutMs: 5000, ...options });
  const signed = (credentials = CREDENTIALS) =>
    client({
      baseUrl: `${server.endpoint}/prod/`,
      signer: sigV4Signer({ region: "eu-west-1", credentials }),
    });

  describe("requests", () => {
    it("encodes path segments and query values, and parses the JSON answer", async () => {
      reply = () => json(200, { items: [{ alarmId: "a:b" }] });

      const answer = await client().get(["alarms", "oven-overheat:oven 3", "history"], {
        limit: 5,
        thing: "oven-*",
        skipped: undefined,
      });

      expect(answer).toEqual({ items: [{ alarmId: "a:b" }] });
      expect(received[0]).toMatchObject({
        method: "GET",
        url: "/api/alarms/oven-overheat%3Aoven%203/history?limit=5&thing=oven-%2A",
      });
      expect(received[0]?.headers.accept).toBe("application/json");
    });

    it("sends a JSON body with its content type", async () => {
      await client().post(["alarms", "oven-overheat:oven-3", "snooze"], { duration: "30m", note: "ok" });

      expect(received[0]?.method).toBe("POST");
      expect(received[0]?.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(received[0]?.body.toString() ?? "")).toEqual({ duration: "30m", note: "ok" });
    });

    it("takes an empty answer (204) as undefined", async () => {
      reply = () => ({ status: 204 });

      await expect(client().delete(["silences", "s1"])).resolves.toBeUndefined();
    });

    it("follows next through every page", async () => {
      reply = (request) => {
        const next = new URL(request.url, server.endpoint).searchParams.get("next");
        return next === null
          ? json(200, { items: [1, 2], next: "page-2" })
          : next === "page-2"
            ? json(200, { items: [3], next: "page-3" })
            : json(200, { items: [4] });
      };

      const items = await client().getAll<number>(["devices"], { site: "plant-1" });

      expect(items).toEqual([1, 2, 3, 4]);
      expect(received.map((request) => request.url)).toEqual([
        "/api/devices?site=plant-1",
        "/api/devices?site=plant-1&next=page-2",
        "/api/devices?site=plant-1&next=page-3",
      ]);
    });

    it("sends no signature to the local stack", async () => {
      await client().get(["devices"]);

      expect(received[0]?.headers.authorization).toBeUndefined();
    });
  });

  describe("SigV4", () => {
    it("signs requests that the secret's owner can verify from the wire", async () => {
      await signed().get(["alarms", "oven-overheat:oven-3"], {
        state: "ACTIVE,ACKNOWLEDGED",
        thing: "oven-(*)",
      });
      await signed().put(["silences", "oven-3-service"], { match: { things: ["oven-3"] }, duration: "2h" });

      for (const request of received) {
        expect(await verifySigV4(request, SECRETS)).toMatchObject({
          ok: true,
          region: "eu-west-1",
          signedHeaders: expect.arrayContaining(["host", "x-amz-date", "x-amz-content-sha256"]),
        });
      }
      expect(received[0]?.url).toBe(
        "/prod/alarms/oven-overheat%3Aoven-3?state=ACTIVE%2CACKNOWLEDGED&thing=oven-%28%2A%29",
      );
    });

    it("is refused with another secret", async () => {
      await signed({ ...CREDENTIALS, secretAccessKey: "someone-else" }).get(["devices"]);

      expect(await verifySigV4(received[0] as LocalRequest, SECRETS)).toEqual({
        ok: false,
        reason: "signature mismatch",
      });
    });

    it("covers the body: another body, another signature; a tampered body fails", async () => {
      await signed().post(["alarms", "oven-overheat:oven-3", "ack"], { note: "one" });
      await signed().post(["alarms", "oven-overheat:oven-3", "ack"], { note: "two" });
      const [first, second] = received as [LocalRequest, LocalRequest];
      const signatureOf = (request: LocalRequest) =>
        /Signature=(\w+)/.exec(String(request.headers.authorization))?.[1];

      expect(signatureOf(first)).not.toBe(signatureOf(second));
      expect(await verifySigV4({ ...first, body: second.body }, SECRETS)).toEqual({
        ok: false,
        reason: "the body does not match x-amz-content-sha256",
      });
    });

    it("carries a session token of temporary credentials", async () => {
      await signed({ ...CREDENTIALS, sessionToken: "session-token" } as typeof CREDENTIALS).get(["devices"]);

      expect(received[0]?.headers["x-amz-security-token"]).toBe("session-token");
      expect(await verifySigV4(received[0] as LocalRequest, SECRETS)).toMatchObject({ ok: true });
    });
  });

  describe("errors", () => {
    it.each([
      [404, "not_found", "alarm oven-overheat:oven-9 does not exist", 1],
      [409, "action_not_allowed", "ACKNOWLEDGE is not allowed in state NORMAL", 1],
      [400, "invalid_request", "query.limit: must be a whole number from 1 to 1000", 1],
      [503, "unavailable", "the alarms table did not answer", 2],
      [500, "internal", "internal error", 2],
    ])("maps a C7 %i %s to exit code %i", async (status, code, message, exitCode) => {
      reply = () => json(status, { error: { code, message, requestId: "req-1" } });

      const failure = client().get(["alarms"]);

      await expect(failure).rejects.toBeInstanceOf(ApiCallError);
      await expect(failure).rejects.toMatchObject({
        status,
        code,
        apiMessage: message,
        message: `${code}: ${message}`,
        exitCode,
        requestId: "req-1",
      });
    });

    it("lists the details of an invalid request", async () => {
      reply = () =>
        json(400, {
          error: {
            code: "invalid_request",
            message: "2 problems with the request",
            details: [
              { path: "query.state", message: "must be a comma list of NORMAL, ACTIVE" },
              { path: "query.limit", message: "must be a whole number" },
            ],
          },
        });

      await expect(client().get(["alarms"])).rejects.toMatchObject({
        exitCode: 1,
        message:
          "invalid_request: 2 problems with the request\n  query.state: must be a comma list of NORMAL, ACTIVE\n  query.limit: must be a whole number",
      });
    });

    it("maps API Gateway's own refusal of the signature to exit 2 with a hint", async () => {
      reply = () => json(403, { message: "The request signature we calculated does not match" });

      await expect(signed().get(["devices"])).rejects.toMatchObject({
        code: "http_403",
        exitCode: 2,
        message: expect.stringMatching(
          /^http_403: The request signature we calculated does not match \(check the AWS credentials/,
        ),
      });
    });

    it("maps throttling to exit 2", async () => {
      reply = () => json(429, { message: "Too Many Requests" });

      await expect(client().get(["devices"])).rejects.toMatchObject({ code: "http_429", exitCode: 2 });
    });

    it("quotes a body that is not JSON", async () => {
      reply = () => ({ status: 502, body: "<html>Bad Gateway</html>" });

      await expect(client().get(["devices"])).rejects.toMatchObject({
        code: "http_502",
        message: "http_502: <html>Bad Gateway</html>",
        exitCode: 2,
      });
    });

    it("refuses a success whose body is not JSON (exit 2)", async () => {
      reply = () => ({ status: 200, body: "OK" });

      const failure = client().get(["devices"]);

      await expect(failure).rejects.toBeInstanceOf(CliError);
      await expect(failure).rejects.toMatchObject({
        exitCode: 2,
        message: "GET /api/devices answered 200 with a body that is not JSON: OK",
      });
    });
  });

  describe("no answer", () => {
    let silent: Server;
    let silentUrl: string;

    beforeAll(async () => {
      // Accepts the request and never answers.
      silent = createServer(() => {});
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/api`;
    });
    afterAll(
      () =>
        new Promise<void>((resolve) => {
          silent.closeAllConnections();
          silent.close(() => resolve());
        }),
    );

    it("gives up after the timeout (exit 2)", async () => {
      const failure = client({ baseUrl: silentUrl, timeoutMs: 200 }).get(["devices"]);

      await expect(failure).rejects.toMatchObject({
        name: "OperatorApiUnreachableError",
        exitCode: 2,
        message: `no answer from the operator API at ${new URL(silentUrl).origin} within 0.2 s (--timeout)`,
      });
    });

    it("says when nothing listens, with the hint (exit 2)", async () => {
      const closed = await startLocalServer(() => ({ status: 200 }));
      await closed.stop();

      const failure = client({
        baseUrl: `${closed.endpoint}/api`,
        unreachableHint: "is the local stack running? start it with npm start",
      }).get(["devices"]);

      await expect(failure).rejects.toMatchObject({
        exitCode: 2,
        message: `cannot reach the operator API at ${closed.endpoint}: ECONNREFUSED (is the local stack running? start it with npm start)`,
      });
    });
  });
});
