import { Duration, type RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface DeadLetterQueueProps {
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Where messages go once retries are exhausted (C6): every function's async on-failure destination,
 * every IoT rule's error action, the sweep schedule's and every EventBridge rule target's dead
 * letters. Encrypted with the deployment key, TLS only, kept for the SQS maximum of 14 days for
 * `plantwatch dlq replay`.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly #encryptionKey: kms.IKey;
  #acceptsEventBridge = false;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.#encryptionKey = props.encryptionKey;
    this.queue = new sqs.Queue(this, "Queue", {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy,
    });
  }

  /**
   * Lets EventBridge rule targets park undeliverable events here. Each target adds to the queue policy
   * a statement for its own rule (CDK does, with `aws:SourceArn`); EventBridge sends as the service,
   * not through a role, so the key policy must let events.amazonaws.com encrypt for SQS: the two
   * actions an SQS producer needs, only under the encryption context SQS sets (the queue's ARN), for
   * queues of this account and region. The key encrypts one queue, this one, whose ARN cannot be named
   * exactly: the queue depends on the key.
   */
  acceptFromEventBridge(): void {
    if (this.#acceptsEventBridge) return;
    this.#acceptsEventBridge = true;
    const { account, region, partition } = Stack.of(this);
    this.#encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowEventBridgeToSendToTheDeadLetterQueue",
        principals: [new iam.ServicePrincipal("events.amazonaws.com")],
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: ["*"],
        conditions: {
          ArnLike: { "kms:EncryptionContext:aws:sqs:arn": `arn:${partition}:sqs:${region}:${account}:*` },
        },
      }),
    );
  }
}
