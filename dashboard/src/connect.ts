import { CONSOLE_CONFIG_PATH, type ConsoleConfig } from "../../shared/contracts/consoleConfig.ts";
import { type ConsoleSession, openSession } from "./auth/consoleSession.ts";
import type { ApiFetcher } from "./auth/signedFetch.ts";
import { type DashboardConfig, readConfig } from "./config.ts";

/** How this page reaches the operator API: the local stack's, or a hosted deployment's as a signed-in operator. */
export interface Connection {
  readonly config: DashboardConfig;
  /** Hosted only: signs every request with the operator's credentials. */
  readonly fetcher?: ApiFetcher;
  readonly session?: ConsoleSession;
}

/**
 * A hosted console has a `config.json` beside its page (written by the stack); the local stack has
 * none and serves the API unsigned next to the page. Undefined while the browser leaves to sign in.
 */
export async function connect(page: Document, location: Location): Promise<Connection | undefined> {
  const hosted = await hostedConfig(page);
  if (hosted === undefined) return { config: readConfig(page, location) };
  const session = await openSession(
    { ...hosted, redirectUri: new URL("/", location.href).href },
    new URL(location.href),
    sessionStorage,
    {
      here: () => `${location.pathname}${location.search}${location.hash}`,
      assign: (url) => location.assign(url),
      replace: (path) => history.replaceState(null, "", path),
    },
  );
  if (session === undefined) return undefined;
  return {
    // No Server-Sent Events behind API Gateway: alarm changes come by polling.
    config: { apiBase: hosted.apiUrl.replace(/\/+$/, ""), eventsUrl: "", live: "poll" },
    fetcher: session.fetcher,
    session,
  };
}

async function hostedConfig(page: Document): Promise<ConsoleConfig | undefined> {
  const response = await fetch(new URL(CONSOLE_CONFIG_PATH.replace(/^\//, ""), page.baseURI), {
    cache: "no-store",
  }).catch(() => undefined);
  if (response === undefined || !response.ok) return undefined;
  const config = (await response.json().catch(() => undefined)) as ConsoleConfig | undefined;
  return config?.version === 1 ? config : undefined;
}
