import { Duration, Fn, type RemovalPolicy, Stack } from "aws-cdk-lib";
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
  #senders: iam.Role[] | undefined;

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

  /**
   * Only `roles` (and AWS services, whose own statements name the rule they deliver for) may send:
   * a Deny in the queue policy, which no identity policy in the account can override. `dlq replay`
   * re-drives what it finds here with the operator's credentials, so a message planted by anyone
   * else (a test client, another app with `sqs:*`) must not get in. The pattern is the one AWS's
   * resource control policy examples use: a service principal has no principal ARN, an IAM caller
   * always has one.
   */
  restrictSendersTo(roles: readonly iam.Role[]): void {
    if (this.#senders !== undefined) throw new Error("the dead-letter queue's senders are already set");
    this.#senders = [...roles];
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "OnlyThisStacksSendersMaySend",
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ["sqs:SendMessage"],
        resources: [this.queue.queueArn],
        conditions: {
          BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
          ArnNotLikeIfExists: { "aws:PrincipalArn": roles.map((role) => role.roleArn) },
        },
      }),
    );
  }

  /**
   * The unique ids (AROA…) of the roles that may send, comma-separated: SQS reports a role's
   * messages with `SenderId` = `<role id>:<session>`, which `dlq replay` checks against these.
   */
  get senderIds(): string {
    if (this.#senders === undefined) throw new Error("restrictSendersTo() was not called");
    return Fn.join(
      ",",
      this.#senders.map((role) => (role.node.defaultChild as iam.CfnRole).attrRoleId),
    );
  }
}
