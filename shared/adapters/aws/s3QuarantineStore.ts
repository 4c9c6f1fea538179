import { PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { QUARANTINE_PREFIX } from "../../contracts/storageLayout.ts";
import type { QuarantineEntry } from "../../domain/ingest/types.ts";
import type { QuarantineStore } from "../../ports/quarantineStore.ts";
import { quarantineObjects } from "../quarantineObjects.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";

export type S3QuarantineStoreOptions = {
  readonly bucketName: string;
  readonly prefix?: string;
} & ClientOrConfig<S3Client, S3ClientConfig>;

/**
 * Quarantine in S3 as JSON Lines, one object per reason and day for each batch, under
 * `quarantine/reason={reason}/date={yyyy-mm-dd}/` (Athena- and Glue-friendly partitions).
 * Keys are content hashes, so a retried batch overwrites its own objects instead of adding copies.
 */
export class S3QuarantineStore implements QuarantineStore {
  readonly #client: S3Client;
  readonly #bucketName: string;
  readonly #prefix: string;

  constructor(options: S3QuarantineStoreOptions) {
    this.#client = options.client ?? new S3Client(options.clientConfig ?? {});
    this.#bucketName = options.bucketName;
    this.#prefix = options.prefix ?? QUARANTINE_PREFIX;
  }

  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    await Promise.all(
      quarantineObjects(entries, this.#prefix).map(({ key, body }) =>
        this.#client.send(
          new PutObjectCommand({
            Bucket: this.#bucketName,
            Key: key,
            Body: body,
            ContentType: "application/x-ndjson",
          }),
        ),
      ),
    );
  }
}
