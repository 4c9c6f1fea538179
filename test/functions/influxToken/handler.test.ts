import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeInflux2, startFakeInflux2 } from "../../support/fakeInflux2.ts";
import { type FakeSecretsManager, startFakeSecretsManager } from "../../support/fakeSecretsManager.ts";
import { ADMIN, adminSecretJson, BUCKET, createEvent, deleteEvent, ORGANIZATION } from "./support.ts";

/** The environment the Lambda runtime would give; the SDK takes the endpoint override from it. */
const ENVIRONMENT = {
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
  AWS_SECRET_ACCESS_KEY: "local-test-secret",
  POWERTOOLS_SERVICE_NAME: "influx-token",
};

const context = {
  functionName: "plantwatch-dev-InfluxTokenOnEvent",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:plantwatch-dev-InfluxTokenOnEvent",
  memoryLimitInMB: "256",
  awsRequestId: "7e57c0de-0000-4000-8000-000000000001",
  logGroupName: "/aws/lambda/plantwatch-dev-InfluxTokenOnEvent",
  logStreamName: "2026/12/05/[$LATEST]0",
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 300_000,
} as unknown as Context;

describe("the token resource's Lambda handler", () => {
  let influx: FakeInflux2;
  let secrets: FakeSecretsManager;
  let handler: typeof import("../../../functions/influxToken/handler.ts").handler;
  const saved = { ...process.env };

  beforeAll(async () => {
    influx = await startFakeInflux2({
      ...ADMIN,
      organization: ORGANIZATION,
      buckets: [{ name: BUCKET, retentionSeconds: 0 }],
    });
    secrets = await startFakeSecretsManager();
    Object.assign(process.env, ENVIRONMENT, { AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint });
    ({ handler } = await import("../../../functions/influxToken/handler.ts"));
  });
  afterAll(async () => {
    process.env = saved;
    await Promise.all([influx.stop(), secrets.stop()]);
  });

  it("creates and revokes a token with the real SDK client, and never prints it", async () => {
    const props = {
      Url: influx.endpoint,
      AdminSecretArn: secrets.put(
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:influx-admin-Ab12Cd",
        adminSecretJson(),
      ),
      TokenSecretArn: secrets.put(
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:series-token-Ef34Gh",
        "",
      ),
      Organization: ORGANIZATION,
      Bucket: BUCKET,
      RetentionSeconds: "2592000",
    };
    const printed: string[] = [];
    const capture = (chunk: unknown) => {
      printed.push(String(chunk));
      return true;
    };
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(capture);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(capture);

    let created: Awaited<ReturnType<typeof handler>>;
    let token: string | undefined;
    try {
      created = await handler(createEvent(props), context);
      token = influx.authorizations()[0]?.token;
      await handler(deleteEvent(props, created.PhysicalResourceId), context);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }

    expect(token).toBeDefined();
    expect(JSON.parse(secrets.current(props.TokenSecretArn) ?? "{}")).toEqual({ token });
    expect(created.Data.AuthorizationId).toBe(created.PhysicalResourceId);
    expect(influx.authorizations()).toEqual([]);
    expect(influx.violations).toEqual([]);
    const output = printed.join("");
    expect(output).toContain('"message":"InfluxDB token created and stored"');
    expect(output).toContain('"message":"InfluxDB token revoked"');
    for (const secret of [token ?? "-", ADMIN.password, ...influx.issuedCookies()]) {
      expect(output).not.toContain(secret);
      expect(JSON.stringify(created)).not.toContain(secret);
    }
  });
});
