import { randomBytes } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { type LocalReply, type LocalServer, startLocalServer } from "./localHttpServer.ts";

/**
 * A wire-level fake of the InfluxDB 2 management endpoints the token resource uses (no InfluxDB 2
 * server runs here: Debian ships 1.6.7). Each request is checked exactly — method, path, query,
 * Basic credentials on sign-in, the session cookie (and no other credential) afterwards, JSON
 * bodies field by field — and a request that breaks the contract is answered 400 and listed in
 * `violations`, so a test can insist on none. Answers follow the InfluxDB 2.7 sources
 * (tenant/http_server_*.go, session/http_server.go): 404 for an unknown org or bucket name,
 * 201 on creates, 204 on sign-in/out and delete.
 */

export interface FakeInflux2Options {
  readonly username: string;
  readonly password: string;
  readonly organization: string;
  /** Buckets present at start (the instance creates the one it was given). */
  readonly buckets?: readonly { readonly name: string; readonly retentionSeconds: number }[];
}

export interface RecordedInfluxRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization?: string;
  readonly cookie?: string;
  readonly contentType?: string;
  /** The parsed JSON body, if any. */
  readonly body?: unknown;
  readonly status: number;
}

export interface FakeBucket {
  readonly id: string;
  readonly orgID: string;
  readonly name: string;
  retentionSeconds: number;
}

export interface FakeAuthorization {
  readonly id: string;
  readonly token: string;
  readonly orgID: string;
  readonly description: string;
  readonly permissions: unknown;
}

export interface FakeInflux2 extends LocalServer {
  readonly orgID: string;
  readonly requests: readonly RecordedInfluxRequest[];
  /** Requests that broke the contract (and were answered 400), described. */
  readonly violations: readonly string[];
  buckets(): FakeBucket[];
  authorizations(): FakeAuthorization[];
  /** Session cookies issued and not signed out. */
  openSessions(): string[];
  /** Every session cookie ever issued, for "never logged" checks. */
  issuedCookies(): string[];
  /** Answers the next `times` (default 1) requests of `route` (e.g. `POST /api/v2/signin`) with `status`. */
  fail(route: string, status: number, options?: { readonly times?: number }): void;
  /** Adds an authorization directly (as if created earlier); returns it. */
  addAuthorization(bucketName: string): FakeAuthorization;
}

export const SESSION_COOKIE = "influxdb-oss-session";

const influxId = () => randomBytes(8).toString("hex");
const json = (status: number, body: unknown): LocalReply => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify(body),
});
const influxError = (status: number, code: string, message: string) => json(status, { code, message });

export async function startFakeInflux2(options: FakeInflux2Options): Promise<FakeInflux2> {
  const orgID = influxId();
  const requests: RecordedInfluxRequest[] = [];
  const violations: string[] = [];
  const sessions = new Set<string>();
  const issued: string[] = [];
  const faults: { route: string; status: number; remaining: number }[] = [];
  const buckets: FakeBucket[] = (options.buckets ?? []).map((bucket) => ({
    id: influxId(),
    orgID,
    name: bucket.name,
    retentionSeconds: bucket.retentionSeconds,
  }));
  const authorizations: FakeAuthorization[] = [];
  const expectedBasic = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString("base64")}`;

  class Violation extends Error {}
  const expect = (condition: boolean, problem: string) => {
    if (!condition) throw new Violation(problem);
  };
  const expectQuery = (query: Record<string, string>, expected: Record<string, string>) =>
    expect(
      isDeepStrictEqual(query, expected),
      `query ${JSON.stringify(query)} is not ${JSON.stringify(expected)}`,
    );
  const bucketView = (bucket: FakeBucket) => ({
    id: bucket.id,
    orgID: bucket.orgID,
    type: "user",
    name: bucket.name,
    retentionRules:
      bucket.retentionSeconds > 0
        ? [{ type: "expire", everySeconds: bucket.retentionSeconds, shardGroupDurationSeconds: 86_400 }]
        : [],
    links: { self: `/api/v2/buckets/${bucket.id}` },
    labels: [],
  });
  const retentionOf = (rules: unknown): number => {
    expect(
      Array.isArray(rules) &&
        rules.length === 1 &&
        isDeepStrictEqual(Object.keys(rules[0]).sort(), ["everySeconds", "type"]) &&
        rules[0].type === "expire" &&
        Number.isSafeInteger(rules[0].everySeconds) &&
        rules[0].everySeconds >= 0,
      `retentionRules ${JSON.stringify(rules)} is not [{ type: "expire", everySeconds: n >= 0 }]`,
    );
    return (rules as { everySeconds: number }[])[0]?.everySeconds ?? 0;
  };

  const route = (
    method: string,
    path: string,
    query: Record<string, string>,
    headers: { authorization?: string; cookie?: string; contentType?: string },
    body: unknown,
  ): LocalReply => {
    if (method === "POST" && path === "/api/v2/signin") {
      expectQuery(query, {});
      expect(headers.cookie === undefined, "sign-in sent a cookie");
      expect(body === undefined, "sign-in sent a body");
      if (headers.authorization !== expectedBasic) return influxError(401, "unauthorized", "Unauthorized");
      const cookie = randomBytes(24).toString("base64url");
      sessions.add(cookie);
      issued.push(cookie);
      return {
        status: 204,
        headers: {
          "set-cookie": `${SESSION_COOKIE}=${cookie}; Path=/api/; Max-Age=3600; HttpOnly; SameSite=Strict`,
        },
      };
    }
    // Every other endpoint: the session cookie and nothing else authenticates.
    expect(headers.authorization === undefined, `${method} ${path} sent an Authorization header`);
    const match = new RegExp(`^${SESSION_COOKIE}=([^;]+)$`).exec(headers.cookie ?? "");
    if (match?.[1] === undefined || !sessions.has(match[1])) {
      return influxError(401, "unauthorized", "session not found");
    }
    const session = match[1];
    if (body !== undefined)
      expect(headers.contentType === "application/json", "JSON body without its content type");

    if (method === "POST" && path === "/api/v2/signout") {
      expectQuery(query, {});
      sessions.delete(session);
      return { status: 204 };
    }
    if (method === "GET" && path === "/api/v2/orgs") {
      expect(isDeepStrictEqual(Object.keys(query), ["org"]), "find organization needs exactly ?org=<name>");
      if (query.org !== options.organization) {
        return influxError(404, "not found", `organization name "${query.org}" not found`);
      }
      return json(200, {
        links: { self: "/api/v2/orgs" },
        orgs: [{ id: orgID, name: options.organization }],
      });
    }
    if (method === "GET" && path === "/api/v2/buckets") {
      expect(
        isDeepStrictEqual(Object.keys(query).sort(), ["name", "orgID"]),
        "find bucket needs orgID and name",
      );
      expect(query.orgID === orgID, `orgID ${query.orgID} is not the organization's`);
      const bucket = buckets.find((candidate) => candidate.name === query.name);
      if (bucket === undefined) return influxError(404, "not found", `bucket "${query.name}" not found`);
      return json(200, { links: { self: "/api/v2/buckets" }, buckets: [bucketView(bucket)] });
    }
    if (method === "POST" && path === "/api/v2/buckets") {
      expectQuery(query, {});
      const request = body as Record<string, unknown>;
      expect(
        isDeepStrictEqual(Object.keys(request ?? {}).sort(), ["name", "orgID", "retentionRules"]),
        "bucket body",
      );
      expect(request.orgID === orgID, "bucket orgID");
      const retentionSeconds = retentionOf(request.retentionRules);
      if (buckets.some((bucket) => bucket.name === request.name)) {
        return influxError(422, "conflict", `bucket with name ${String(request.name)} already exists`);
      }
      const bucket: FakeBucket = { id: influxId(), orgID, name: String(request.name), retentionSeconds };
      buckets.push(bucket);
      return json(201, bucketView(bucket));
    }
    const bucketPath = /^\/api\/v2\/buckets\/([^/]+)$/.exec(path);
    if (method === "PATCH" && bucketPath) {
      expectQuery(query, {});
      expect(
        isDeepStrictEqual(Object.keys(body ?? {}), ["retentionRules"]),
        "PATCH bucket sends only retentionRules",
      );
      const retentionSeconds = retentionOf((body as { retentionRules: unknown }).retentionRules);
      const bucket = buckets.find((candidate) => candidate.id === bucketPath[1]);
      if (bucket === undefined) return influxError(404, "not found", "bucket not found");
      bucket.retentionSeconds = retentionSeconds;
      return json(200, bucketView(bucket));
    }
    if (method === "POST" && path === "/api/v2/authorizations") {
      expectQuery(query, {});
      const request = body as { orgID?: unknown; description?: unknown; permissions?: unknown };
      expect(
        isDeepStrictEqual(Object.keys(request ?? {}).sort(), ["description", "orgID", "permissions"]),
        "authorization body",
      );
      expect(request.orgID === orgID, "authorization orgID");
      const bucketId = (request.permissions as { resource?: { id?: unknown } }[] | undefined)?.[0]?.resource
        ?.id;
      const bucket = buckets.find((candidate) => candidate.id === bucketId);
      expect(
        bucket !== undefined,
        `permissions name no existing bucket: ${JSON.stringify(request.permissions)}`,
      );
      const resource = { type: "buckets", id: bucket?.id, orgID };
      expect(
        isDeepStrictEqual(request.permissions, [
          { action: "read", resource },
          { action: "write", resource },
        ]),
        `permissions are not read+write of exactly one bucket: ${JSON.stringify(request.permissions)}`,
      );
      const authorization: FakeAuthorization = {
        id: influxId(),
        token: randomBytes(64).toString("base64url"),
        orgID,
        description: String(request.description),
        permissions: request.permissions,
      };
      authorizations.push(authorization);
      return json(201, { ...authorization, status: "active", userID: influxId(), links: {} });
    }
    const authorizationPath = /^\/api\/v2\/authorizations\/([^/]+)$/.exec(path);
    if (method === "DELETE" && authorizationPath) {
      expectQuery(query, {});
      const id = authorizationPath[1] ?? "";
      if (!/^[0-9a-f]{16}$/.test(id)) return influxError(400, "invalid", "id must have a length of 16 bytes");
      const index = authorizations.findIndex((authorization) => authorization.id === id);
      if (index < 0) return influxError(404, "not found", "authorization not found");
      authorizations.splice(index, 1);
      return { status: 204 };
    }
    throw new Violation(`no such endpoint: ${method} ${path}`);
  };

  const server = await startLocalServer(({ method, url, headers, body }) => {
    const parsedUrl = new URL(url, "http://fake");
    const query = Object.fromEntries(parsedUrl.searchParams);
    const text = body.toString("utf8");
    const seen = {
      ...(headers.authorization === undefined ? {} : { authorization: headers.authorization }),
      ...(headers.cookie === undefined ? {} : { cookie: headers.cookie }),
      ...(headers["content-type"] === undefined ? {} : { contentType: headers["content-type"] }),
    };
    let parsedBody: unknown;
    let reply: LocalReply;
    try {
      parsedBody = text === "" ? undefined : JSON.parse(text);
      const fault = faults.find(
        (candidate) => candidate.route === `${method} ${parsedUrl.pathname}` && candidate.remaining > 0,
      );
      if (fault) {
        fault.remaining--;
        reply = influxError(fault.status, "unavailable", "scripted failure");
      } else {
        reply = route(method, parsedUrl.pathname, query, seen, parsedBody);
      }
    } catch (error) {
      const problem = error instanceof Violation ? error.message : `body is not JSON: ${String(error)}`;
      violations.push(`${method} ${parsedUrl.pathname}: ${problem}`);
      reply = influxError(400, "invalid", `fake: ${problem}`);
    }
    requests.push({
      method,
      path: parsedUrl.pathname,
      query,
      ...seen,
      ...(parsedBody === undefined ? {} : { body: parsedBody }),
      status: reply.status,
    });
    return reply;
  });

  return {
    ...server,
    orgID,
    requests,
    violations,
    buckets: () => buckets.map((bucket) => ({ ...bucket })),
    authorizations: () => authorizations.map((authorization) => ({ ...authorization })),
    openSessions: () => [...sessions],
    issuedCookies: () => [...issued],
    fail: (routeName, status, { times = 1 } = {}) => {
      faults.push({ route: routeName, status, remaining: times });
    },
    addAuthorization: (bucketName) => {
      const bucket = buckets.find((candidate) => candidate.name === bucketName);
      if (bucket === undefined) throw new Error(`no bucket ${bucketName}`);
      const resource = { type: "buckets", id: bucket.id, orgID };
      const authorization: FakeAuthorization = {
        id: influxId(),
        token: randomBytes(64).toString("base64url"),
        orgID,
        description: `plantwatch ${bucketName} read/write (managed by CloudFormation)`,
        permissions: [
          { action: "read", resource },
          { action: "write", resource },
        ],
      };
      authorizations.push(authorization);
      return authorization;
    },
  };
}
