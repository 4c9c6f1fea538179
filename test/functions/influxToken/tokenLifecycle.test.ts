import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AdminSecretError,
  InfluxApiError,
  InvalidTokenPropertiesError,
  OrganizationNotFoundError,
  TokenStoreError,
} from "../../../functions/influxToken/errors.ts";
import { InfluxAdminApi } from "../../../functions/influxToken/influxAdminApi.ts";
import type { TokenResourcePropertiesInput } from "../../../functions/influxToken/resourceProperties.ts";
import {
  SecretsManagerAdminCredentials,
  SecretsManagerTokenVault,
} from "../../../functions/influxToken/secretsManagerAdapters.ts";
import type { TokenLifecyclePorts } from "../../../functions/influxToken/tokenLifecycle.ts";
import { onTokenResourceEvent } from "../../../functions/influxToken/tokenResourceEvent.ts";
import { type FakeInflux2, SESSION_COOKIE, startFakeInflux2 } from "../../support/fakeInflux2.ts";
import {
  type FakeSecretsManager,
  localSecretsManagerClient,
  startFakeSecretsManager,
} from "../../support/fakeSecretsManager.ts";
import { startLocalServer } from "../../support/localHttpServer.ts";
import {
  ADMIN,
  adminSecretJson,
  BUCKET,
  createEvent,
  deleteEvent,
  NINETY_DAYS,
  ORGANIZATION,
  type RecordedLog,
  recordingLog,
  updateEvent,
} from "./support.ts";

const BASIC = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}`;

describe("the InfluxDB token resource", () => {
  let influx: FakeInflux2;
  let secrets: FakeSecretsManager;
  let client: SecretsManagerClient;
  let log: RecordedLog;
  let sleeps: number[];
  let ports: TokenLifecyclePorts;
  let props: TokenResourcePropertiesInput;
  const deadline = () => Date.now() + 60_000;

  const portsWith = (maxAttempts?: number): TokenLifecyclePorts => ({
    adminCredentials: new SecretsManagerAdminCredentials(client),
    tokenVault: new SecretsManagerTokenVault(client),
    influx: new InfluxAdminApi({
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
      // Backoff delays are recorded, not slept: the tests assert the retries, not the clock.
      backoff: {
        baseDelayMs: 500,
        maxDelayMs: 8_000,
        random: () => 1,
        sleep: async (ms) => void sleeps.push(ms),
      },
    }),
    log,
  });
  const cookieOf = (index: number) => `${SESSION_COOKIE}=${influx.issuedCookies()[index]}`;
  const storedToken = () => JSON.parse(secrets.current(props.TokenSecretArn) ?? "null")?.token;
  /** Everything a reader could see outside the token secret: the response, the logs, the error. */
  const expectNoSecretIn = (...outputs: unknown[]) => {
    const seen = JSON.stringify(outputs.map((output) => (output instanceof Error ? output.message : output)));
    for (const secret of [
      ADMIN.password,
      ...influx.issuedCookies(),
      ...influx.authorizations().map((authorization) => authorization.token),
    ]) {
      expect(seen).not.toContain(secret);
    }
    expect(JSON.stringify(log.lines)).not.toContain(ADMIN.password);
  };

  beforeEach(async () => {
    influx = await startFakeInflux2({
      ...ADMIN,
      organization: ORGANIZATION,
      buckets: [{ name: BUCKET, retentionSeconds: 0 }],
    });
    secrets = await startFakeSecretsManager();
    client = localSecretsManagerClient(secrets.endpoint);
    log = recordingLog();
    sleeps = [];
    ports = portsWith();
    props = {
      Url: `${influx.endpoint}/`,
      AdminSecretArn: secrets.put(
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:influx-admin-Ab12Cd",
        adminSecretJson(),
      ),
      TokenSecretArn: secrets.put(
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:plantwatch-dev/series-token-Ef34Gh",
        "",
      ),
      Organization: ORGANIZATION,
      Bucket: BUCKET,
      RetentionSeconds: String(NINETY_DAYS),
    };
  });
  afterEach(async () => {
    expect(influx.violations).toEqual([]);
    expect(influx.openSessions()).toEqual([]);
    client.destroy();
    await Promise.all([influx.stop(), secrets.stop()]);
  });

  describe("create", () => {
    it("signs in, scopes a token to the bucket, stores it in the token secret and answers only its id", async () => {
      const response = await onTokenResourceEvent(createEvent(props), ports, deadline());

      const [authorization] = influx.authorizations();
      const [bucket] = influx.buckets();
      expect(authorization).toBeDefined();
      expect(response).toEqual({
        PhysicalResourceId: authorization?.id,
        Data: { AuthorizationId: authorization?.id },
      });
      const resource = { type: "buckets", id: bucket?.id, orgID: influx.orgID };
      expect(influx.requests).toEqual([
        { method: "POST", path: "/api/v2/signin", query: {}, authorization: BASIC, status: 204 },
        {
          method: "GET",
          path: "/api/v2/orgs",
          query: { org: ORGANIZATION },
          cookie: cookieOf(0),
          status: 200,
        },
        {
          method: "GET",
          path: "/api/v2/buckets",
          query: { orgID: influx.orgID, name: BUCKET },
          cookie: cookieOf(0),
          status: 200,
        },
        {
          method: "PATCH",
          path: `/api/v2/buckets/${bucket?.id}`,
          query: {},
          cookie: cookieOf(0),
          contentType: "application/json",
          body: { retentionRules: [{ type: "expire", everySeconds: NINETY_DAYS }] },
          status: 200,
        },
        {
          method: "POST",
          path: "/api/v2/authorizations",
          query: {},
          cookie: cookieOf(0),
          contentType: "application/json",
          body: {
            orgID: influx.orgID,
            description: "plantwatch telemetry read/write (managed by CloudFormation)",
            permissions: [
              { action: "read", resource },
              { action: "write", resource },
            ],
          },
          status: 201,
        },
        { method: "POST", path: "/api/v2/signout", query: {}, cookie: cookieOf(0), status: 204 },
      ]);
      expect(bucket?.retentionSeconds).toBe(NINETY_DAYS);
      expect(secrets.current(props.TokenSecretArn)).toBe(JSON.stringify({ token: authorization?.token }));
      expect(secrets.requests.map(({ operation, body }) => [operation, body.SecretId])).toEqual([
        ["GetSecretValue", props.AdminSecretArn],
        ["PutSecretValue", props.TokenSecretArn],
      ]);
      expectNoSecretIn(response, log.lines);
    });

    it("creates the bucket with its retention when the instance lacks it, instead of patching", async () => {
      const response = await onTokenResourceEvent(
        createEvent({ ...props, Bucket: "telemetry-eu", RetentionSeconds: "0" }),
        ports,
        deadline(),
      );

      const created = influx.buckets().find((bucket) => bucket.name === "telemetry-eu");
      expect(created?.retentionSeconds).toBe(0);
      expect(influx.requests.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
        "POST /api/v2/signin 204",
        "GET /api/v2/orgs 200",
        "GET /api/v2/buckets 404",
        "POST /api/v2/buckets 201",
        "POST /api/v2/authorizations 201",
        "POST /api/v2/signout 204",
      ]);
      expect(influx.requests[3]?.body).toEqual({
        orgID: influx.orgID,
        name: "telemetry-eu",
        retentionRules: [{ type: "expire", everySeconds: 0 }],
      });
      expect(influx.authorizations()[0]?.permissions).toEqual([
        { action: "read", resource: { type: "buckets", id: created?.id, orgID: influx.orgID } },
        { action: "write", resource: { type: "buckets", id: created?.id, orgID: influx.orgID } },
      ]);
      expect(response.PhysicalResourceId).toBe(influx.authorizations()[0]?.id);
    });

    it("rides out an instance that answers 503 while it warms up", async () => {
      influx.fail("POST /api/v2/signin", 503, { times: 2 });
      influx.fail("GET /api/v2/orgs", 502);

      const response = await onTokenResourceEvent(createEvent(props), ports, deadline());

      expect(response.PhysicalResourceId).toBe(influx.authorizations()[0]?.id);
      expect(storedToken()).toBe(influx.authorizations()[0]?.token);
      expect(influx.requests.map(({ path, status }) => `${path} ${status}`).slice(0, 5)).toEqual([
        "/api/v2/signin 503",
        "/api/v2/signin 503",
        "/api/v2/signin 204",
        "/api/v2/orgs 502",
        "/api/v2/orgs 200",
      ]);
      expect(sleeps).toEqual([500, 1_000, 500]);
    });

    it("gives up after its attempts with the step and the status, and creates nothing", async () => {
      ports = portsWith(3);
      influx.fail("POST /api/v2/signin", 503, { times: 5 });

      const failure = await onTokenResourceEvent(createEvent(props), ports, deadline()).catch(
        (error) => error,
      );

      expect(failure).toBeInstanceOf(InfluxApiError);
      expect(failure).toMatchObject({ step: "sign in", status: 503, retryable: true });
      expect(failure.message).toBe("sign in: InfluxDB answered HTTP 503: unavailable: scripted failure");
      expect(influx.requests).toHaveLength(3);
      expect(secrets.current(props.TokenSecretArn)).toBe("");
    });

    it("stops at a refused sign-in with a clear error that holds no password", async () => {
      secrets.put(props.AdminSecretArn, adminSecretJson("a-password-that-is-wrong"));

      const failure = await onTokenResourceEvent(createEvent(props), ports, deadline()).catch(
        (error) => error,
      );

      expect(failure).toBeInstanceOf(InfluxApiError);
      expect(failure).toMatchObject({
        name: "InfluxApiError",
        step: "sign in",
        status: 401,
        retryable: false,
      });
      expect(failure.message).toBe("sign in: InfluxDB answered HTTP 401: unauthorized: Unauthorized");
      expect(failure.message).not.toContain("a-password-that-is-wrong");
      expect(influx.requests).toHaveLength(1);
      expect(influx.authorizations()).toEqual([]);
    });

    it("blanks out the password and its Basic form when an answer echoes them", async () => {
      const echoing = await startLocalServer(({ headers }) => ({
        status: 400,
        body: JSON.stringify({
          code: "invalid",
          message: `bad header ${headers.authorization} for ${ADMIN.password}`,
        }),
      }));

      const failure = await onTokenResourceEvent(
        createEvent({ ...props, Url: echoing.endpoint }),
        ports,
        deadline(),
      ).catch((error) => error);
      await echoing.stop();

      expect(failure.message).toBe(
        "sign in: InfluxDB answered HTTP 400: invalid: bad header Basic [redacted] for [redacted]",
      );
    });

    it("does not send a create again after an ambiguous 500, so no second token can exist", async () => {
      influx.fail("POST /api/v2/authorizations", 500);

      const failure = await onTokenResourceEvent(createEvent(props), ports, deadline()).catch(
        (error) => error,
      );

      expect(failure).toMatchObject({ name: "InfluxApiError", step: "create token", status: 500 });
      expect(influx.requests.filter(({ path }) => path === "/api/v2/authorizations")).toHaveLength(1);
      expect(influx.requests.at(-1)?.path).toBe("/api/v2/signout");
    });

    it("sends a create again after a 503, which InfluxDB answers without acting", async () => {
      influx.fail("POST /api/v2/authorizations", 503);

      await onTokenResourceEvent(createEvent(props), ports, deadline());

      expect(
        influx.requests.filter(({ path }) => path === "/api/v2/authorizations").map(({ status }) => status),
      ).toEqual([503, 201]);
      expect(influx.authorizations()).toHaveLength(1);
    });

    it("revokes the new token again when it cannot be stored, and says so", async () => {
      secrets.fail("accessDenied", { operation: "PutSecretValue" });

      const failure = await onTokenResourceEvent(createEvent(props), ports, deadline()).catch(
        (error) => error,
      );

      expect(failure).toBeInstanceOf(TokenStoreError);
      expect(failure).toMatchObject({ revoked: true });
      expect(failure.message).toMatch(
        /^store token: PutSecretValue on .+ failed \(AccessDeniedException\); authorization [0-9a-f]{16} was revoked again$/,
      );
      expect(influx.authorizations()).toEqual([]);
      expect(influx.requests.map(({ method, path }) => `${method} ${path}`).slice(-2)).toEqual([
        `DELETE /api/v2/authorizations/${failure.authorizationId}`,
        "POST /api/v2/signout",
      ]);
    });

    it("refuses an organization the instance does not have, and signs out", async () => {
      const failure = await onTokenResourceEvent(
        createEvent({ ...props, Organization: "someone-else" }),
        ports,
        deadline(),
      ).catch((error) => error);

      expect(failure).toBeInstanceOf(OrganizationNotFoundError);
      expect(failure.message).toBe(
        'find organization: organization "someone-else" does not exist on the InfluxDB instance',
      );
      expect(influx.requests.map(({ path, status }) => `${path} ${status}`)).toEqual([
        "/api/v2/signin 204",
        "/api/v2/orgs 404",
        "/api/v2/signout 204",
      ]);
    });

    it("names an admin secret that is not the JSON it should be, without quoting it", async () => {
      secrets.put(props.AdminSecretArn, "Adm1nPassw0rdOnlyHere");

      const failure = await onTokenResourceEvent(createEvent(props), ports, deadline()).catch(
        (error) => error,
      );

      expect(failure).toBeInstanceOf(AdminSecretError);
      expect(failure.message).toBe(`read admin secret: ${props.AdminSecretArn}: the secret is not JSON`);
      expect(failure.cause).toBeUndefined();
      expect(influx.requests).toEqual([]);
    });

    it("lists every property that breaks the contract", async () => {
      const failure = await onTokenResourceEvent(
        createEvent({
          ...props,
          Url: "ftp://x",
          Bucket: "_monitoring",
          RetentionSeconds: "60",
          TokenSecretArn: "nope",
        }),
        ports,
        deadline(),
      ).catch((error) => error);

      expect(failure).toBeInstanceOf(InvalidTokenPropertiesError);
      expect(failure.problems).toEqual([
        "Url: must be an http(s) base URL such as https://<endpoint>:8086",
        expect.stringMatching(/^TokenSecretArn: /),
        "Bucket: must not start with an underscore",
        "RetentionSeconds: must be 0 (forever) or a whole number of seconds >= 3600",
      ]);
      expect(influx.requests).toEqual([]);
    });
  });

  describe("update", () => {
    it("sets only the retention when only the retention changed, and keeps the token", async () => {
      const { PhysicalResourceId: id } = await onTokenResourceEvent(createEvent(props), ports, deadline());
      const tokenBefore = secrets.current(props.TokenSecretArn);
      const before = influx.requests.length;

      const response = await onTokenResourceEvent(
        updateEvent(props, { ...props, RetentionSeconds: "0" }, id),
        ports,
        deadline(),
      );

      expect(response).toEqual({ PhysicalResourceId: id, Data: { AuthorizationId: id } });
      expect(influx.requests.slice(before).map(({ method, path }) => `${method} ${path}`)).toEqual([
        "POST /api/v2/signin",
        "GET /api/v2/orgs",
        "GET /api/v2/buckets",
        `PATCH /api/v2/buckets/${influx.buckets()[0]?.id}`,
        "POST /api/v2/signout",
      ]);
      expect(influx.buckets()[0]?.retentionSeconds).toBe(0);
      expect(influx.authorizations().map(({ id: authorizationId }) => authorizationId)).toEqual([id]);
      expect(secrets.current(props.TokenSecretArn)).toBe(tokenBefore);
    });

    it("creates a new token, with a new physical id, when the bucket changed; the old one waits for its delete", async () => {
      const { PhysicalResourceId: oldId } = await onTokenResourceEvent(createEvent(props), ports, deadline());
      const next = { ...props, Bucket: "telemetry-v2" };

      const response = await onTokenResourceEvent(updateEvent(props, next, oldId), ports, deadline());

      const newAuthorization = influx.authorizations().find(({ id }) => id !== oldId);
      expect(response.PhysicalResourceId).toBe(newAuthorization?.id);
      expect(response.PhysicalResourceId).not.toBe(oldId);
      expect(influx.authorizations().map(({ id }) => id)).toContain(oldId);
      expect(storedToken()).toBe(newAuthorization?.token);
      expect(secrets.versions(props.TokenSecretArn)).toHaveLength(3);
      expectNoSecretIn(response);
    });

    it("does nothing when only the admin secret's ARN changed", async () => {
      const { PhysicalResourceId: id } = await onTokenResourceEvent(createEvent(props), ports, deadline());
      const before = influx.requests.length;

      const response = await onTokenResourceEvent(
        updateEvent(props, { ...props, AdminSecretArn: `${props.AdminSecretArn}x` }, id),
        ports,
        deadline(),
      );

      expect(response.PhysicalResourceId).toBe(id);
      expect(influx.requests.length).toBe(before);
    });
  });

  describe("delete", () => {
    it("revokes the token and leaves the token secret alone", async () => {
      const { id } = influx.addAuthorization(BUCKET);
      secrets.put(props.TokenSecretArn, JSON.stringify({ token: "the-replacement-token" }));

      const response = await onTokenResourceEvent(deleteEvent(props, id), ports, deadline());

      expect(response.PhysicalResourceId).toBe(id);
      expect(influx.authorizations()).toEqual([]);
      expect(influx.requests.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
        "POST /api/v2/signin 204",
        `DELETE /api/v2/authorizations/${id} 204`,
        "POST /api/v2/signout 204",
      ]);
      expect(storedToken()).toBe("the-replacement-token");
      expect(log.lines).toContainEqual({
        level: "info",
        message: "InfluxDB token revoked",
        attributes: { authorizationId: id },
      });
    });

    it("succeeds when the token is already gone (404)", async () => {
      const response = await onTokenResourceEvent(deleteEvent(props, "0123456789abcdef"), ports, deadline());

      expect(response.PhysicalResourceId).toBe("0123456789abcdef");
      expect(influx.requests[1]).toMatchObject({ method: "DELETE", status: 404 });
      expect(log.lines.map(({ message }) => message)).toContain("InfluxDB token was already gone");
    });

    it("succeeds, and logs why, when the instance no longer answers", async () => {
      const closed = await startLocalServer(() => ({ status: 500 }));
      await closed.stop();

      const response = await onTokenResourceEvent(
        deleteEvent({ ...props, Url: closed.endpoint }, "0123456789abcdef"),
        portsWith(3),
        deadline(),
      );

      expect(response.PhysicalResourceId).toBe("0123456789abcdef");
      expect(sleeps).toHaveLength(2);
      expect(log.lines).toContainEqual({
        level: "warn",
        message: "InfluxDB instance or its admin secret is gone; the token went with it",
        attributes: {
          authorizationId: "0123456789abcdef",
          reason: "sign in: InfluxDB unreachable (ECONNREFUSED) after 3 attempt(s)",
        },
      });
    });

    it("succeeds when the admin secret is gone with its instance", async () => {
      secrets.remove(props.AdminSecretArn);

      await onTokenResourceEvent(deleteEvent(props, "0123456789abcdef"), ports, deadline());

      expect(influx.requests).toEqual([]);
      expect(log.lines[0]?.attributes.reason).toBe(
        `read admin secret: ${props.AdminSecretArn}: GetSecretValue failed (ResourceNotFoundException)`,
      );
    });

    it("has nothing to revoke behind a physical id that is no InfluxDB id", async () => {
      await onTokenResourceEvent(deleteEvent(props, "plantwatch-dev-InfluxToken-1"), ports, deadline());

      expect(influx.requests).toEqual([]);
      expect(secrets.requests).toEqual([]);
    });

    it("fails, rather than leave a live token behind, when the instance refuses the admin", async () => {
      const { id } = influx.addAuthorization(BUCKET);
      secrets.put(props.AdminSecretArn, adminSecretJson("changed-by-someone"));

      const failure = await onTokenResourceEvent(deleteEvent(props, id), ports, deadline()).catch(
        (error) => error,
      );

      expect(failure).toMatchObject({ name: "InfluxApiError", step: "sign in", status: 401 });
      expect(influx.authorizations().map((authorization) => authorization.id)).toEqual([id]);
    });
  });
});
