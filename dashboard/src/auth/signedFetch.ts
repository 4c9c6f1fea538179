import { executeApiSigner } from "../../../shared/adapters/aws/executeApiSigner.ts";
import type { ConsoleCredentials } from "./identityPool.ts";
import { WebCryptoSha256 } from "./webCryptoSha256.ts";

/** How the console sends a request to the operator API: `fetch`, or a signing wrapper around it. */
export type ApiFetcher = (
  url: string,
  init: { readonly method: string; readonly headers: Record<string, string>; readonly body?: string },
) => Promise<Response>;

/**
 * `fetch` for the operator API with each request signed (SigV4, execute-api) with the operator's
 * current credentials: the API stays IAM-authorised on every route, for the console as for the CLI.
 */
export function signedFetch(
  region: string,
  credentials: () => Promise<ConsoleCredentials>,
  fetcher: typeof fetch = fetch,
): ApiFetcher {
  const sign = executeApiSigner({ region, credentials, sha256: WebCryptoSha256 });
  return async (href, init) => {
    const url = new URL(href);
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = value;
    const signed = await sign({
      method: init.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === "" ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query,
      // The browser sends this very Host header; it is signed, so it must be the one that arrives.
      headers: { ...init.headers, host: url.host },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const { host: _host, ...headers } = signed;
    return fetcher(url.href, {
      method: init.method,
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
    });
  };
}
