import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  beginSignIn,
  finishSignIn,
  isSignInCallback,
  refreshSignIn,
  SignInError,
  type SignInSettings,
  samePagePath,
  signOutUrl,
} from "../../../dashboard/src/auth/hostedSignIn.ts";
import { challengeOf } from "../../../dashboard/src/auth/pkce.ts";
import { type LocalServer, startLocalServer } from "../../support/localHttpServer.ts";
import { memoryStorage } from "./memoryStorage.ts";

const REDIRECT = "https://console.example/";

/**
 * Managed login's token endpoint as far as the console uses it: codes it issued for a challenge,
 * redeemed once, by the client and redirect URI they were issued to, with the matching verifier.
 */
async function startTokenEndpoint() {
  const codes = new Map<string, { challenge: string; clientId: string; redirectUri: string }>();
  const forms: Record<string, string>[] = [];
  let issued = 0;
  const server = await startLocalServer((request) => {
    if (request.method !== "POST" || request.url !== "/oauth2/token") return { status: 404 };
    if (request.headers["content-type"] !== "application/x-www-form-urlencoded") return { status: 415 };
    const form = Object.fromEntries(new URLSearchParams(request.body.toString()));
    forms.push(form);
    const refused = (error: string) => ({ status: 400, body: JSON.stringify({ error }) });
    if (form.grant_type === "refresh_token") {
      return form.refresh_token === "refresh-1"
        ? { status: 200, body: JSON.stringify({ id_token: "id-2", expires_in: 3600, token_type: "Bearer" }) }
        : refused("invalid_grant");
    }
    const issuedCode = codes.get(form.code ?? "");
    codes.delete(form.code ?? "");
    if (form.grant_type !== "authorization_code" || issuedCode === undefined) return refused("invalid_grant");
    if (issuedCode.clientId !== form.client_id || issuedCode.redirectUri !== form.redirect_uri) {
      return refused("invalid_grant");
    }
    return challengeOf(form.code_verifier ?? "").then((challenge) =>
      challenge === issuedCode.challenge
        ? {
            status: 200,
            body: JSON.stringify({
              id_token: "id-1",
              access_token: "access-1",
              refresh_token: "refresh-1",
              expires_in: 3600,
              token_type: "Bearer",
            }),
          }
        : refused("invalid_grant"),
    );
  });
  return {
    server,
    forms,
    /** What the authorize endpoint does once the operator has signed in: a code for the challenge. */
    authorize(authorizeUrl: string): URL {
      const params = new URL(authorizeUrl).searchParams;
      const code = `code-${++issued}`;
      codes.set(code, {
        challenge: params.get("code_challenge") ?? "",
        clientId: params.get("client_id") ?? "",
        redirectUri: params.get("redirect_uri") ?? "",
      });
      const back = new URL(params.get("redirect_uri") ?? "");
      back.search = new URLSearchParams({ code, state: params.get("state") ?? "" }).toString();
      return back;
    },
  };
}

describe("hosted sign-in (authorization code with PKCE)", () => {
  let idp: Awaited<ReturnType<typeof startTokenEndpoint>>;
  let settings: SignInSettings;

  beforeEach(async () => {
    idp = await startTokenEndpoint();
    settings = {
      region: "eu-west-1",
      userPoolId: "eu-west-1_abc",
      userPoolClientId: "client-1",
      identityPoolId: "eu-west-1:pool",
      signInUrl: (idp.server as LocalServer).endpoint,
      redirectUri: REDIRECT,
    };
  });

  afterEach(() => idp.server.stop());

  it("sends the operator to managed login with a S256 challenge, and back to the alarm they opened", async () => {
    const storage = memoryStorage();
    const authorize = new URL(await beginSignIn(settings, "/alarms/oven-3%3Aoverheat", storage));

    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${settings.signInUrl}/oauth2/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: "code",
      client_id: "client-1",
      redirect_uri: REDIRECT,
      scope: "openid email profile",
      state: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      code_challenge_method: "S256",
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });

    const callback = idp.authorize(authorize.href);
    expect(isSignInCallback(callback)).toBe(true);
    const { tokens, returnTo } = await finishSignIn(settings, callback, storage);

    expect(tokens).toEqual({ idToken: "id-1", refreshToken: "refresh-1", expiresAt: expect.any(Number) });
    expect(returnTo).toBe("/alarms/oven-3%3Aoverheat");
    expect(idp.forms.at(-1)).toMatchObject({ grant_type: "authorization_code", redirect_uri: REDIRECT });
    // The verifier left the tab's storage with the sign-in: a reload cannot redeem the code again.
    expect(storage.length).toBe(0);
  });

  it("refuses an answer to a sign-in this tab did not start (another state)", async () => {
    const storage = memoryStorage();
    const callback = idp.authorize(await beginSignIn(settings, "/", storage));
    callback.searchParams.set("state", "forged");

    await expect(finishSignIn(settings, callback, storage)).rejects.toThrow(SignInError);
    expect(idp.forms).toEqual([]);
  });

  it("fails when the code is redeemed with another verifier, as a stolen code would be", async () => {
    const storage = memoryStorage();
    const callback = idp.authorize(await beginSignIn(settings, "/", storage));
    const pending = JSON.parse(storage.getItem("plantwatch.signIn.pending") ?? "{}");
    storage.setItem("plantwatch.signIn.pending", JSON.stringify({ ...pending, verifier: "x".repeat(43) }));

    await expect(finishSignIn(settings, callback, storage)).rejects.toThrow("sign-in failed: invalid_grant");
  });

  it("reports managed login's own error", async () => {
    const callback = new URL(`${REDIRECT}?error=access_denied&error_description=User+is+disabled.`);
    expect(isSignInCallback(callback)).toBe(true);
    await expect(finishSignIn(settings, callback, memoryStorage())).rejects.toThrow(
      "sign-in failed: User is disabled.",
    );
  });

  it("renews the ID token with the refresh token, keeping the refresh token", async () => {
    expect(await refreshSignIn(settings, "refresh-1")).toEqual({
      idToken: "id-2",
      refreshToken: "refresh-1",
      expiresAt: expect.any(Number),
    });
    await expect(refreshSignIn(settings, "revoked")).rejects.toThrow("invalid_grant");
  });

  it("returns only to a page of this site", () => {
    expect(samePagePath("/alarms/a")).toBe("/alarms/a");
    for (const elsewhere of [
      "//evil.example/x",
      "/\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "",
    ]) {
      expect(samePagePath(elsewhere)).toBe("/");
    }
  });

  it("signs out through managed login, back to the console", () => {
    const url = new URL(signOutUrl(settings));
    expect(url.pathname).toBe("/logout");
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: "client-1", logout_uri: REDIRECT });
  });
});
