import type { BackoffOptions } from "../../shared/adapters/aws/retry.ts";
import { InfluxResponseError, type TokenStep } from "./errors.ts";
import { HttpChannel } from "./influxHttpChannel.ts";

/**
 * A small client of the InfluxDB 2 management API (OpenAPI: influxdata/openapi src/common/paths):
 * just what the token resource needs, over plain `fetch`. An admin session is the
 * `influxdb-oss-session` cookie that `POST /api/v2/signin` (HTTP Basic) sets; it is sent on every
 * later call and ended with `POST /api/v2/signout`.
 */

export interface AdminCredentials {
  readonly username: string;
  readonly password: string;
}

export interface InfluxBucket {
  readonly id: string;
  readonly name: string;
}

export interface CreatedAuthorization {
  readonly id: string;
  /** The API token; never logged, never put in an error. */
  readonly token: string;
}

/** One signed-in admin session on one instance; every call is bounded by the session's deadline. */
export interface InfluxAdminSession {
  /** The organization's id, or undefined when no organization has that name. */
  findOrganizationId(name: string): Promise<string | undefined>;
  findBucket(orgID: string, name: string): Promise<InfluxBucket | undefined>;
  createBucket(orgID: string, name: string, retentionSeconds: number): Promise<InfluxBucket>;
  /** 0 = keep forever. */
  setRetention(bucketID: string, retentionSeconds: number): Promise<void>;
  /** A token that may read and write exactly this bucket. */
  createBucketToken(input: {
    readonly orgID: string;
    readonly bucketID: string;
    readonly description: string;
  }): Promise<CreatedAuthorization>;
  /** `absent` when InfluxDB does not know the id (already revoked). */
  revokeAuthorization(authorizationID: string): Promise<"revoked" | "absent">;
  signOut(): Promise<void>;
}

/** The port the use cases sign in through. */
export interface InfluxAdmin {
  signIn(url: string, credentials: AdminCredentials, deadline: number): Promise<InfluxAdminSession>;
}

export interface InfluxAdminApiOptions {
  /** For tests: a fetch that reaches a fake. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default 500 ms doubling to 8 s, full jitter: the instance may answer 503 while it warms up. */
  readonly backoff?: BackoffOptions;
  /** Attempts per request, the deadline permitting. @default 8 */
  readonly maxAttempts?: number;
  /** @default 10 s */
  readonly requestTimeoutMs?: number;
}

/** InfluxDB's 16-hex-digit resource ids; anything else cannot name an authorization. */
export const INFLUX_ID = /^[0-9a-f]{16}$/;

const SESSION_COOKIE = "influxdb-oss-session";
export class InfluxAdminApi implements InfluxAdmin {
  readonly #options: InfluxAdminApiOptions;

  constructor(options: InfluxAdminApiOptions = {}) {
    this.#options = options;
  }

  async signIn(url: string, credentials: AdminCredentials, deadline: number): Promise<InfluxAdminSession> {
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64");
    const channel = new HttpChannel(this.#options, url, deadline, [credentials.password, basic]);
    const answer = await channel.send({
      step: "sign in",
      method: "POST",
      path: "/api/v2/signin",
      headers: { Authorization: `Basic ${basic}` },
      accept: [200, 204],
      retry: "any",
    });
    const cookie = sessionCookie(answer.headers);
    if (cookie === undefined) {
      throw new InfluxResponseError("sign in", `no ${SESSION_COOKIE} cookie in the answer`);
    }
    channel.secrets.push(cookie);
    return new CookieSession(channel, `${SESSION_COOKIE}=${cookie}`);
  }
}

class CookieSession implements InfluxAdminSession {
  readonly #channel: HttpChannel;
  readonly #headers: Readonly<Record<string, string>>;

  constructor(channel: HttpChannel, cookie: string) {
    this.#channel = channel;
    this.#headers = { Cookie: cookie };
  }

  async findOrganizationId(name: string): Promise<string | undefined> {
    // InfluxDB answers 404 for an unknown name rather than an empty list.
    const answer = await this.#channel.send({
      step: "find organization",
      method: "GET",
      path: "/api/v2/orgs",
      query: { org: name },
      headers: this.#headers,
      accept: [200, 404],
      retry: "any",
    });
    if (answer.status === 404) return undefined;
    const orgs = listOf(answer.body, "orgs", "find organization");
    return orgs.find((org) => org.name === name)?.id;
  }

  async findBucket(orgID: string, name: string): Promise<InfluxBucket | undefined> {
    // With both orgID and name InfluxDB looks the bucket up by name: 404 when it does not exist.
    const answer = await this.#channel.send({
      step: "find bucket",
      method: "GET",
      path: "/api/v2/buckets",
      query: { orgID, name },
      headers: this.#headers,
      accept: [200, 404],
      retry: "any",
    });
    if (answer.status === 404) return undefined;
    const bucket = listOf(answer.body, "buckets", "find bucket").find((candidate) => candidate.name === name);
    return bucket === undefined ? undefined : { id: bucket.id, name: bucket.name };
  }

  async createBucket(orgID: string, name: string, retentionSeconds: number): Promise<InfluxBucket> {
    const answer = await this.#channel.send({
      step: "create bucket",
      method: "POST",
      path: "/api/v2/buckets",
      body: { orgID, name, retentionRules: retentionRules(retentionSeconds) },
      headers: this.#headers,
      accept: [201],
      retry: "unprocessed",
    });
    const id = stringField(answer.body, "id");
    if (id === undefined) throw new InfluxResponseError("create bucket", "no bucket id");
    return { id, name };
  }

  async setRetention(bucketID: string, retentionSeconds: number): Promise<void> {
    await this.#channel.send({
      step: "set retention",
      method: "PATCH",
      path: `/api/v2/buckets/${encodeURIComponent(bucketID)}`,
      body: { retentionRules: retentionRules(retentionSeconds) },
      headers: this.#headers,
      accept: [200],
      retry: "any",
    });
  }

  async createBucketToken(input: {
    readonly orgID: string;
    readonly bucketID: string;
    readonly description: string;
  }): Promise<CreatedAuthorization> {
    const resource = { type: "buckets", id: input.bucketID, orgID: input.orgID };
    const answer = await this.#channel.send({
      step: "create token",
      method: "POST",
      path: "/api/v2/authorizations",
      body: {
        orgID: input.orgID,
        description: input.description,
        permissions: [
          { action: "read", resource },
          { action: "write", resource },
        ],
      },
      headers: this.#headers,
      accept: [201],
      retry: "unprocessed",
    });
    const id = stringField(answer.body, "id");
    const token = stringField(answer.body, "token");
    if (id === undefined || token === undefined) {
      throw new InfluxResponseError(
        "create token",
        `the answer lacks ${id === undefined ? "an id" : "a token"}`,
      );
    }
    this.#channel.secrets.push(token);
    return { id, token };
  }

  async revokeAuthorization(authorizationID: string): Promise<"revoked" | "absent"> {
    const answer = await this.#channel.send({
      step: "revoke token",
      method: "DELETE",
      path: `/api/v2/authorizations/${encodeURIComponent(authorizationID)}`,
      headers: this.#headers,
      accept: [204, 404],
      retry: "any",
    });
    return answer.status === 404 ? "absent" : "revoked";
  }

  async signOut(): Promise<void> {
    // Sessions expire on their own within minutes, so a failed sign-out is not worth a retry.
    await this.#channel.send({
      step: "sign out",
      method: "POST",
      path: "/api/v2/signout",
      headers: this.#headers,
      accept: [200, 204],
      retry: "unprocessed",
    });
  }
}

/**
 * One `expire` rule; `everySeconds: 0` is InfluxDB 2.x's "keep forever" (2.1+ accept 0 and treat
 * it as infinite; only negative values are refused — tenant/http_server_bucket.go).
 */
function retentionRules(retentionSeconds: number) {
  return [{ type: "expire", everySeconds: retentionSeconds }];
}

function sessionCookie(headers: Headers): string | undefined {
  for (const line of headers.getSetCookie()) {
    const [pair] = line.split(";");
    const separator = pair?.indexOf("=") ?? -1;
    if (pair !== undefined && separator > 0 && pair.slice(0, separator).trim() === SESSION_COOKIE) {
      const value = pair.slice(separator + 1).trim();
      if (value !== "") return value;
    }
  }
  return undefined;
}

function listOf(body: unknown, key: string, step: TokenStep): { id: string; name: string }[] {
  const list = (body as Record<string, unknown> | undefined)?.[key];
  if (!Array.isArray(list)) throw new InfluxResponseError(step, `no "${key}" list`);
  return list.filter(
    (item): item is { id: string; name: string } =>
      typeof item?.id === "string" && typeof item?.name === "string",
  );
}

function stringField(body: unknown, key: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}
