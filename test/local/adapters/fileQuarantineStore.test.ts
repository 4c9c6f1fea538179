import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileQuarantineStore } from "../../../local/adapters/fileQuarantineStore.ts";
import { S3QuarantineStore } from "../../../shared/adapters/aws/s3QuarantineStore.ts";
import type { QuarantineReason } from "../../../shared/domain/ingest/quarantineReason.ts";
import type { QuarantineEntry } from "../../../shared/domain/ingest/types.ts";
import { localS3Client } from "../../support/awsClients.ts";
import { startFakeS3 } from "../../support/fakeS3.ts";

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

describe("FileQuarantineStore", () => {
  let directory: string;
  let store: FileQuarantineStore;

  /** Every file under the directory, as a `/`-separated key relative to it, with its content. */
  const files = (): Map<string, string> => {
    const found = new Map<string, string>();
    const walk = (path: string) => {
      for (const child of readdirSync(path, { withFileTypes: true })) {
        const full = join(path, child.name);
        if (child.isDirectory()) walk(full);
        else found.set(relative(directory, full).split(sep).join("/"), readFileSync(full, "utf8"));
      }
    };
    walk(directory);
    return found;
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "plantwatch-quarantine-"));
    store = new FileQuarantineStore({ directory });
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("writes one JSON-lines file per reason and day, each line the entry with an ISO receive time", async () => {
    const schema = [entry(), entry({ thingName: "oven-4", clientId: "oven-4", message: "{}" })];
    const metricValue = entry({
      reason: "metric_value",
      detail: "temperature: NaN",
      sampleIndex: 0,
      metric: "temperature",
    });

    await store.put([schema[0] as QuarantineEntry, metricValue, schema[1] as QuarantineEntry]);

    const written = files();
    expect([...written.keys()].map((key) => KEY.exec(key)?.slice(1)).sort()).toEqual([
      ["metric_value", "2026-11-25"],
      ["schema", "2026-11-25"],
    ]);
    const byReason = new Map([...written].map(([key, body]) => [KEY.exec(key)?.[1], body]));
    const receivedAt = "2026-11-25T12:00:00.000Z";
    expect(lines(byReason.get("schema") ?? "")).toEqual(schema.map((line) => ({ ...line, receivedAt })));
    expect(lines(byReason.get("metric_value") ?? "")).toEqual([{ ...metricValue, receivedAt }]);
    expect([...written.values()].every((body) => body.endsWith("\n"))).toBe(true);
  });

  it("lays out the same keys and contents as the S3 quarantine", async () => {
    const entries = [
      entry(),
      entry({ reason: "ts_future", detail: "ts is 600 s after receipt", sampleIndex: 3 }),
      entry({ reason: "invalid_json", message: "/w==", messageEncoding: "base64" }),
      entry({ receivedAt: Date.parse("2026-11-26T00:00:00.000Z") }),
    ];
    const s3 = await startFakeS3();
    const client = localS3Client(s3.endpoint);
    try {
      await new S3QuarantineStore({ bucketName: "quarantine", client }).put(entries);

      await store.put(entries);

      const objects = new Map(s3.puts.map((put) => [put.key, put.body]));
      expect(files()).toEqual(objects);
    } finally {
      client.destroy();
      await s3.stop();
    }
  });

  it("splits the entries of one reason at midnight UTC into two files", async () => {
    const late = entry({ receivedAt: Date.parse("2026-11-25T23:59:59.999Z") });
    const early = entry({ receivedAt: Date.parse("2026-11-26T00:00:00.000Z") });

    await store.put([late, early]);

    const byDate = new Map([...files()].map(([key, body]) => [KEY.exec(key)?.[2], lines(body)]));
    expect(byDate).toEqual(
      new Map([
        ["2026-11-25", [{ ...late, receivedAt: "2026-11-25T23:59:59.999Z" }]],
        ["2026-11-26", [{ ...early, receivedAt: "2026-11-26T00:00:00.000Z" }]],
      ]),
    );
  });

  it("overwrites its own files when a batch is retried, leaving nothing else behind", async () => {
    const entries = [entry(), entry({ reason: "ts_future", detail: "ts is 600 s after receipt" })];
    await store.put(entries);
    const first = files();

    await Promise.all([store.put(entries), store.put(entries)]);

    expect(files()).toEqual(first);
    expect(first.size).toBe(2);
  });

  it("writes different entries of one reason and day to different files", async () => {
    await store.put([entry({ thingName: "oven-3" })]);

    await store.put([entry({ thingName: "oven-4" })]);

    expect(files().size).toBe(2);
  });

  it("writes under the configured prefix", async () => {
    const prefixed = new FileQuarantineStore({ directory, prefix: "plant-1/quarantine/" });

    await prefixed.put([entry()]);

    expect([...files().keys()]).toEqual([expect.stringMatching(/^plant-1\/quarantine\/reason=schema\//)]);
  });

  it("writes nothing for no entries", async () => {
    await store.put([]);

    expect(files().size).toBe(0);
  });

  it("refuses a reason that is not a quarantine code rather than writing outside its directory", async () => {
    const hostile = entry({ reason: "../../escaped" as QuarantineReason });

    await expect(store.put([hostile])).rejects.toThrow(RangeError);
    expect(files().size).toBe(0);
  });

  it("propagates a failure to write, so the batch is retried", async () => {
    // A file where the quarantine directory must go.
    writeFileSync(join(directory, "quarantine"), "");

    await expect(store.put([entry()])).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
  });

  describe("list", () => {
    it("lists the files by day, then reason, with their paths, whose lines parse back to the entries", async () => {
      const entries = [
        entry({ reason: "ts_future", receivedAt: Date.parse("2026-11-26T08:00:00.000Z") }),
        entry({ reason: "schema" }),
        entry({ reason: "metric_value", metric: "temperature", sampleIndex: 0 }),
      ];
      await store.put(entries);

      const listed = await store.list();

      expect(listed.map(({ reason, date }) => [reason, date])).toEqual([
        ["metric_value", "2026-11-25"],
        ["schema", "2026-11-25"],
        ["ts_future", "2026-11-26"],
      ]);
      expect(listed.map((file) => lines(readFileSync(file.path, "utf8"))[0])).toEqual([
        { ...entries[2], receivedAt: "2026-11-25T12:00:00.000Z" },
        { ...entries[1], receivedAt: "2026-11-25T12:00:00.000Z" },
        { ...entries[0], receivedAt: "2026-11-26T08:00:00.000Z" },
      ]);
    });

    it("is empty before anything was quarantined and ignores foreign files", async () => {
      expect(await store.list()).toEqual([]);
      mkdirSync(join(directory, "quarantine", "reason=schema", "date=2026-11-25"), { recursive: true });
      mkdirSync(join(directory, "quarantine", "notes"), { recursive: true });
      writeFileSync(join(directory, "quarantine", "reason=schema", "date=2026-11-25", "README.txt"), "");

      expect(await store.list()).toEqual([]);
    });
  });
});
