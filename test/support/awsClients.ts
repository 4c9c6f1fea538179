import { S3Client } from "@aws-sdk/client-s3";
import { TimestreamWriteClient } from "@aws-sdk/client-timestream-write";

/** Region and dummy credentials for SDK clients that talk to local fakes; no AWS account is involved. */
export const TEST_CLIENT_CONFIG = {
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
} as const;

/**
 * A Timestream Write client for a local endpoint. The explicit endpoint turns endpoint discovery
 * off; `maxAttempts: 1` as in production, so every retry is the adapter's own.
 */
export function localTimestreamClient(endpoint: string): TimestreamWriteClient {
  return new TimestreamWriteClient({ ...TEST_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
}

/** A path-style S3 client for a local endpoint; `maxAttempts` 1 unless the SDK's own retries are under test. */
export function localS3Client(endpoint: string, maxAttempts = 1): S3Client {
  return new S3Client({ ...TEST_CLIENT_CONFIG, endpoint, forcePathStyle: true, maxAttempts });
}
