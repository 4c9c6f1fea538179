import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from "aws-cdk-lib/cx-api";
import { Construct } from "constructs";

export interface AccessLogBucketProps {
  readonly removalPolicy: RemovalPolicy;
  /** @default 400 days */
  readonly expiration?: Duration;
}

/**
 * The destination of S3 server access logs. S3 log delivery supports only SSE-S3 on the target
 * bucket, so this is the one bucket not encrypted with the deployment's KMS key. Log delivery is
 * allowed by a bucket policy (CDK adds it per source bucket, scoped to that bucket and account).
 */
export class AccessLogBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    // Source buckets are let in by a bucket policy, not a bucket ACL (which bucket-owner-enforced
    // ownership disables). Pinned here, so it holds whatever feature flags the app sets.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    this.bucket = new s3.Bucket(this, "Bucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ expiration: props.expiration ?? Duration.days(400) }],
      removalPolicy: props.removalPolicy,
    });
  }
}
