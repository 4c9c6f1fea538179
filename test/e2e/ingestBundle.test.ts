import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { type FakeS3, startFakeS3 } from "../support/fakeS3.ts";
import { type FakeTimestream, startFakeTimestream } from "../support/fakeTimestream.ts";
import { type BundleRun, runBundle } from "../support/runBundle.ts";
import { type SynthesizedFunction, synthesizeFunction } from "../support/synthesizedFunction.ts";

const QUARANTINE_BUCKET = "plantwatch-quarantine-test";
const NOW = Date.now();

function ruleEvent(thingName: string, payload: unknown, receivedAt = NOW) {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  return {
    payload: Buffer.from(text).toString("base64"),
    thingName,
    receivedAt,
    clientId: thingName,
  };
}

/** One CloudWatch embedded-metric-format line: metric values and dimensions are top-level keys. */
interface EmfLine {
  readonly _aws: { readonly CloudWatchMetrics: { readonly Namespace: string }[] };
  readonly [key: string]: unknown;
}

function emfLines(stdout: string): EmfLine[] {
  return stdout
    .split("\n")
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line));
}

/**
 * The deployable artifact: the ingest bundle from `cdk.out`, run in a child Node process with the
 * environment the template gives it, against fake Timestream and S3 endpoints and dynalite.
 */
describe("ingest function bundle", () => {
  let bundle: SynthesizedFunction;
  let timestream: FakeTimestream;
  let s3: FakeS3;
  let dynamo: LocalDynamo;
  let env: Record<string, string>;

  beforeAll(async () => {
    // This suite runs the bundle against the LiveAnalytics fakes: the store is pinned.
    bundle = synthesizeFunction("ingest", { series: { store: "liveanalytics" } });
    [timestream, s3, dynamo] = await Promise.all([startFakeTimestream(), startFakeS3(), startDynalite()]);
    await dynamo.client.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: { thingName: "oven-3", site: "plant-1", line: "line-2", model: "OV-9" },
      }),
    );
    const fromTemplate = Object.fromEntries(
      Object.entries(bundle.environment).filter(([, value]) => typeof value === "string"),
    ) as Record<string, string>;
    env = {
      ...fromTemplate,
      TIMESTREAM_DATABASE: "plantwatch_test",
      TIMESTREAM_TABLE: "telemetry",
      REGISTRY_TABLE: dynamo.tableName,
      QUARANTINE_BUCKET,
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "test-secret",
      AWS_LAMBDA_FUNCTION_NAME: "plantwatch-test-ingest",
      AWS_ENDPOINT_URL_TIMESTREAM_WRITE: timestream.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    };
  });

  afterAll(async () => {
    await Promise.all([timestream?.stop(), s3?.stop(), dynamo?.stop()]);
  });

  it("is the handler the template points at, with the SDK bundled in", () => {
    expect(bundle.handler).toBe("handler");
    expect(bundle.environment).toMatchObject({ POWERTOOLS_SERVICE_NAME: "ingest" });
  });

  describe("given a mix of good and bad messages", () => {
    let run: BundleRun;

    beforeAll(async () => {
      run = await runBundle(
        bundle,
        [
          {
            event: ruleEvent("oven-3", {
              ts: NOW - 1_000,
              seq: 1,
              metrics: { temperature: 262.4, running: true, mode: "AUTO" },
            }),
          },
          {
            event: ruleEvent("press-9", {
              samples: [
                { ts: NOW - 2_000, metrics: { pressure: 3, "bad-name": 1 } },
                { ts: NOW - 1_000, metrics: { pressure: 4 } },
              ],
            }),
          },
          { event: ruleEvent("oven-3", "temperature=71") },
        ],
        env,
      );
    });

    it("runs every invocation to success", () => {
      expect(run.stderr).not.toMatch(/Error|TypeError/);
      expect(run.results).toEqual([
        { ok: expect.objectContaining({ stored: 1, quarantined: {} }) },
        { ok: expect.objectContaining({ stored: 2, quarantined: { metric_name: 1 } }) },
        { ok: expect.objectContaining({ stored: 0, quarantined: { invalid_json: 1 } }) },
      ]);
    });

    it("writes multi-measure records with the registry's site and line", () => {
      const rows = timestream.rows();
      const oven = rows.find((row) => row.dimensions.device === "oven-3");

      expect(rows).toHaveLength(3);
      expect(oven).toMatchObject({
        database: "plantwatch_test",
        table: "telemetry",
        dimensions: { device: "oven-3", site: "plant-1", line: "line-2" },
        time: String(NOW - 1_000),
        version: NOW,
      });
      expect(oven?.measures).toEqual([
        { Name: "temperature", Value: "262.4", Type: "DOUBLE" },
        { Name: "running", Value: "true", Type: "BOOLEAN" },
        { Name: "mode", Value: "AUTO", Type: "VARCHAR" },
      ]);
      expect(rows.filter((row) => row.dimensions.device === "press-9").map((row) => row.dimensions)).toEqual([
        { device: "press-9" },
        { device: "press-9" },
      ]);
    });

    it("quarantines the bad metric and the bad message in the bucket, per reason and day", () => {
      const day = new Date(NOW).toISOString().slice(0, 10);
      const objects = [...s3.objects().values()].filter((object) => object.bucket === QUARANTINE_BUCKET);
      const byReason = new Map(objects.map((object) => [object.key.split("/")[1], object]));

      expect(objects.map((object) => object.key).sort()).toEqual([
        expect.stringMatching(
          new RegExp(`^quarantine/reason=invalid_json/date=${day}/[0-9a-f]{32}\\.jsonl$`),
        ),
        expect.stringMatching(new RegExp(`^quarantine/reason=metric_name/date=${day}/[0-9a-f]{32}\\.jsonl$`)),
      ]);
      expect(JSON.parse(byReason.get("reason=invalid_json")?.body ?? "{}")).toMatchObject({
        reason: "invalid_json",
        thingName: "oven-3",
        message: "temperature=71",
        receivedAt: new Date(NOW).toISOString(),
      });
      expect(JSON.parse(byReason.get("reason=metric_name")?.body ?? "{}")).toMatchObject({
        reason: "metric_name",
        thingName: "press-9",
        metric: "bad-name",
        sampleIndex: 0,
      });
    });

    it("notes lastSeen for the registered thing only", async () => {
      const { Items } = await dynamo.client.send(
        new (await import("@aws-sdk/lib-dynamodb")).ScanCommand({ TableName: dynamo.tableName }),
      );

      expect(Items).toEqual([expect.objectContaining({ thingName: "oven-3", lastSeen: NOW })]);
    });

    it("emits the C6 counts as CloudWatch embedded metrics", () => {
      const metrics = emfLines(run.stdout);
      const quarantined = metrics.filter((line) => line.Quarantined !== undefined);

      expect(metrics.filter((line) => line.MessagesReceived === 1)).toHaveLength(3);
      expect(quarantined.map((line) => [line.reason, line.Quarantined]).sort()).toEqual([
        ["invalid_json", 1],
        ["metric_name", 1],
      ]);
      expect(metrics[0]?._aws.CloudWatchMetrics[0]?.Namespace).toBe(env.POWERTOOLS_METRICS_NAMESPACE);
    });
  });

  it("fails the invocation when Timestream throttles past the deadline, so Lambda retries it", async () => {
    timestream.fail("throttling", {
      times: 10_000,
      where: (request) => request.CommonAttributes?.Dimensions?.[0]?.Value === "mill-1",
    });

    const run = await runBundle(
      bundle,
      [{ event: ruleEvent("mill-1", { metrics: { rpm: 1200 } }), remainingMs: 3_400 }],
      env,
    );

    expect(run.results).toEqual([
      { error: { name: "IngestIncompleteError", message: expect.stringContaining("1 sample") } },
    ]);
    expect(timestream.rows().filter((row) => row.dimensions.device === "mill-1")).toEqual([]);
    const unwritten = emfLines(run.stdout).find((line) => line.SamplesUnwritten !== undefined);
    expect(unwritten?.SamplesUnwritten).toBe(1);
    expect(unwritten?.StoreRetries as number).toBeGreaterThan(0);
  });

  it("refuses to start with an incomplete environment, naming what is missing", async () => {
    const { REGISTRY_TABLE: _omitted, ...incomplete } = env;

    const run = await runBundle(bundle, [{ event: ruleEvent("oven-3", { metrics: { a: 1 } }) }], incomplete);

    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain("REGISTRY_TABLE");
  });
});
