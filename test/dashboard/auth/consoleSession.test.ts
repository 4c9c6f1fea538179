import { describe, expect, it } from "vitest";
import { claimOf, type Navigator, openSession } from "../../../dashboard/src/auth/consoleSession.ts";
import type { SignInSettings } from "../../../dashboard/src/auth/hostedSignIn.ts";
import { memoryStorage } from "./memoryStorage.ts";

const SETTINGS: SignInSettings = {
  region: "eu-west-1",
  userPoolId: "eu-west-1_abc",
  userPoolClientId: "client-1",
  identityPoolId: "eu-west-1:pool",
  signInUrl: "https://plantwatch.auth.eu-west-1.amazoncognito.com",
  redirectUri: "https://console.example/",
};
// Token lifetimes count from the real clock (when managed login answered); the session's clock starts there.
const T0 = Date.now();
const HOUR = 3_600_000;
const DEEP_LINK = "/alarms/oven-overheat%3Aoven-3";

function idToken(email: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none" })}.${part({ email })}.sig`;
}

/** The browser's location, moved by `replace` as history.replaceState does, and where it was sent. */
function browserAt(path: string): Navigator & { path: string; sentTo: string[] } {
  const browser = {
    path,
    sentTo: [] as string[],
    here: () => browser.path,
    assign: (url: string) => browser.sentTo.push(url),
    replace: (next: string) => {
      browser.path = next;
    },
  };
  return browser;
}

/** Managed login's token endpoint and Cognito Identity, as far as a session needs them. */
function cognito(options: { readonly refreshes: boolean }): typeof fetch {
  return async (input, init) => {
    const url = String(input);
    const form = new URLSearchParams(String(init?.body ?? ""));
    if (url.endsWith("/oauth2/token")) {
      if (form.get("grant_type") === "refresh_token" && !options.refreshes) {
        return new Response(JSON.stringify({ error: "invalid_grant" }), { status: 400 });
      }
      return new Response(
        JSON.stringify({ id_token: idToken("olga@example.com"), refresh_token: "refresh", expires_in: 3600 }),
      );
    }
    const target = new Headers(init?.headers).get("x-amz-target");
    return new Response(
      JSON.stringify(
        target === "AWSCognitoIdentityService.GetId"
          ? { IdentityId: "eu-west-1:id" }
          : {
              Credentials: {
                AccessKeyId: "ASIA",
                SecretKey: "secret",
                SessionToken: "token",
                Expiration: Math.floor((T0 + HOUR) / 1000),
              },
            },
      ),
    );
  };
}

function pendingReturnTo(storage: ReturnType<typeof memoryStorage>): string {
  return (JSON.parse(storage.getItem("plantwatch.signIn.pending") ?? "{}") as { returnTo: string }).returnTo;
}

describe("openSession", () => {
  it("sends a browser without a session to managed login, keeping the page it opened", async () => {
    const storage = memoryStorage();
    const browser = browserAt(DEEP_LINK);

    const session = await openSession(
      SETTINGS,
      new URL(`https://console.example${DEEP_LINK}`),
      storage,
      browser,
    );

    expect(session).toBeUndefined();
    expect(browser.sentTo).toHaveLength(1);
    expect(browser.sentTo[0]).toMatch(
      /^https:\/\/plantwatch\.auth\.eu-west-1\.amazoncognito\.com\/oauth2\/authorize\?/,
    );
    expect(pendingReturnTo(storage)).toBe(DEEP_LINK);
  });

  it("finishes the sign-in, shows the page first asked for, and says who is signed in", async () => {
    const storage = memoryStorage();
    const browser = browserAt(DEEP_LINK);
    await openSession(SETTINGS, new URL(`https://console.example${DEEP_LINK}`), storage, browser);
    const state = new URL(browser.sentTo[0] ?? "").searchParams.get("state");
    browser.path = `/?code=c1&state=${state}`;

    const session = await openSession(
      SETTINGS,
      new URL(`https://console.example/?code=c1&state=${state}`),
      storage,
      browser,
      cognito({ refreshes: true }),
      () => T0,
    );

    expect(session?.user).toBe("olga@example.com");
    expect(browser.path).toBe(DEEP_LINK);
  });

  it("signs in again when the refresh token is refused, coming back to the page shown then, not the callback", async () => {
    const storage = memoryStorage();
    const browser = browserAt(DEEP_LINK);
    let clock = T0;
    await openSession(SETTINGS, new URL(`https://console.example${DEEP_LINK}`), storage, browser);
    const state = new URL(browser.sentTo[0] ?? "").searchParams.get("state");
    const session = await openSession(
      SETTINGS,
      new URL(`https://console.example/?code=c1&state=${state}`),
      storage,
      browser,
      cognito({ refreshes: false }),
      () => clock,
    );
    // The operator moves on to another alarm; hours later the ID token has expired.
    browser.replace("/alarms/press-jam%3Apress-1");
    clock = T0 + 2 * HOUR;

    await expect(
      session?.fetcher("https://api.example/prod/alarms", { method: "GET", headers: {} }),
    ).rejects.toThrow("invalid_grant");

    expect(browser.sentTo).toHaveLength(2);
    expect(pendingReturnTo(storage)).toBe("/alarms/press-jam%3Apress-1");
    expect(storage.getItem("plantwatch.signIn.tokens")).toBeNull();
  });

  it("signs in afresh from a stale callback (no sign-in pending here), leaving the callback URL", async () => {
    const storage = memoryStorage();
    const browser = browserAt("/?code=old&state=old");

    const session = await openSession(
      SETTINGS,
      new URL("https://console.example/?code=old&state=old"),
      storage,
      browser,
      cognito({ refreshes: true }),
      () => T0,
    );

    expect(session).toBeUndefined();
    expect(browser.path).toBe("/");
    expect(browser.sentTo).toHaveLength(1);
    expect(pendingReturnTo(storage)).toBe("/");
  });

  it("renews credentials once for requests sent together", async () => {
    const storage = memoryStorage();
    const browser = browserAt("/");
    await openSession(SETTINGS, new URL("https://console.example/"), storage, browser);
    const state = new URL(browser.sentTo[0] ?? "").searchParams.get("state");
    const targets: string[] = [];
    const counted: typeof fetch = async (input, init) => {
      const target = new Headers(init?.headers).get("x-amz-target");
      if (target !== null) targets.push(target);
      if (String(input).startsWith("https://api.example/")) return new Response("{}");
      return cognito({ refreshes: true })(input, init);
    };
    const session = await openSession(
      SETTINGS,
      new URL(`https://console.example/?code=c1&state=${state}`),
      storage,
      browser,
      counted,
      () => T0,
    );

    await Promise.all(
      ["devices", "alarms", "rules", "silences"].map((path) =>
        session?.fetcher(`https://api.example/prod/${path}`, { method: "GET", headers: {} }),
      ),
    );

    expect(targets).toEqual([
      "AWSCognitoIdentityService.GetId",
      "AWSCognitoIdentityService.GetCredentialsForIdentity",
    ]);
  });

  it("reads a claim of an ID token for display, and nothing from a malformed one", () => {
    expect(claimOf(idToken("vera@example.com"), "email")).toBe("vera@example.com");
    expect(claimOf("not-a-jwt", "email")).toBeUndefined();
  });
});
