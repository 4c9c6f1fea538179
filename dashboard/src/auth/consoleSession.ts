import {
  beginSignIn,
  finishSignIn,
  isSignInCallback,
  refreshSignIn,
  SignInError,
  type SignInSettings,
  type SignInStorage,
  signOutUrl,
  type Tokens,
} from "./hostedSignIn.ts";
import { type ConsoleCredentials, credentialsFor } from "./identityPool.ts";
import { type ApiFetcher, signedFetch } from "./signedFetch.ts";

/** A signed-in operator: who, and a `fetch` that signs the operator API's requests as them. */
export interface ConsoleSession {
  /** The e-mail in the ID token, to show who is signed in (the API trusts the signature, not this). */
  readonly user: string;
  readonly fetcher: ApiFetcher;
  signOut(): void;
}

/** Where the browser is and goes: `assign` leaves the page, `replace` rewrites its URL in place. */
export interface Navigator {
  /** The page shown now (path, query, fragment): where to come back to after signing in again. */
  here(): string;
  assign(url: string): void;
  replace(path: string): void;
}

const TOKENS_KEY = "plantwatch.signIn.tokens";
/** Renew tokens and credentials this long before they expire, so no request goes out with stale ones. */
const EARLY_MS = 5 * 60_000;

/**
 * Opens the operator's session on page load: finishes a sign-in managed login sent the browser
 * back from (then shows the page they first asked for), resumes this tab's session, or sends the
 * browser to sign in, remembering the page (undefined: the page is going away).
 */
export async function openSession(
  settings: SignInSettings,
  location: URL,
  storage: SignInStorage,
  navigator: Navigator,
  fetcher: typeof fetch = fetch,
  now: () => number = Date.now,
): Promise<ConsoleSession | undefined> {
  // Read when it is needed: after a sign-in the URL is no longer the callback's, and the operator
  // may have moved on to another alarm before the session runs out.
  const signInAgain = async () => {
    storage.removeItem(TOKENS_KEY);
    navigator.assign(await beginSignIn(settings, navigator.here(), storage));
  };
  let tokens: Tokens | undefined;
  if (isSignInCallback(location)) {
    let signedIn: Awaited<ReturnType<typeof finishSignIn>>;
    try {
      signedIn = await finishSignIn(settings, location, storage, fetcher);
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      // A stale callback (Back, a bookmark, another tab's sign-in) or managed login's own error:
      // off the callback URL, and sign in afresh rather than leave the operator a blank page.
      navigator.replace("/");
      await signInAgain();
      return undefined;
    }
    tokens = signedIn.tokens;
    storage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    navigator.replace(signedIn.returnTo);
  } else {
    tokens = storedTokens(storage);
  }
  if (tokens === undefined || (tokens.expiresAt - now() < EARLY_MS && tokens.refreshToken === undefined)) {
    await signInAgain();
    return undefined;
  }

  let current = tokens;
  let credentials: ConsoleCredentials | undefined;
  const renew = async (): Promise<ConsoleCredentials> => {
    if (current.expiresAt - now() < EARLY_MS) {
      try {
        current = await refreshSignIn(settings, current.refreshToken ?? "", fetcher);
      } catch (error) {
        // The refresh token expired or was revoked (user removed, signed out elsewhere).
        await signInAgain();
        throw error instanceof SignInError ? error : new SignInError("signing in again");
      }
      storage.setItem(TOKENS_KEY, JSON.stringify(current));
    }
    credentials = await credentialsFor(settings, current.idToken, fetcher);
    return credentials;
  };
  // The page sends its first requests together: they share one renewal, not one each.
  let renewing: Promise<ConsoleCredentials> | undefined;
  const freshCredentials = async (): Promise<ConsoleCredentials> => {
    if (credentials !== undefined && credentials.expiration.getTime() - now() > EARLY_MS) return credentials;
    renewing ??= renew().finally(() => {
      renewing = undefined;
    });
    return renewing;
  };
  return {
    user: claimOf(current.idToken, "email") ?? "signed in",
    fetcher: signedFetch(settings.region, freshCredentials, fetcher),
    signOut: () => {
      storage.removeItem(TOKENS_KEY);
      navigator.assign(signOutUrl(settings));
    },
  };
}

function storedTokens(storage: SignInStorage): Tokens | undefined {
  try {
    const tokens = JSON.parse(storage.getItem(TOKENS_KEY) ?? "null") as Tokens | null;
    return tokens !== null && typeof tokens.idToken === "string" ? tokens : undefined;
  } catch {
    return undefined;
  }
}

/** A claim of a JWT's payload, read without checking the signature: for display only. */
export function claimOf(jwt: string, claim: string): string | undefined {
  try {
    const payload = jwt.split(".")[1] ?? "";
    const json = atob(payload.replaceAll("-", "+").replaceAll("_", "/"));
    const value = (JSON.parse(json) as Record<string, unknown>)[claim];
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
