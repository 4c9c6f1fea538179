import { createPkce, randomState } from "./pkce.ts";

/** The console's sign-in settings, from the deployment's generated config file. */
export interface SignInSettings {
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly identityPoolId: string;
  /** The user pool's managed-login domain, e.g. `https://plantwatch-prod.auth.eu-west-1.amazoncognito.com`. */
  readonly signInUrl: string;
  /** Where managed login sends the browser back: the console's root, as registered on the app client. */
  readonly redirectUri: string;
}

export interface Tokens {
  readonly idToken: string;
  readonly refreshToken?: string;
  /** Epoch ms after which the ID token is no longer accepted. */
  readonly expiresAt: number;
}

/** Where a tab keeps its sign-in in progress: `sessionStorage` in the browser. */
export interface SignInStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A sign-in that cannot go on, with what to tell the operator. */
export class SignInError extends Error {
  override readonly name = "SignInError";
}

/** What the browser keeps between leaving for managed login and coming back: this tab only. */
interface PendingSignIn {
  readonly verifier: string;
  readonly state: string;
  readonly returnTo: string;
}

const PENDING_KEY = "plantwatch.signIn.pending";
const SCOPES = "openid email profile";

/**
 * Starts the authorization-code flow with PKCE: remembers the verifier, the state and the page
 * the operator asked for (a deep link from a notification), and answers the URL to send them to.
 */
export async function beginSignIn(
  settings: SignInSettings,
  returnTo: string,
  storage: SignInStorage,
): Promise<string> {
  const { verifier, challenge } = await createPkce();
  const state = randomState();
  const pending: PendingSignIn = { verifier, state, returnTo: samePagePath(returnTo) };
  storage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL("/oauth2/authorize", settings.signInUrl);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: settings.userPoolClientId,
    redirect_uri: settings.redirectUri,
    scope: SCOPES,
    state,
    code_challenge_method: "S256",
    code_challenge: challenge,
  }).toString();
  return url.href;
}

/** Whether this page load is managed login sending the browser back. */
export function isSignInCallback(location: URL): boolean {
  return location.searchParams.has("code") || location.searchParams.has("error");
}

/**
 * Finishes the flow on the page managed login sent the browser back to: checks the state against
 * the one this tab sent, trades the code and the verifier for tokens, and says where to go.
 */
export async function finishSignIn(
  settings: SignInSettings,
  location: URL,
  storage: SignInStorage,
  fetcher: typeof fetch = fetch,
): Promise<{ readonly tokens: Tokens; readonly returnTo: string }> {
  const stored = storage.getItem(PENDING_KEY);
  storage.removeItem(PENDING_KEY);
  const error = location.searchParams.get("error");
  if (error !== null) {
    throw new SignInError(`sign-in failed: ${location.searchParams.get("error_description") ?? error}`);
  }
  const pending = stored === null ? undefined : (JSON.parse(stored) as PendingSignIn);
  if (pending === undefined || pending.state !== location.searchParams.get("state")) {
    // Not the answer to this tab's request: a stale bookmark, or a forged link.
    throw new SignInError("this sign-in was not started here; sign in again");
  }
  const tokens = await tokenRequest(
    settings,
    {
      grant_type: "authorization_code",
      client_id: settings.userPoolClientId,
      code: location.searchParams.get("code") ?? "",
      redirect_uri: settings.redirectUri,
      code_verifier: pending.verifier,
    },
    fetcher,
  );
  return { tokens, returnTo: pending.returnTo };
}

/** New tokens for a refresh token (managed login keeps the refresh token itself). */
export async function refreshSignIn(
  settings: SignInSettings,
  refreshToken: string,
  fetcher: typeof fetch = fetch,
): Promise<Tokens> {
  const tokens = await tokenRequest(
    settings,
    { grant_type: "refresh_token", client_id: settings.userPoolClientId, refresh_token: refreshToken },
    fetcher,
  );
  return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
}

/** Managed login's sign-out, which ends its session too and comes back to the console. */
export function signOutUrl(settings: SignInSettings): string {
  const url = new URL("/logout", settings.signInUrl);
  url.search = new URLSearchParams({
    client_id: settings.userPoolClientId,
    logout_uri: settings.redirectUri,
  }).toString();
  return url.href;
}

async function tokenRequest(
  settings: SignInSettings,
  form: Record<string, string>,
  fetcher: typeof fetch,
): Promise<Tokens> {
  const requested = Date.now();
  const response = await fetcher(new URL("/oauth2/token", settings.signInUrl).href, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as {
    id_token?: string;
    refresh_token?: string;
    expires_in?: number;
    error?: string;
  };
  if (!response.ok || body.id_token === undefined) {
    throw new SignInError(`sign-in failed: ${body.error ?? `HTTP ${response.status}`}`);
  }
  return {
    idToken: body.id_token,
    ...(body.refresh_token === undefined ? {} : { refreshToken: body.refresh_token }),
    expiresAt: requested + (body.expires_in ?? 3600) * 1000,
  };
}

/** A path on this site only: a deep link must not become a way to send an operator elsewhere. */
export function samePagePath(returnTo: string): string {
  return returnTo.startsWith("/") && !returnTo.startsWith("//") && !returnTo.startsWith("/\\")
    ? returnTo
    : "/";
}
