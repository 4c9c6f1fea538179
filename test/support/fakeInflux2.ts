import { randomBytes } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import {
  type FakeCall,
  type FakeOperation,
  type FakeProtocol,
  FakeServiceError,
  startFakeEndpoint,
  verbatim,
} from "./fakeEndpoint.ts";
import { restJson } from "./fakeEndpointProtocols.ts";
import type { LocalServer } from "./localHttpServer.ts";

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

const JSON_CONTENT = "application/json; charset=utf-8";
const influxId = () => randomBytes(8).toString("hex");
const json = (status: number, body: unknown) =>
  verbatim({ status, headers: { "content-type": JSON_CONTENT }, body: JSON.stringify(body) });
const noContent = (headers?: Readonly<Record<string, string>>) =>
  verbatim({ status: 204, ...(headers ? { headers } : {}) });

/** A request that breaks the contract: answered 400 and listed in `violations`. */
class Violation extends FakeServiceError {
  constructor(readonly problem: string) {
    super(400, "invalid", `fake: ${problem}`);
  }
}
const expect = (condition: boolean, problem: string) => {
  if (!condition) throw new Violation(problem);
};
const expectQuery = (query: URLSearchParams, expected: Record<string, string>) => {
  const actual = Object.fromEntries(query);
  expect(
    isDeepStrictEqual(actual, expected),
    `query ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`,
  );
};

/** The InfluxDB 2 API paths the token resource calls, by the name of their handler in the 2.7 sources. */
const INFLUX_ROUTES = {
  SignIn: "POST /api/v2/signin",
  SignOut: "POST /api/v2/signout",
  FindOrganization: "GET /api/v2/orgs",
  FindBucket: "GET /api/v2/buckets",
  CreateBucket: "POST /api/v2/buckets",
  UpdateBucket: "PATCH /api/v2/buckets/{bucketID}",
  CreateAuthorization: "POST /api/v2/authorizations",
  DeleteAuthorization: "DELETE /api/v2/authorizations/{authID}",
};

/** InfluxDB's HTTP API: plain JSON, unsigned, errors as `{ code, message }`; any other path a violation. */
function influxProtocol(): FakeProtocol {
  const readBody = (text: string) => {
    try {
      return text === "" ? undefined : JSON.parse(text);
    } catch (error) {
      throw new Violation(`body is not JSON: ${String(error)}`);
    }
  };
  const base = restJson({
    routes: INFLUX_ROUTES,
    signed: false,
    contentType: JSON_CONTENT,
    readBody,
    errorBody: ({ type, message }) => ({ code: type, message }),
  });
  return {
    ...base,
    read: (request) => base.read(request) ?? { operation: "", body: readBody(request.text) },
  };
}

export async function startFakeInflux2(options: FakeInflux2Options): Promise<FakeInflux2> {
  const orgID = influxId();
  const violations: string[] = [];
  const sessions = new Set<string>();
  const issued: string[] = [];
  const buckets: FakeBucket[] = (options.buckets ?? []).map((bucket) => ({
    id: influxId(),
    orgID,
    name: bucket.name,
    retentionSeconds: bucket.retentionSeconds,
  }));
  const authorizations: FakeAuthorization[] = [];
  const expectedBasic = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString("base64")}`;

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

  /** Every endpoint but sign-in: the session cookie and nothing else authenticates. */
  const inSession =
    (operation: (call: FakeCall, session: string) => unknown) =>
    (call: FakeCall): unknown => {
      expect(
        call.headers.authorization === undefined,
        `${call.method} ${call.path} sent an Authorization header`,
      );
      const match = new RegExp(`^${SESSION_COOKIE}=([^;]+)$`).exec(call.headers.cookie ?? "");
      if (match?.[1] === undefined || !sessions.has(match[1])) {
        throw new FakeServiceError(401, "unauthorized", "session not found");
      }
      if (call.body !== undefined) {
        expect(call.headers["content-type"] === "application/json", "JSON body without its content type");
      }
      return operation(call, match[1]);
    };

  const operations: Record<keyof typeof INFLUX_ROUTES, FakeOperation> = {
    SignIn: ({ query, headers, body }) => {
      expectQuery(query, {});
      expect(headers.cookie === undefined, "sign-in sent a cookie");
      expect(body === undefined, "sign-in sent a body");
      if (headers.authorization !== expectedBasic)
        throw new FakeServiceError(401, "unauthorized", "Unauthorized");
      const cookie = randomBytes(24).toString("base64url");
      sessions.add(cookie);
      issued.push(cookie);
      return noContent({
        "set-cookie": `${SESSION_COOKIE}=${cookie}; Path=/api/; Max-Age=3600; HttpOnly; SameSite=Strict`,
      });
    },
    SignOut: inSession(({ query }, session) => {
      expectQuery(query, {});
      sessions.delete(session);
      return noContent();
    }),
    FindOrganization: inSession(({ query }) => {
      expect(isDeepStrictEqual([...query.keys()], ["org"]), "find organization needs exactly ?org=<name>");
      const org = query.get("org");
      if (org !== options.organization) {
        throw new FakeServiceError(404, "not found", `organization name "${org}" not found`);
      }
      return json(200, {
        links: { self: "/api/v2/orgs" },
        orgs: [{ id: orgID, name: options.organization }],
      });
    }),
    FindBucket: inSession(({ query }) => {
      expect(
        isDeepStrictEqual([...query.keys()].sort(), ["name", "orgID"]),
        "find bucket needs orgID and name",
      );
      expect(query.get("orgID") === orgID, `orgID ${query.get("orgID")} is not the organization's`);
      const bucket = buckets.find((candidate) => candidate.name === query.get("name"));
      if (bucket === undefined) {
        throw new FakeServiceError(404, "not found", `bucket "${query.get("name")}" not found`);
      }
      return json(200, { links: { self: "/api/v2/buckets" }, buckets: [bucketView(bucket)] });
    }),
    CreateBucket: inSession(({ query, body }) => {
      expectQuery(query, {});
      const request = body as Record<string, unknown>;
      expect(
        isDeepStrictEqual(Object.keys(request ?? {}).sort(), ["name", "orgID", "retentionRules"]),
        "bucket body",
      );
      expect(request.orgID === orgID, "bucket orgID");
      const retentionSeconds = retentionOf(request.retentionRules);
      if (buckets.some((bucket) => bucket.name === request.name)) {
        throw new FakeServiceError(
          422,
          "conflict",
          `bucket with name ${String(request.name)} already exists`,
        );
      }
      const bucket: FakeBucket = { id: influxId(), orgID, name: String(request.name), retentionSeconds };
      buckets.push(bucket);
      return json(201, bucketView(bucket));
    }),
    UpdateBucket: inSession(({ query, body, params: [bucketID] }) => {
      expectQuery(query, {});
      expect(
        isDeepStrictEqual(Object.keys(body ?? {}), ["retentionRules"]),
        "PATCH bucket sends only retentionRules",
      );
      const retentionSeconds = retentionOf((body as { retentionRules: unknown }).retentionRules);
      const bucket = buckets.find((candidate) => candidate.id === bucketID);
      if (bucket === undefined) throw new FakeServiceError(404, "not found", "bucket not found");
      bucket.retentionSeconds = retentionSeconds;
      return json(200, bucketView(bucket));
    }),
    CreateAuthorization: inSession(({ query, body }) => {
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
    }),
    DeleteAuthorization: inSession(({ query, params: [id = ""] }) => {
      expectQuery(query, {});
      if (!/^[0-9a-f]{16}$/.test(id))
        throw new FakeServiceError(400, "invalid", "id must have a length of 16 bytes");
      const index = authorizations.findIndex((authorization) => authorization.id === id);
      if (index < 0) throw new FakeServiceError(404, "not found", "authorization not found");
      authorizations.splice(index, 1);
      return noContent();
    }),
  };

  const endpoint = await startFakeEndpoint<RecordedInfluxRequest>({
    services: [{ protocol: influxProtocol(), operations }],
    record: ({ request, call, status, error }) => {
      const route = `${request.method} ${request.path}`;
      if (error instanceof Violation) violations.push(`${route}: ${error.problem}`);
      if (error?.type === "UnknownOperationException")
        violations.push(`${route}: no such endpoint: ${route}`);
      const { authorization, cookie, "content-type": contentType } = request.headers;
      return {
        method: request.method,
        path: request.path,
        query: Object.fromEntries(request.query),
        ...(authorization === undefined ? {} : { authorization }),
        ...(cookie === undefined ? {} : { cookie }),
        ...(contentType === undefined ? {} : { contentType }),
        ...(call?.body === undefined ? {} : { body: call.body }),
        status,
      };
    },
  });

  return {
    ...endpoint,
    orgID,
    violations,
    buckets: () => buckets.map((bucket) => ({ ...bucket })),
    authorizations: () => authorizations.map((authorization) => ({ ...authorization })),
    openSessions: () => [...sessions],
    issuedCookies: () => [...issued],
    fail: (routeName, status, { times = 1 } = {}) =>
      endpoint.script(undefined, new FakeServiceError(status, "unavailable", "scripted failure"), {
        times,
        where: (call) => `${call.method} ${call.path}` === routeName,
      }),
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
