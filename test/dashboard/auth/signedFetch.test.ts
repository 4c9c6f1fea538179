import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConsoleCredentials } from "../../../dashboard/src/auth/identityPool.ts";
import { signedFetch } from "../../../dashboard/src/auth/signedFetch.ts";
import { verifySigV4 } from "../../cli/api/sigV4Verifier.ts";
import { type LocalRequest, type LocalServer, startLocalServer } from "../../support/localHttpServer.ts";

const CREDENTIALS: ConsoleCredentials = {
  accessKeyId: "ASIAOPERATOR",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "session-token",
  expiration: new Date(Date.now() + 3_600_000),
};

/**
 * The console's requests, signed with Web Crypto, checked by re-signing them with Node's crypto as
 * API Gateway would: the same signature, over what arrived on the wire.
 */
describe("signedFetch", () => {
  let server: LocalServer;
  let received: LocalRequest[];

  beforeEach(async () => {
    received = [];
    server = await startLocalServer(async (request) => {
      received.push(request);
      const verdict = await verifySigV4(request, { [CREDENTIALS.accessKeyId]: CREDENTIALS.secretAccessKey });
      return { status: verdict.ok ? 200 : 403, body: JSON.stringify(verdict) };
    });
  });

  afterEach(() => server.stop());

  const send = signedFetch("eu-west-1", async () => CREDENTIALS);

  it("signs a GET with a query for execute-api in the region, with the session token", async () => {
    const response = await send(`${server.endpoint}/prod/alarms?state=ACTIVE&limit=1000`, {
      method: "GET",
      headers: { accept: "application/json" },
    });

    expect(await response.json()).toEqual({
      ok: true,
      accessKeyId: "ASIAOPERATOR",
      region: "eu-west-1",
      signedHeaders: expect.arrayContaining([
        "host",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-content-sha256",
      ]),
    });
    expect(received[0]?.headers["x-amz-security-token"]).toBe("session-token");
  });

  it("signs a POST body, so a body changed on the way is refused", async () => {
    const body = JSON.stringify({ note: "valve replaced, été ✓" });
    const response = await send(`${server.endpoint}/prod/alarms/oven-3%3Aoverheat/acknowledge`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(response.status).toBe(200);

    const tampered = signedFetch(
      "eu-west-1",
      async () => CREDENTIALS,
      (url, init) => fetch(url, { ...init, body: JSON.stringify({ note: "something else" }) }),
    );
    const refused = await tampered(`${server.endpoint}/prod/alarms/a/acknowledge`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      ok: false,
      reason: "the body does not match x-amz-content-sha256",
    });
  });

  it("is refused when signed with another secret", async () => {
    const forged = signedFetch("eu-west-1", async () => ({ ...CREDENTIALS, secretAccessKey: "not-it" }));
    const response = await forged(`${server.endpoint}/prod/rules`, { method: "GET", headers: {} });
    expect(await response.json()).toEqual({ ok: false, reason: "signature mismatch" });
  });
});
