import { createHash } from "node:crypto";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { LocalRequest } from "../../support/localHttpServer.ts";

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

export type Verdict =
  | {
      readonly ok: true;
      readonly accessKeyId: string;
      readonly region: string;
      readonly signedHeaders: string[];
    }
  | { readonly ok: false; readonly reason: string };

function header(request: LocalRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * What API Gateway does with an IAM-authorised request, as far as a test can: read the credential
 * scope and signed headers from the Authorization header, check the body against its hash, rebuild
 * the canonical request from what arrived on the wire and sign it again with the caller's secret.
 */
export async function verifySigV4(
  request: LocalRequest,
  secrets: Readonly<Record<string, string>>,
  service = "execute-api",
): Promise<Verdict> {
  const match = AUTHORIZATION.exec(header(request, "authorization") ?? "");
  if (!match)
    return { ok: false, reason: `no SigV4 Authorization header: ${header(request, "authorization")}` };
  const [, accessKeyId = "", day, region = "", scopeService, signedHeaderList = ""] = match;
  const secretAccessKey = secrets[accessKeyId];
  if (secretAccessKey === undefined) return { ok: false, reason: `unknown access key ${accessKeyId}` };
  if (scopeService !== service) return { ok: false, reason: `signed for service ${scopeService}` };
  const amzDate = header(request, "x-amz-date") ?? "";
  if (!amzDate.startsWith(day ?? "-")) return { ok: false, reason: "x-amz-date is not the scope's day" };
  const bodyHash = createHash("sha256").update(request.body).digest("hex");
  if (header(request, "x-amz-content-sha256") !== bodyHash) {
    return { ok: false, reason: "the body does not match x-amz-content-sha256" };
  }
  const signedHeaders = signedHeaderList.split(";");
  if (!signedHeaders.includes("host")) return { ok: false, reason: "host is not signed" };

  const url = new URL(request.url, `http://${header(request, "host")}`);
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = header(request, name) ?? "";
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId, secretAccessKey },
    sha256: Hash.bind(null, "sha256"),
  });
  const expected = await signer.sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: url.hostname,
      path: url.pathname,
      query,
      headers,
      body: request.body.length === 0 ? undefined : request.body.toString("utf8"),
    },
    { signingDate },
  );
  if (expected.headers.authorization !== header(request, "authorization")) {
    return { ok: false, reason: "signature mismatch" };
  }
  return { ok: true, accessKeyId, region, signedHeaders };
}
