import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import type { ErrorCode, ErrorDetail } from "../shared/contracts/operatorApi.ts";

/** Why the local server will not serve a request, as a C7 error. */
export interface Refusal {
  readonly code: Extract<ErrorCode, "forbidden" | "unsupported_media_type">;
  readonly message: string;
  readonly details: readonly ErrorDetail[];
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];
const STATE_CHANGING = new Set(["POST", "PUT", "DELETE", "PATCH"]);
const WILDCARDS = new Set(["0.0.0.0", "::"]);

/**
 * The local stack's HTTP API has no authentication (on AWS, API Gateway checks IAM signatures), so
 * it only answers requests a web page cannot forge:
 * - the Host must name this server (localhost, a loopback address, the address it listens on), or
 *   DNS rebinding would let any page the operator opens read and write `/api` under its own name;
 * - a write that says where it comes from (`Origin`, `Sec-Fetch-Site`) must come from this server's
 *   own pages, or any page could post an action across sites.
 * `address` is read on the first request, once the server listens and its port is known.
 */
export function createRequestGuard(
  configuredHost: string,
  address: () => AddressInfo,
): (request: IncomingMessage) => Refusal | undefined {
  let authorities: Set<string> | undefined;
  let bound: AddressInfo | undefined;
  return (request) => {
    bound ??= address();
    authorities ??= new Set(
      [...LOOPBACK_NAMES, hostName(configuredHost), hostName(bound.address)].flatMap((name) =>
        withPort(name, bound?.port ?? 0),
      ),
    );
    const host = request.headers.host?.trim().toLowerCase();
    if (host === undefined || !(authorities.has(host) || isInterfaceAddress(host, bound))) {
      return forbidden("header.host", "does not name this server", "the Host header names another server");
    }
    if (!STATE_CHANGING.has((request.method ?? "GET").toUpperCase())) return undefined;
    const origin = request.headers.origin;
    if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
      return forbidden(
        "header.origin",
        `is not http://${host}`,
        "writes are only taken from this server's pages",
      );
    }
    if (request.headers["sec-fetch-site"]?.toLowerCase() === "cross-site") {
      return forbidden(
        "header.sec-fetch-site",
        "is cross-site",
        "writes are only taken from this server's pages",
      );
    }
    return undefined;
  };
}

/**
 * A request with a body (or that declares one) must declare it JSON: a cross-site HTML form can only
 * send `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain`, and a script on
 * another site cannot send JSON without asking first (a CORS preflight this server never grants).
 */
export function refuseNonJsonBody(request: IncomingMessage): Refusal | undefined {
  const declared = request.headers["content-type"];
  const hasBody =
    request.headers["transfer-encoding"] !== undefined ||
    (request.headers["content-length"] !== undefined && Number(request.headers["content-length"]) !== 0);
  if (declared === undefined && !hasBody) return undefined;
  const mediaType = declared?.split(";")[0]?.trim().toLowerCase();
  if (mediaType === "application/json") return undefined;
  return {
    code: "unsupported_media_type",
    message: "the body must be JSON, sent with Content-Type: application/json",
    details: [
      {
        path: "header.content-type",
        message: declared === undefined ? "is missing" : "is not application/json",
      },
    ],
  };
}

function forbidden(path: string, problem: string, message: string): Refusal {
  return { code: "forbidden", message, details: [{ path, message: problem }] };
}

/** As a Host header names it: IPv6 addresses in brackets, lower case. */
function hostName(address: string): string {
  const lower = address.toLowerCase();
  return lower.includes(":") && !lower.startsWith("[") ? `[${lower}]` : lower;
}

/** Browsers leave out the default port, so on port 80 a bare name names this server too. */
function withPort(name: string, port: number): string[] {
  return port === 80 ? [`${name}:80`, name] : [`${name}:${port}`];
}

/**
 * Listening on every interface (`--host 0.0.0.0`) is for reaching the stack from the network by
 * address; an address literal cannot be rebound to a page's own name, so any of this machine's is
 * accepted. Looked up on each such request, as addresses come and go.
 */
function isInterfaceAddress(host: string, bound: AddressInfo): boolean {
  if (!WILDCARDS.has(bound.address)) return false;
  const addresses = Object.values(networkInterfaces()).flatMap((entries) => entries ?? []);
  return addresses.some((entry) => withPort(hostName(entry.address), bound.port).includes(host));
}
