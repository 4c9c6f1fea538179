import { gunzipSync, gzipSync } from "node:zlib";
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { SHARD_CHECKPOINT_PREFIX } from "../../contracts/storageLayout.ts";
import type { CheckpointedThing, ShardCheckpoint, ShardCheckpoints } from "../../ports/shardCheckpoints.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";

export type S3ShardCheckpointsOptions = {
  readonly bucketName: string;
  readonly prefix?: string;
} & ClientOrConfig<S3Client, S3ClientConfig>;

/** What a checkpoint object holds (gzipped JSON): a format version, then the shard's things. */
interface CheckpointBody {
  readonly format: 1;
  readonly things: readonly CheckpointedThing[];
}

/**
 * Shard checkpoints as one gzipped JSON object per shard. The ETag is the tag: S3's conditional
 * writes (`If-Match` the ETag this consumer loaded or saved, `If-None-Match: *` for the first) make
 * a save fail with 412 when another consumer saved since, which is what tells a consumer that its
 * memory is no longer the shard's state. A HEAD request (no body) answers `latestTag`.
 */
export class S3ShardCheckpoints implements ShardCheckpoints {
  readonly #client: S3Client;
  readonly #bucketName: string;
  readonly #prefix: string;

  constructor(options: S3ShardCheckpointsOptions) {
    this.#client = options.client ?? new S3Client(options.clientConfig ?? {});
    this.#bucketName = options.bucketName;
    this.#prefix = options.prefix ?? SHARD_CHECKPOINT_PREFIX;
  }

  async latestTag(shardId: string): Promise<string | undefined> {
    try {
      const head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucketName, Key: this.#key(shardId) }),
      );
      return head.ETag;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async load(shardId: string): Promise<ShardCheckpoint | undefined> {
    try {
      const object = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucketName, Key: this.#key(shardId) }),
      );
      const bytes = await object.Body?.transformToByteArray();
      if (!object.ETag || !bytes) return undefined;
      const body = JSON.parse(gunzipSync(bytes).toString("utf8")) as CheckpointBody;
      return { tag: object.ETag, things: body.things };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async save(
    shardId: string,
    things: readonly CheckpointedThing[],
    expectedTag: string | undefined,
  ): Promise<{ readonly tag: string } | "conflict"> {
    const body: CheckpointBody = { format: 1, things };
    try {
      const put = await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucketName,
          Key: this.#key(shardId),
          Body: gzipSync(JSON.stringify(body)),
          // Not Content-Encoding: a client that inflated on the way would hand back plain JSON.
          ContentType: "application/gzip",
          ...(expectedTag === undefined ? { IfNoneMatch: "*" } : { IfMatch: expectedTag }),
        }),
      );
      if (!put.ETag) throw new Error(`S3 returned no ETag for the checkpoint of ${shardId}`);
      return { tag: put.ETag };
    } catch (error) {
      // 412: another consumer saved since; 409: another conditional write on the key was in flight;
      // 404: the checkpoint this consumer continues was removed. Each means: not ours any more.
      if (isPreconditionFailed(error) || isMissing(error)) return "conflict";
      throw error;
    }
  }

  #key(shardId: string): string {
    return `${this.#prefix}${shardId}.json.gz`;
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function isMissing(error: unknown): boolean {
  const name = (error as Error).name;
  return name === "NoSuchKey" || name === "NotFound" || statusOf(error) === 404;
}

function isPreconditionFailed(error: unknown): boolean {
  const name = (error as Error).name;
  return (
    name === "PreconditionFailed" ||
    name === "ConditionalRequestConflict" ||
    statusOf(error) === 412 ||
    statusOf(error) === 409
  );
}
