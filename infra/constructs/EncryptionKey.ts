import { type RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";

export interface EncryptionKeyProps {
  /** Shown in the KMS console. */
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The customer-managed key for every store of one deployment (Timestream, DynamoDB, SQS, S3, the
 * alarm event bus and its archive, the sweep schedule and the functions' log groups), rotated yearly.
 *
 * The key policy is CDK's default (the account may delegate use of the key through IAM, so every
 * use is visible in an identity policy) plus the grants that cannot go through IAM: CloudWatch Logs
 * encrypting this stack's log groups (here), and EventBridge encrypting the alarm bus (added by
 * `AlarmEventBus`). Timestream, DynamoDB, SQS, S3 and Scheduler use the key with the
 * caller's IAM permissions (and grants they create for themselves), so they need no statement here.
 */
export class EncryptionKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, "Key", {
      description: props.description,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });

    const { region, account, partition, stackName } = Stack.of(this);
    // The stack's log groups are unnamed, so CloudFormation names them `<stackName>-<logicalId>-<suffix>`.
    // Their ARNs cannot be listed instead: each log group refers to the key, so the key policy
    // referring to them would be a dependency cycle.
    const stackLogGroups = `arn:${partition}:logs:${region}:${account}:log-group:${stackName}-*`;
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowCloudWatchLogsForThisStacksLogGroups",
        principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
          "kms:GenerateDataKey",
          "kms:GenerateDataKeyWithoutPlaintext",
          "kms:DescribeKey",
        ],
        resources: ["*"],
        conditions: {
          ArnLike: { "kms:EncryptionContext:aws:logs:arn": stackLogGroups },
        },
      }),
    );
  }
}
