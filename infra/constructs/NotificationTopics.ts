import { Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

/** Who is subscribed to one topic. */
export interface TopicSubscribers {
  readonly email: readonly string[];
  /** E.164 phone numbers. */
  readonly sms: readonly string[];
}

export interface NotificationTopicsProps {
  readonly encryptionKey: kms.IKey;
  readonly page: TopicSubscribers;
  readonly notify: TopicSubscribers;
  readonly ops: TopicSubscribers;
  /** Every CloudWatch alarm that publishes to `ops` has a name starting with this. */
  readonly opsAlarmNamePrefix: string;
}

/**
 * The three SNS topics people subscribe to: `page` (critical and major alarms: someone is woken up),
 * `notify` (minor, warning and info) and `ops` (the deployment's own CloudWatch alarms). Encrypted
 * with the deployment key, TLS only, with the configured email and SMS subscriptions.
 *
 * The notify function publishes with its role's permissions (sns:Publish and the key through SNS).
 * CloudWatch publishes to `ops` as a service: the topic policy admits only this deployment's alarms
 * (by name prefix) in this account, and the key policy lets cloudwatch.amazonaws.com use the key to
 * do so. Email and SMS deliveries need nothing more: SNS decrypts for its own deliveries.
 */
export class NotificationTopics extends Construct {
  readonly page: sns.Topic;
  readonly notify: sns.Topic;
  readonly ops: sns.Topic;

  constructor(scope: Construct, id: string, props: NotificationTopicsProps) {
    super(scope, id);
    const topic = (topicId: string, subscribers: TopicSubscribers) => {
      const created = new sns.Topic(this, topicId, {
        // Shown as the sender of SMS messages (first characters) and emails.
        displayName: "plantwatch",
        masterKey: props.encryptionKey,
        enforceSSL: true,
      });
      for (const address of subscribers.email) {
        created.addSubscription(new subscriptions.EmailSubscription(address));
      }
      for (const number of subscribers.sms) {
        created.addSubscription(new subscriptions.SmsSubscription(number));
      }
      return created;
    };
    this.page = topic("Page", props.page);
    this.notify = topic("Notify", props.notify);
    this.ops = topic("Ops", props.ops);

    const { account, region, partition } = Stack.of(this);
    const opsAlarms = `arn:${partition}:cloudwatch:${region}:${account}:alarm:${props.opsAlarmNamePrefix}*`;
    // The topic policy (which enforceSSL creates) replaces SNS's default one, so CloudWatch, a service
    // rather than an identity of this account, is let in explicitly, and only for these alarms.
    this.ops.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowThisDeploymentsAlarmsToPublish",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.ops.topicArn],
        conditions: {
          StringEquals: { "aws:SourceAccount": account },
          ArnLike: { "aws:SourceArn": opsAlarms },
        },
      }),
    );
    // The key statement has the form AWS documents for CloudWatch alarms and SSE-KMS topics
    // (re:Post knowledge center "cloudwatch-configure-alarm-sns": principal, Decrypt and
    // GenerateDataKey*, no condition). AWS documents no condition key that CloudWatch's KMS request
    // is sure to carry, and a condition the request lacks makes every ops alarm fail to publish with
    // nothing but a line in the alarm history. Which alarms may publish is decided by the topic
    // policy above (aws:SourceArn, the documented form); `plantwatch doctor` proves the path.
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowCloudWatchAlarmsToPublishToTheOpsTopic",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      }),
    );
  }
}
