import type { S3Client } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { S3QuarantineStore } from "../../../../shared/adapters/aws/s3QuarantineStore.ts";
import type { QuarantineEntry } from "../../../../shared/domain/ingest/types.ts";
import { localS3Client } from "../../../support/awsClients.ts";
import { type FakeS3, startFakeS3 } from "../../../support/fakeS3.ts";

const BUCKET = "plantwatch-quarantine";
const RECEIVED_AT = Date.parse("2026-11-25T12:00:00.000Z");
const KEY = /^quarantine\/reason=([a-z_]+)\/date=(\d{4}-\d{2}-\d{2})\/[0-9a-f]{32}\.jsonl$/;

function entry(overrides: Partial<QuarantineEntry> = {}): QuarantineEntry {
  return {
    reason: "schema",
    detail: "metrics: expected an object",
    thingName: "oven-3",
    receivedAt: RECEIVED_AT,
    clientId: "oven-3",
    message: '{"metrics":42}',
    messageEncoding: "utf8",
    ...overrides,
  };
}

const lines = (body: string) =>
  body
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as unknown);

describe("S3QuarantineStore", () => {
  let fake: FakeS3;
  let client: S3Client;
  let store: S3QuarantineStore;

  beforeEach(async () => {
    fake = await startFakeS3();
    client = localS3Client(fake.endpoint);
    store = new S3QuarantineStore({ bucketName: BUCKET, client });
  });
  afterEach(async () => {
    client.destroy();
    await fake.stop();
  });

  it("writes one JSON-lines object per reason and day, each line the entry with an ISO receive time", async () => {
    const schema = [entry(), entry({ thingName: "oven-4", clientId: "oven-4", message: "{}" })];
    const metricValue = entry({
      reason: "metric_value",
      detail: "temperature: NaN",
      sampleIndex: 0,
      metric: "temperature",
    });

    await store.put([schema[0] as QuarantineEntry, metricValue, schema[1] as QuarantineEntry]);

    expect(fake.puts).toHaveLength(2);
    const byReason = new Map(fake.puts.map((put) => [KEY.exec(put.key)?.[1], put]));
    for (const put of fake.puts) {
      expect(put.key).toMatch(KEY);
      expect(KEY.exec(put.key)?.[2]).toBe("2026-11-25");
      expect(put.bucket).toBe(BUCKET);
      expect(put.contentType).toBe("application/x-ndjson");
      expect(put.body.endsWith("\n")).toBe(true);
    }
    const receivedAt = "2026-11-25T12:00:00.000Z";
    expect(lines(byReason.get("schema")?.body ?? "")).toEqual(
      schema.map((line) => ({ ...line, receivedAt })),
    );
    expect(lines(byReason.get("metric_value")?.body ?? "")).toEqual([{ ...metricValue, receivedAt }]);
  });

  it("splits the entries of one reason at midnight UTC into two objects", async () => {
    const late = entry({ receivedAt: Date.parse("2026-11-25T23:59:59.999Z") });
    const early = entry({ receivedAt: Date.parse("2026-11-26T00:00:00.000Z") });

    await store.put([late, early]);

    const byDate = new Map(fake.puts.map((put) => [KEY.exec(put.key)?.[2], lines(put.body)]));
    expect([...byDate.keys()].sort()).toEqual(["2026-11-25", "2026-11-26"]);
    expect(byDate.get("2026-11-25")).toEqual([{ ...late, receivedAt: "2026-11-25T23:59:59.999Z" }]);
    expect(byDate.get("2026-11-26")).toEqual([{ ...early, receivedAt: "2026-11-26T00:00:00.000Z" }]);
  });

  it("writes the same entries to the same keys when a batch is retried", async () => {
    const entries = [entry(), entry({ reason: "ts_future", detail: "ts is 600 s after receipt" })];
    await store.put(entries);

    await store.put(entries);

    expect(fake.puts).toHaveLength(4);
    expect(new Set(fake.puts.map((put) => put.key)).size).toBe(2);
    expect(fake.objects().size).toBe(2);
  });

  it("writes different entries of one reason and day to different keys", async () => {
    await store.put([entry({ thingName: "oven-3" })]);

    await store.put([entry({ thingName: "oven-4" })]);

    expect(fake.objects().size).toBe(2);
  });

  it("puts objects under the configured prefix", async () => {
    const prefixed = new S3QuarantineStore({ bucketName: BUCKET, client, prefix: "plant-1/quarantine/" });

    await prefixed.put([entry()]);

    expect(fake.puts[0]?.key).toMatch(
      /^plant-1\/quarantine\/reason=schema\/date=2026-11-25\/[0-9a-f]{32}\.jsonl$/,
    );
  });

  it("writes nothing for no entries", async () => {
    await store.put([]);

    expect(fake.puts).toEqual([]);
  });

  it("propagates an S3 500 so the invocation is retried", async () => {
    fake.fail("internal");

    await expect(store.put([entry()])).rejects.toMatchObject({
      name: "InternalError",
      $metadata: { httpStatusCode: 500 },
    });
    expect(fake.objects().size).toBe(0);
  });

  it("propagates a 503 SlowDown", async () => {
    fake.fail("slowDown");

    await expect(store.put([entry()])).rejects.toMatchObject({
      name: "SlowDown",
      $metadata: { httpStatusCode: 503 },
    });
  });
});
