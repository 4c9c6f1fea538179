import { gunzipSync } from "node:zlib";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { S3ShardCheckpoints } from "../../../../shared/adapters/aws/s3ShardCheckpoints.ts";
import type { CheckpointedThing } from "../../../../shared/ports/shardCheckpoints.ts";
import { localS3Client } from "../../../support/awsClients.ts";
import { type FakeS3, startFakeS3 } from "../../../support/fakeS3.ts";

const BUCKET = "plantwatch-quarantine";
const SHARD = "shardId-000000000003";
const THING: CheckpointedThing = {
  doc: {
    thingName: "oven-3",
    version: 4,
    lastTelemetryAt: 1_700_000_000_000,
    alarms: {
      "oven-overheat": {
        ruleId: "oven-overheat",
        state: "NORMAL",
        since: 1,
        breaching: false,
        lastSampleTime: 9,
      },
    },
    stream: { shardId: SHARD, sequenceNumber: "49650000000000000000000000000000000000000000000000000001" },
  },
  storedVersion: 4,
  storedTelemetryAt: 1_699_999_990_000,
};

describe("S3ShardCheckpoints", () => {
  let fake: FakeS3;
  let client: S3Client;
  let checkpoints: S3ShardCheckpoints;

  beforeEach(async () => {
    fake = await startFakeS3();
    client = localS3Client(fake.endpoint);
    checkpoints = new S3ShardCheckpoints({ bucketName: BUCKET, client });
  });
  afterEach(async () => {
    await fake.stop();
  });

  it("has no tag and no checkpoint for a shard never saved", async () => {
    expect(await checkpoints.latestTag(SHARD)).toBeUndefined();
    expect(await checkpoints.load(SHARD)).toBeUndefined();
  });

  it("saves a gzipped JSON object per shard, only where none exists yet, and loads it with its tag", async () => {
    const saved = await checkpoints.save(SHARD, [THING], undefined);

    expect(saved).toEqual({ tag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
    const object = fake.objects().get(`${BUCKET}/stream-checkpoints/${SHARD}.json.gz`);
    expect(JSON.parse(gunzipSync(object?.bytes as Buffer).toString("utf8"))).toEqual({
      format: 1,
      things: [THING],
    });
    expect(fake.puts.at(-1)?.contentType).toBe("application/gzip");
    expect(await checkpoints.latestTag(SHARD)).toBe((saved as { tag: string }).tag);
    expect(await checkpoints.load(SHARD)).toEqual({ tag: (saved as { tag: string }).tag, things: [THING] });
  });

  it("saves over the checkpoint it continues, and refuses when another consumer saved since", async () => {
    const first = (await checkpoints.save(SHARD, [THING], undefined)) as { tag: string };
    const other = new S3ShardCheckpoints({ bucketName: BUCKET, client: localS3Client(fake.endpoint) });

    const second = await other.save(SHARD, [], first.tag);
    expect(second).toEqual({ tag: expect.any(String) });

    // The first consumer still holds the first tag: its memory is no longer the shard's state.
    expect(await checkpoints.save(SHARD, [THING], first.tag)).toBe("conflict");
    // A first save where one exists is refused the same way.
    expect(await checkpoints.save(SHARD, [THING], undefined)).toBe("conflict");
    expect((await checkpoints.load(SHARD))?.things).toEqual([]);
  });

  it("throws an S3 failure instead of calling it a conflict, so the batch is retried", async () => {
    fake.fail("internal", { times: 10 });

    await expect(checkpoints.save(SHARD, [THING], undefined)).rejects.toMatchObject({
      name: "InternalError",
    });
  });
});
