import { Duration, Stack } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ALARM_EVENT_DETAIL_TYPE, ALARM_EVENT_SOURCE } from "../../shared/domain/alarms/alarmEvent.ts";

export interface AlarmEventBusProps {
  /** C5: `plantwatch` unless configured; unique per account and region. */
  readonly eventBusName: string;
  /** Encrypts the events on the bus and in the archive. */
  readonly encryptionKey: kms.IKey;
  /**
   * Where the bus puts events it cannot process (a non-retriable error such as the key disabled or
   * its policy edited), which AWS recommends for a bus on a customer-managed key: without one such
   * events are dropped silently. EventBridge encrypts for it as the service.
   */
  readonly deadLetterQueue: sqs.IQueue;
  /** How long archived alarm events can be replayed. @default 30 days */
  readonly archiveRetention?: Duration;
}

/**
 * The C5 custom event bus for alarm events, encrypted with the deployment key, and an archive of its
 * `Alarm State Change` events (also encrypted with the key) so that a consumer that missed events
 * can have them replayed. Notification routing and users' own rules attach to `bus`.
 *
 * EventBridge uses the key as a service, not through an IAM role, so the key policy lets
 * events.amazonaws.com use it, for this bus only: the encryption context of every EventBridge
 * operation names the bus (for the archive too), and the statement requires exactly that.
 *
 * The archive lives and dies with its bus (replaying needs the bus); the durable record of every
 * transition is the alarm history table.
 */
export class AlarmEventBus extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.CfnArchive;

  constructor(scope: Construct, id: string, props: AlarmEventBusProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // From the name, not the bus's attribute: the key policy cannot refer to the bus that uses the key.
    const busArn = stack.formatArn({
      service: "events",
      resource: "event-bus",
      resourceName: props.eventBusName,
    });

    this.bus = new events.EventBus(this, "Bus", {
      eventBusName: props.eventBusName,
      description: "plantwatch alarm events (C5): one Alarm State Change per transition",
      deadLetterQueue: props.deadLetterQueue,
    });
    props.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowTheAlarmBusToParkEventsItCannotProcess",
        principals: [new iam.ServicePrincipal("events.amazonaws.com")],
        actions: ["sqs:SendMessage"],
        resources: [props.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { "aws:SourceArn": busArn } },
      }),
    );
    // Set on the resource rather than through `kmsKey`: that option also adds a key-policy statement
    // granting kms:DescribeKey under an encryption-context condition DescribeKey requests never
    // carry; the statements below say exactly what EventBridge may do.
    (this.bus.node.defaultChild as events.CfnEventBus).kmsKeyIdentifier = props.encryptionKey.keyArn;

    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowEventBridgeForTheAlarmBusAndItsArchive",
        principals: [new iam.ServicePrincipal("events.amazonaws.com")],
        // ReEncrypt{From,To}: the archive's documented needs, spelled out instead of kms:ReEncrypt*.
        actions: ["kms:GenerateDataKey", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
        resources: ["*"],
        conditions: { StringEquals: { "kms:EncryptionContext:aws:events:event-bus:arn": busArn } },
      }),
    );
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowEventBridgeToDescribeTheKey",
        principals: [new iam.ServicePrincipal("events.amazonaws.com")],
        // Key metadata only (EventBridge checks the key is symmetric); a DescribeKey request carries
        // no encryption context to bind it to the bus, so it is limited to this account instead.
        actions: ["kms:DescribeKey"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": stack.account } },
      }),
    );

    this.archive = new events.CfnArchive(this, "Archive", {
      sourceArn: this.bus.eventBusArn,
      description: "plantwatch alarm events, for replay",
      eventPattern: { source: [ALARM_EVENT_SOURCE], "detail-type": [ALARM_EVENT_DETAIL_TYPE] },
      retentionDays: (props.archiveRetention ?? Duration.days(30)).toDays({ integral: true }),
      kmsKeyIdentifier: props.encryptionKey.keyArn,
    });
  }
}
