import { randomUUID } from "node:crypto";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchOperatorRoute } from "../../functions/api/protocol/routeMatch.ts";
import { createAlarmTables, createSilencesTable } from "../support/alarmTables.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { createRulesTable } from "../support/dynaliteTables.ts";
import { type FakeInflux2, startFakeInflux2 } from "../support/fakeInflux2.ts";
import { type FakeS3, startFakeS3 } from "../support/fakeS3.ts";
import { type FakeSecretsManager, startFakeSecretsManager } from "../support/fakeSecretsManager.ts";
import { type LocalInflux, startInflux } from "../support/influxServer.ts";
import { runBundle } from "../support/runBundle.ts";
import { type SynthesizedFunction, synthesizeFunction } from "../support/synthesizedFunction.ts";

/**
 * The deployable artifacts of the default configuration (series on Timestream for InfluxDB): the
 * ingest and api bundles from `cdk.out`, run in child processes with the template's environment,
 * against Debian's real InfluxDB server (1.6.7, auth off: it ignores the token header), the token
 * read from a Secrets Manager fake, and dynalite; the token resource's bundle against the InfluxDB 2
 * wire fake (1.6.7 has no /api/v2).
 */
const NOW = Date.now();
const TOKEN_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:plantwatch-series-token-Ab12Cd";
const QUARANTINE_BUCKET = "plantwatch-quarantine-test";
const AWS_RUNTIME = {
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "AKIDTEST",
  AWS_SECRET_ACCESS_KEY: "test-secret",
};

function templateEnvironment(bundle: SynthesizedFunction): Record<string, string> {
  return Object.fromEntries(
    Object.entries(bundle.environment).filter(([, value]) => typeof value === "string"),
  ) as Record<string, string>;
}

function ruleEvent(thingName: string, payload: unknown) {
  return {
    payload: Buffer.from(JSON.stringify(payload)).toString("base64"),
    thingName,
    receivedAt: NOW,
    clientId: thingName,
  };
}

function telemetryRequest(thingName: string, query: Record<string, string>) {
  return getRequest(`/devices/${thingName}/telemetry`, query);
}

function getRequest(path: string, query: Record<string, string>) {
  const match = matchOperatorRoute("GET", path);
  if (match.kind !== "route") throw new Error(`no route for ${path}`);
  return {
    version: "2.0",
    routeKey: match.route,
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { host: "abc123.execute-api.eu-west-1.amazonaws.com" },
    queryStringParameters: query,
    pathParameters: match.pathParameters,
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      http: { method: "GET", path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "test" },
      requestId: `req-${randomUUID()}`,
      routeKey: match.route,
      stage: "$default",
      time: new Date(NOW).toISOString(),
      timeEpoch: NOW,
      authorizer: { iam: { userArn: "arn:aws:iam::123456789012:user/ana", accountId: "123456789012" } },
    },
  };
}

describe("the InfluxDB bundles of the default configuration", () => {
  let ingest: SynthesizedFunction;
  let api: SynthesizedFunction;
  let influx: LocalInflux;
  let secrets: FakeSecretsManager;
  let dynamo: LocalDynamo;
  let s3: FakeS3;
  let tables: Record<string, string>;

  const seriesEnv = () => ({
    INFLUX_URL: influx.url,
    INFLUX_BUCKET: influx.database,
    INFLUX_TOKEN_SECRET_ARN: TOKEN_SECRET,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    ...AWS_RUNTIME,
  });

  beforeAll(async () => {
    ingest = synthesizeFunction("ingest");
    api = synthesizeFunction("api");
    [influx, secrets, dynamo, s3] = await Promise.all([
      startInflux({ database: "telemetry" }),
      startFakeSecretsManager(),
      startDynalite(),
      startFakeS3(),
    ]);
    secrets.put(TOKEN_SECRET, JSON.stringify({ token: "bucket-token" }));
    await dynamo.client.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: { thingName: "oven-3", site: "plant-1", line: "line 2" },
      }),
    );
    const [alarmTables, rulesTableName, silencesTableName] = await Promise.all([
      createAlarmTables(dynamo.client, "plantwatch-influx"),
      createRulesTable(dynamo, "plantwatch-influx-rules"),
      createSilencesTable(dynamo.client, "plantwatch-influx"),
    ]);
    tables = {
      ALARMS_TABLE: alarmTables.alarmsTableName,
      HISTORY_TABLE: alarmTables.historyTableName,
      RULES_TABLE: rulesTableName,
      SILENCES_TABLE: silencesTableName,
    };
  });

  afterAll(async () => {
    await Promise.all([influx?.stop(), secrets?.stop(), dynamo?.stop(), s3?.stop()]);
  });
  /** The api function's environment, as the template gives it, pointed at the local parts. */
  const apiEnv = () => ({
    ...templateEnvironment(api),
    ...seriesEnv(),
    ...tables,
    REGISTRY_TABLE: dynamo.tableName,
    EVENT_BUS_NAME: "plantwatch-test",
    AWS_LAMBDA_FUNCTION_NAME: "plantwatch-test-api",
  });
  const secretReads = () =>
    secrets.requests.filter((request) => request.operation === "GetSecretValue").length;

  it("the template gives both functions the InfluxDB variables and no Timestream ones", () => {
    for (const bundle of [ingest, api]) {
      expect(Object.keys(bundle.environment)).toEqual(
        expect.arrayContaining(["INFLUX_URL", "INFLUX_BUCKET", "INFLUX_TOKEN_SECRET_ARN"]),
      );
      expect(bundle.environment).not.toHaveProperty("TIMESTREAM_DATABASE");
    }
  });

  it("ingest stores samples in InfluxDB, reads the token once per container, and quarantines a type conflict", async () => {
    const run = await runBundle(
      ingest,
      [
        {
          event: ruleEvent("oven-3", {
            ts: NOW - 2_000,
            metrics: { temperature: 262.4, running: true, mode: "AUTO" },
          }),
        },
        // The same message again: idempotent.
        {
          event: ruleEvent("oven-3", {
            ts: NOW - 2_000,
            metrics: { temperature: 262.4, running: true, mode: "AUTO" },
          }),
        },
        // `temperature` is a float field for good: a string for it is refused by InfluxDB.
        { event: ruleEvent("oven-3", { ts: NOW - 1_000, metrics: { temperature: "hot", pressure: 3 } }) },
      ],
      {
        ...templateEnvironment(ingest),
        ...seriesEnv(),
        REGISTRY_TABLE: dynamo.tableName,
        QUARANTINE_BUCKET,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_LAMBDA_FUNCTION_NAME: "plantwatch-test-ingest",
      },
    );

    expect(run.stderr).not.toMatch(/TypeError|ReferenceError/);
    expect(run.results).toEqual([
      { ok: expect.objectContaining({ stored: 1, quarantined: {} }) },
      { ok: expect.objectContaining({ stored: 1, quarantined: {} }) },
      { ok: expect.objectContaining({ quarantined: { store_rejected: 1 } }) },
    ]);
    expect(secrets.requests.filter((request) => request.operation === "GetSecretValue")).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain("bucket-token");

    const answer = await influx.query(`SELECT * FROM "telemetry" WHERE "device" = 'oven-3'`);
    const series = answer.results[0]?.series?.[0];
    expect(series?.values).toHaveLength(1);
    const row = Object.fromEntries(
      series?.columns.map((column, index) => [column, series.values[0]?.[index]]) ?? [],
    );
    expect(row).toMatchObject({
      device: "oven-3",
      site: "plant-1",
      line: "line 2",
      temperature: 262.4,
      running: true,
      mode: "AUTO",
    });
    const rejected = [...s3.objects().values()].find((object) =>
      object.key.includes("reason=store_rejected"),
    );
    expect(JSON.parse(rejected?.body ?? "{}")).toMatchObject({
      reason: "store_rejected",
      thingName: "oven-3",
    });
    expect(rejected?.body).toMatch(/field type conflict/);
  });

  it("api answers a telemetry request from InfluxDB, raw and in buckets", async () => {
    const lines = [0, 1, 2, 3].map(
      (minute) => `telemetry,device=mixer-1 rpm=${100 + minute} ${NOW - 10 * 60_000 + minute * 60_000}`,
    );
    const written = await fetch(`${influx.url}/write?db=${influx.database}&precision=ms`, {
      method: "POST",
      body: lines.join("\n"),
    });
    expect(written.status).toBe(204);
    const from = new Date(NOW - 60 * 60_000).toISOString();
    const to = new Date(NOW + 60_000).toISOString();

    const run = await runBundle(
      api,
      [
        { event: telemetryRequest("mixer-1", { metric: "rpm", from, to }) },
        { event: telemetryRequest("mixer-1", { metric: "rpm", from, to, step: "1h" }) },
      ],
      apiEnv(),
    );

    const [raw, bucketed] = run.results.map((result) => {
      const answer = (result as { ok: { statusCode: number; body: string } }).ok;
      return { statusCode: answer.statusCode, body: JSON.parse(answer.body) };
    });
    expect(raw?.statusCode).toBe(200);
    expect(raw?.body.points.map((point: { value: number }) => point.value)).toEqual([100, 101, 102, 103]);
    expect(bucketed?.statusCode).toBe(200);
    const values = bucketed?.body.points.flatMap((point: { count: number }) => point.count);
    expect(values.reduce((sum: number, count: number) => sum + count, 0)).toBe(4);
  });

  it("api answers GET /kpis from InfluxDB: the running signal and the counter aggregated in the store", async () => {
    // oven-3 (registered on "line 2"): a sample a minute for 30 minutes, stopped from minute 10 to
    // 14, 2 parts a minute, ideal cycle unknown (no idealCycleSeconds attribute).
    const start = NOW - 40 * 60_000;
    const lines = Array.from({ length: 31 }, (_, minute) => {
      const running = minute < 10 || minute >= 15;
      return `telemetry,device=oven-3 running=${running},parts_total=${2 * minute} ${start + minute * 60_000}`;
    });
    const written = await fetch(`${influx.url}/write?db=${influx.database}&precision=ms`, {
      method: "POST",
      body: lines.join("\n"),
    });
    expect(written.status).toBe(204);
    const query = {
      device: "oven-3",
      from: new Date(start).toISOString(),
      to: new Date(start + 30 * 60_000).toISOString(),
    };

    const secretReadsBefore = secretReads();

    // One cold start: the KPIs, then telemetry, over the one token read.
    const run = await runBundle(
      api,
      [
        { event: getRequest("/kpis", query) },
        { event: telemetryRequest("oven-3", { metric: "parts_total", from: query.from, to: query.to }) },
      ],
      apiEnv(),
    );

    const [answer, telemetry] = run.results.map(
      (result) => (result as { ok: { statusCode: number; body: string } } | undefined)?.ok,
    );
    expect(answer?.statusCode, run.stderr).toBe(200);
    expect(telemetry?.statusCode, run.stderr).toBe(200);
    expect(JSON.parse(telemetry?.body ?? "{}").points).toHaveLength(30);
    expect(secretReads() - secretReadsBefore).toBe(1);
    const total = JSON.parse(answer?.body ?? "{}").selection.total;
    expect(total.facts).toMatchObject({
      runMs: 25 * 60_000,
      stopMs: 5 * 60_000,
      unknownMs: 0,
      stops: 1,
      longestStopMs: 5 * 60_000,
      // Minutes 1 to 29 each add 2; the first sample has no earlier one to count from.
      partsTotal: 58,
    });
    expect(total.availability.value).toBeCloseTo(25 / 30, 10);
    expect(total.performance).toMatchObject({ value: null });
  });
});

describe("the token resource bundle", () => {
  let bundle: SynthesizedFunction;
  let influx: FakeInflux2;
  let secrets: FakeSecretsManager;

  beforeAll(async () => {
    bundle = synthesizeFunction("influx-token");
    influx = await startFakeInflux2({
      username: "plantwatch",
      password: "Adm1nPassw0rdOnlyHere",
      organization: "plantwatch",
      buckets: [{ name: "telemetry", retentionSeconds: 0 }],
    });
    secrets = await startFakeSecretsManager();
  });
  afterAll(async () => {
    await Promise.all([influx?.stop(), secrets?.stop()]);
  });

  it("creates a bucket token into the token secret and revokes it on delete, printing neither secret", async () => {
    const adminSecret = secrets.put(
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:influx-admin-Ab12Cd",
      JSON.stringify({
        username: "plantwatch",
        password: "Adm1nPassw0rdOnlyHere",
        organization: "plantwatch",
        bucket: "telemetry",
      }),
    );
    const tokenSecret = secrets.put(TOKEN_SECRET, "placeholder");
    const properties = {
      ServiceToken: "arn:aws:lambda:eu-west-1:123456789012:function:framework",
      Url: influx.endpoint,
      AdminSecretArn: adminSecret,
      TokenSecretArn: tokenSecret,
      Organization: "plantwatch",
      Bucket: "telemetry",
      RetentionSeconds: "31536000",
    };
    const common = {
      ServiceToken: properties.ServiceToken,
      ResponseURL: "https://cloudformation-custom-resource-response.example/",
      StackId: "arn:aws:cloudformation:eu-west-1:123456789012:stack/plantwatch-dev/1",
      RequestId: "c0ffee00-0000-4000-8000-000000000001",
      LogicalResourceId: "InfluxToken",
      ResourceType: "Custom::InfluxToken",
      ResourceProperties: properties,
    };
    const env = {
      ...templateEnvironment(bundle),
      ...AWS_RUNTIME,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_LAMBDA_FUNCTION_NAME: "plantwatch-test-influx-token",
    };

    const created = await runBundle(
      bundle,
      [{ event: { ...common, RequestType: "Create" }, remainingMs: 60_000 }],
      env,
    );
    const result = created.results[0] as { ok: { PhysicalResourceId: string } };
    const authorization = influx.authorizations()[0];
    const deleted = await runBundle(
      bundle,
      [
        {
          event: { ...common, RequestType: "Delete", PhysicalResourceId: result.ok.PhysicalResourceId },
          remainingMs: 60_000,
        },
      ],
      env,
    );

    expect(result.ok.PhysicalResourceId).toBe(authorization?.id);
    expect(JSON.parse(secrets.current(tokenSecret) ?? "{}")).toEqual({ token: authorization?.token });
    expect(deleted.results).toEqual([
      { ok: expect.objectContaining({ PhysicalResourceId: authorization?.id }) },
    ]);
    expect(influx.authorizations().map((each) => each.id)).not.toContain(authorization?.id);
    const printed = created.stdout + created.stderr + deleted.stdout + deleted.stderr;
    expect(printed).not.toContain(authorization?.token ?? "no token");
    expect(printed).not.toContain("Adm1nPassw0rdOnlyHere");
  });
});
