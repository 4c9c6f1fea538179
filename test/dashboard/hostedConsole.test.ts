import { copyFile, mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PostAuthenticationTriggerEvent } from "aws-lambda";
import type { Browser, Page, Route } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { challengeOf } from "../../dashboard/src/auth/pkce.ts";
import { matchOperatorRoute } from "../../functions/api/protocol/routeMatch.ts";
import { createRecordSignIn } from "../../functions/consoleSignIn/recordSignIn.ts";
import { consoleContentSecurityPolicy } from "../../infra/constructs/ConsoleHosting.ts";
import {
  OPERATOR_ACCESS_LEVELS,
  type OperatorAccessLevel,
  ROUTE_ACCESS,
} from "../../infra/constructs/OperatorAccessPolicies.ts";
import { startHttpApiServer } from "../../local/adapters/httpApiServer.ts";
import { dashboardAsset, loadDashboardAssets } from "../../local/httpDashboard.ts";
import type { ConsoleConfig } from "../../shared/contracts/consoleConfig.ts";
import { verifySigV4 } from "../cli/api/sigV4Verifier.ts";
import { historyOf } from "../support/alarmTables.ts";
import { postAuthenticationEvent } from "../support/cognitoEvents.ts";
import { type LocalServer, startLocalServer } from "../support/localHttpServer.ts";
import { startTestOperatorApi, type TestOperatorApi } from "../support/operatorApi.ts";
import { launchChromium } from "./chromium.ts";

const REGION = "eu-west-1";
const SIGN_IN = "https://plantwatch-test.auth.eu-west-1.amazoncognito.com";
const IDENTITY = `https://cognito-identity.${REGION}.amazonaws.com/`;
const ALARM = "oven-overheat:oven-3";

/** The operators of the test, each in one group, with the credentials their group role gets. */
const USERS = {
  "olga@example.com": {
    sub: "0d6f3a52-7c1e-4b8a-9f20-5e4d3c2b1a01",
    group: "operator",
    accessKeyId: "ASIAOPERATOR",
    secret: "operator-secret",
  },
  "vera@example.com": {
    sub: "0d6f3a52-7c1e-4b8a-9f20-5e4d3c2b1a02",
    group: "viewer",
    accessKeyId: "ASIAVIEWER",
    secret: "viewer-secret",
  },
} as const satisfies Record<
  string,
  { sub: string; group: OperatorAccessLevel; accessKeyId: string; secret: string }
>;
const USER_POOL = `cognito-idp.${REGION}.amazonaws.com/${REGION}_test`;
type Email = keyof typeof USERS;

const SIGV4_HEADERS = "authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-security-token";

/**
 * The console as the stack hosts it, in headless Chromium: its own origin serving the bundle and a
 * config.json, managed login and Cognito Identity answered by stand-ins (they live on AWS's names,
 * so Chromium's requests to them are routed here), and the operator API behind a front that does
 * what API Gateway does for it: CORS for the console's origin, SigV4 verification, and the
 * per-group route policy (ROUTE_ACCESS, which the stack's IAM policies are made from).
 */
describe("the hosted console (sign-in, deep link, signed API calls)", () => {
  let api: TestOperatorApi;
  /** The API as each user's calls reach it: API Gateway's context names their group role and their sign-in. */
  let apiByUser: Record<string, Awaited<ReturnType<typeof startHttpApiServer>>>;
  let front: LocalServer;
  let site: Server;
  let siteUrl: string;
  let browser: Browser;
  let signedInAs: Email = "olga@example.com";
  const codes = new Map<string, { challenge: string; email: Email; redirectUri: string }>();
  const apiRequests: { method: string; path: string; verified: boolean; status: number }[] = [];
  /** What Chromium refused under the console's Content-Security-Policy: nothing, in every test. */
  const cspViolations: string[] = [];

  beforeAll(async () => {
    api = await startTestOperatorApi();
    await api.seedActiveAlarm();
    apiByUser = {};
    for (const { sub, group } of Object.values(USERS)) {
      apiByUser[sub] = await startHttpApiServer({
        handler: api.handler,
        principal: `arn:aws:sts::123456789012:assumed-role/plantwatch-dev-Console${group}/CognitoIdentityCredentials`,
        cognitoIdentity: {
          identityId: `${REGION}:${sub}`,
          identityPoolId: `${REGION}:pool`,
          amr: ["authenticated", USER_POOL, `${USER_POOL}:CognitoSignIn:${sub}`],
        },
      });
    }
    const assets = await loadDashboardAssets();
    site = createServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://site").pathname;
      if (path === "/config.json") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(consoleConfig()));
        return;
      }
      const asset = dashboardAsset(assets, path);
      // The stack's own policy, with the test's API origin where the stack names execute-api hosts.
      const csp = consoleContentSecurityPolicy({
        region: REGION,
        signInUrl: SIGN_IN,
        apiOrigin: front.endpoint,
      });
      response.writeHead(
        asset ? 200 : 404,
        asset ? { "content-type": asset.contentType, "content-security-policy": csp } : {},
      );
      response.end(asset?.body ?? "");
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    front = await startLocalServer(async (request) => {
      const cors = {
        "access-control-allow-origin": siteUrl,
        "access-control-allow-methods": "GET,POST,PUT,DELETE",
        "access-control-allow-headers": SIGV4_HEADERS,
      };
      if (request.method === "OPTIONS") return { status: 204, headers: cors };
      const path = new URL(request.url, "http://api").pathname;
      const secrets = Object.fromEntries(Object.values(USERS).map((user) => [user.accessKeyId, user.secret]));
      const verdict = await verifySigV4(request, secrets);
      const user = Object.values(USERS).find(
        (candidate) => verdict.ok && candidate.accessKeyId === verdict.accessKeyId,
      );
      const match = matchOperatorRoute(request.method, path);
      const allowed =
        user !== undefined &&
        match.kind === "route" &&
        OPERATOR_ACCESS_LEVELS.indexOf(ROUTE_ACCESS[match.route]) <=
          OPERATOR_ACCESS_LEVELS.indexOf(user.group);
      if (!allowed) {
        apiRequests.push({ method: request.method, path, verified: verdict.ok, status: 403 });
        return {
          status: 403,
          headers: { ...cors, "content-type": "application/json" },
          body: '{"message":"Forbidden"}',
        };
      }
      const answer = await fetch(`${apiByUser[user.sub]?.url}${request.url}`, {
        method: request.method,
        headers: { "content-type": "application/json" },
        ...(request.body.length > 0 ? { body: request.body } : {}),
      });
      apiRequests.push({ method: request.method, path, verified: true, status: answer.status });
      return {
        status: answer.status,
        headers: { ...cors, "content-type": answer.headers.get("content-type") ?? "application/json" },
        body: Buffer.from(await answer.arrayBuffer()),
      };
    });
    browser = await launchChromium();
  }, 120_000);

  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await front?.stop();
    await new Promise((resolve) => site?.close(resolve));
    for (const server of Object.values(apiByUser ?? {})) await server.close();
    await api?.close();
  });

  function consoleConfig(): ConsoleConfig {
    return {
      version: 1,
      apiUrl: `${front.endpoint}/`,
      region: REGION,
      userPoolId: `${REGION}_test`,
      userPoolClientId: "console-client",
      identityPoolId: `${REGION}:pool`,
      signInUrl: SIGN_IN,
      scopes: ["openid", "email", "profile"],
    };
  }

  /**
   * Managed login: authorize signs in whoever the test says and runs the user pool's
   * post-authentication trigger as Cognito does; token checks the PKCE verifier.
   */
  async function managedLogin(route: Route): Promise<void> {
    const url = new URL(route.request().url());
    if (url.pathname === "/oauth2/authorize") {
      await signInTrigger(postAuthentication(signedInAs));
      const params = url.searchParams;
      expect(params.get("code_challenge_method")).toBe("S256");
      const code = `code-${codes.size + 1}`;
      codes.set(code, {
        challenge: params.get("code_challenge") ?? "",
        email: signedInAs,
        redirectUri: params.get("redirect_uri") ?? "",
      });
      const back = new URL(params.get("redirect_uri") ?? "");
      back.search = new URLSearchParams({ code, state: params.get("state") ?? "" }).toString();
      await route.fulfill({ status: 302, headers: { location: back.href } });
      return;
    }
    const form = new URLSearchParams(route.request().postData() ?? "");
    const issued = codes.get(form.get("code") ?? "");
    const valid =
      issued !== undefined &&
      form.get("redirect_uri") === issued.redirectUri &&
      (await challengeOf(form.get("code_verifier") ?? "")) === issued.challenge;
    await route.fulfill({
      status: valid ? 200 : 400,
      headers: { "access-control-allow-origin": siteUrl, "content-type": "application/json" },
      body: JSON.stringify(
        valid
          ? {
              id_token: idToken(issued.email),
              refresh_token: "refresh",
              expires_in: 3600,
              token_type: "Bearer",
            }
          : { error: "invalid_grant" },
      ),
    });
  }

  /** Cognito Identity: the user pool's ID token names the user, whose group role's credentials it returns. */
  async function cognitoIdentity(route: Route): Promise<void> {
    const request = route.request();
    const headers = {
      "access-control-allow-origin": "*",
      "access-control-allow-headers": "content-type,x-amz-target",
    };
    if (request.method() === "OPTIONS") return route.fulfill({ status: 204, headers });
    const body = JSON.parse(request.postData() ?? "{}") as { Logins?: Record<string, string> };
    const token = body.Logins?.[`cognito-idp.${REGION}.amazonaws.com/${REGION}_test`] ?? "";
    const email = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).email as Email;
    const user = USERS[email];
    const answer =
      request.headers()["x-amz-target"] === "AWSCognitoIdentityService.GetId"
        ? { IdentityId: `${REGION}:${user.group}` }
        : {
            IdentityId: `${REGION}:${user.group}`,
            Credentials: {
              AccessKeyId: user.accessKeyId,
              SecretKey: user.secret,
              SessionToken: `session-of-${user.group}`,
              Expiration: Math.floor(Date.now() / 1000) + 3600,
            },
          };
    return route.fulfill({
      status: 200,
      headers: { ...headers, "content-type": "application/x-amz-json-1.1" },
      body: JSON.stringify(answer),
    });
  }

  /** The stack's trigger, writing the directory the API reads. */
  const signInTrigger = (event: PostAuthenticationTriggerEvent) =>
    createRecordSignIn({ directory: api.deps.operators, log: silentLog })(event);

  /** The alarm's state as the API has it, read past the console. */
  async function stateOf(alarmId: string): Promise<string> {
    const answer = await fetch(`${api.url}/alarms/${encodeURIComponent(alarmId)}`);
    return ((await answer.json()) as { state: string }).state;
  }

  async function openConsole(
    email: Email,
    path: string,
    viewport = { width: 1280, height: 900 },
  ): Promise<Page> {
    signedInAs = email;
    const context = await browser.newContext({ viewport });
    await context.route(`${SIGN_IN}/**`, managedLogin);
    await context.route(`${IDENTITY}**`, cognitoIdentity);
    const page = await context.newPage();
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${siteUrl}${path}`);
    return page;
  }

  it("signs an operator in through managed login and lands on the alarm the link named (screenshot in test-artifacts/, docs/ with UPDATE_SCREENSHOT=1)", async () => {
    const page = await openConsole("olga@example.com", `/alarms/${encodeURIComponent(ALARM)}`);

    await page.waitForURL(`${siteUrl}/alarms/${encodeURIComponent(ALARM)}`);
    await page.locator('#alarm-page[data-state="ACTIVE"]').waitFor({ timeout: 15_000 });
    expect(await alarmPage(page).getByTestId("alarm-page-title").textContent()).toBeTruthy();
    expect(await page.getByTestId("user").textContent()).toBe("olga@example.com");
    await mkdir("test-artifacts", { recursive: true });
    await page.screenshot({ path: "test-artifacts/console-hosted.png" });
    if (process.env.UPDATE_SCREENSHOT === "1")
      await copyFile("test-artifacts/console-hosted.png", "docs/console-hosted.png");
    // Every API call went out signed with the operator's credentials, and none was refused.
    expect(apiRequests.length).toBeGreaterThan(0);
    expect(apiRequests.every((request) => request.verified && request.status < 400)).toBe(true);
    await page.context().close();
  });

  it("lets the operator acknowledge in one click, at phone width too, signed with the operator's role", async () => {
    const page = await openConsole("olga@example.com", `/alarms/${encodeURIComponent(ALARM)}`, {
      width: 390,
      height: 844,
    });
    await alarmPage(page).getByTestId("alarm-note").waitFor({ timeout: 15_000 });
    await alarmPage(page).getByTestId("alarm-note").fill("valve replaced");
    await alarmPage(page).getByTestId("alarm-acknowledge").click();

    // The state is committed before the history item is written, so wait for the API's answer
    // (recorded once the handler has returned) before reading either.
    await expect
      .poll(() => apiRequests, { timeout: 10_000 })
      .toContainEqual({
        method: "POST",
        path: `/alarms/${encodeURIComponent(ALARM)}/acknowledge`,
        verified: true,
        status: 200,
      });
    expect(await stateOf(ALARM)).toBe("ACKNOWLEDGED");
    // Recorded as the person who clicked, not as the operator group's shared role session.
    const history = await historyOf(api.dynamo.client, api.tables.history, ALARM);
    expect(history.map((item) => item.actor).filter((actor) => actor !== undefined)).toEqual([
      { id: "olga@example.com", note: "valve replaced" },
    ]);
    await page.context().close();
  });

  it("refuses a viewer's acknowledge (403 from the route policy) and says so", async () => {
    const before = apiRequests.length;
    const page = await openConsole("vera@example.com", `/alarms/${encodeURIComponent(ALARM)}`);
    await alarmPage(page).getByTestId("alarm-acknowledge").waitFor({ timeout: 15_000 });
    await alarmPage(page).getByTestId("alarm-acknowledge").click();

    await alarmPage(page).getByTestId("alarm-error").waitFor({ state: "visible", timeout: 10_000 });
    const refused = apiRequests.slice(before).filter((request) => request.method === "POST");
    expect(refused).toEqual([
      {
        method: "POST",
        path: `/alarms/${encodeURIComponent(ALARM)}/acknowledge`,
        verified: true,
        status: 403,
      },
    ]);
    await page.context().close();
  });
  it("shows a viewer the KPI page, its GET /kpis signed with the viewer's role and allowed", async () => {
    const before = apiRequests.length;
    const page = await openConsole("vera@example.com", "/kpis");
    await page.getByTestId("kpi-availability").waitFor({ timeout: 15_000 });

    expect(apiRequests.slice(before).filter((request) => request.path === "/kpis")).toEqual([
      { method: "GET", path: "/kpis", verified: true, status: 200 },
    ]);
    await page.context().close();
  });
});

/** The alarm's own page, not the (hidden) overview's list of the same alarm. */
function alarmPage(page: Page) {
  return page.locator("#alarm-page");
}

/** What Cognito hands the post-authentication trigger when `email` signs in. */
function postAuthentication(email: Email): PostAuthenticationTriggerEvent {
  return postAuthenticationEvent({ sub: USERS[email].sub, email, email_verified: "true" });
}

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/** An unsigned JWT with the claims the console reads; the stand-ins, not the console, decide on it. */
function idToken(email: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none" })}.${part({ email, "cognito:groups": [USERS[email as Email].group] })}.sig`;
}
