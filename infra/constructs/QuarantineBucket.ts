import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { QUARANTINE_PREFIX } from "../../shared/contracts/storageLayout.ts";

export interface QuarantineBucketProps {
  readonly encryptionKey: kms.IKey;
  readonly accessLogBucket: s3.IBucket;
  readonly removalPolicy: RemovalPolicy;
  /** @default 400 days: a year of rejected data plus time to investigate it */
  readonly expiration?: Duration;
  /**
   * Stream mode: the key prefix of the stream consumer's shard checkpoints, which the bucket also
   * holds. Each batch overwrites its shard's checkpoint, so old versions go after a day, and the
   * checkpoint itself never expires (rejected data keeps its rules, now per prefix).
   * @default - no checkpoints: one rule for the whole bucket
   */
  readonly shardCheckpointPrefix?: string;
}

/**
 * Rejected data (C6): the ingest function's quarantine entries under `quarantine/` and Timestream's
 * magnetic-store rejection reports under `timestream-rejected/`. Encrypted with the deployment key,
 * TLS only, private, versioned (an entry is evidence: an overwrite or delete keeps the old version
 * for 30 days), with server access logs. In stream mode it also holds the stream consumer's shard
 * checkpoints (`shardCheckpointPrefix`).
 */
export class QuarantineBucket extends Construct {
  /** Key prefix for Timestream's magnetic-store rejected-data reports. */
  static readonly TIMESTREAM_REJECTED_PREFIX = "timestream-rejected/";

  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: QuarantineBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, "Bucket", {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: "quarantine-bucket/",
      lifecycleRules: lifecycleRules(props.expiration ?? Duration.days(400), props.shardCheckpointPrefix),
      removalPolicy: props.removalPolicy,
    });
  }
}

/**
 * Rejected data expires, a checkpoint must not: a whole-bucket rule would reach the checkpoints too
 * (of two overlapping expirations S3 honours the shorter), so with checkpoints the rejected data's
 * rule is given once per prefix of rejected data, and the checkpoints get a rule of their own.
 */
function lifecycleRules(expiration: Duration, shardCheckpointPrefix: string | undefined): s3.LifecycleRule[] {
  const rejectedData = {
    expiration,
    noncurrentVersionExpiration: Duration.days(30),
    abortIncompleteMultipartUploadAfter: Duration.days(1),
  };
  if (shardCheckpointPrefix === undefined) return [rejectedData];
  return [
    { ...rejectedData, prefix: QUARANTINE_PREFIX },
    { ...rejectedData, prefix: QuarantineBucket.TIMESTREAM_REJECTED_PREFIX },
    // A checkpoint is rewritten after every batch; only the current version is ever read.
    { prefix: shardCheckpointPrefix, noncurrentVersionExpiration: Duration.days(1) },
  ];
}
