import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

export interface QuarantineBucketProps {
  readonly encryptionKey: kms.IKey;
  readonly accessLogBucket: s3.IBucket;
  readonly removalPolicy: RemovalPolicy;
  /** @default 400 days: a year of rejected data plus time to investigate it */
  readonly expiration?: Duration;
}

/**
 * Rejected data (C6): the ingest function's quarantine entries under `quarantine/` and Timestream's
 * magnetic-store rejection reports under `timestream-rejected/`. Encrypted with the deployment key,
 * TLS only, private, versioned (an entry is evidence: an overwrite or delete keeps the old version
 * for 30 days), with server access logs.
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
      lifecycleRules: [
        {
          expiration: props.expiration ?? Duration.days(400),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: props.removalPolicy,
    });
  }
}
