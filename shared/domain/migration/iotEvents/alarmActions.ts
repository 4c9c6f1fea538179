import type { Severity } from "../../alarms/rule.ts";
import { channelFor } from "../../notifications/channelFor.ts";
import type { Note } from "./migration.ts";
import { child, descend, entries, items, type SourceNode, show } from "./sourceNode.ts";

export interface ActionNotes {
  readonly decisions: Note[];
  readonly todo: Note[];
  readonly leftOut: Note[];
}

/** Who a rule's events reach: its id and severity (the SNS topic follows the severity). */
export interface ActionTarget {
  readonly ruleId: string;
  readonly severity: Severity;
}

const TOPIC_OUTPUT = { page: "PageTopicArn", notify: "NotifyTopicArn" } as const;

function busRule(target: ActionTarget): string {
  return `an EventBridge rule on the plantwatch bus matching detail-type "Alarm State Change" and detail.rule.id "${target.ruleId}"`;
}

function field(node: SourceNode, name: string): string {
  const value = child(node, name)?.value;
  return value === undefined ? "?" : show(value);
}

/**
 * `AlarmEventActions.AlarmActions`: each action IoT Events took on a state change, and the closest
 * plantwatch equivalent. Alarm events (C5) are on the bus, so any AWS target an EventBridge rule can
 * reach is one rule away; IoT Events inputs and SiteWise properties have no equivalent.
 */
export function mapAlarmActions(
  actions: SourceNode | undefined,
  target: ActionTarget,
  notes: ActionNotes,
): void {
  const channel = channelFor(target.severity);
  for (const action of items(actions)) {
    for (const [kind, node] of entries(action)) {
      const at = node.path;
      if (child(node, "Payload") !== undefined) {
        notes.decisions.push({
          path: `${at}.Payload`,
          text: "its custom payload is not carried: targets receive the C5 alarm event detail",
        });
      }
      switch (kind.toLowerCase()) {
        case "sns":
          notes.todo.push({
            path: at,
            text: `SNS topic ${field(node, "TargetArn")}: plantwatch sends e-mail and SMS through its own topics by severity; this ${target.severity} rule goes to the ${channel} topic (stack output ${TOPIC_OUTPUT[channel]}): put the subscribers in cdk.json alarms.notify.${channel}.email/.sms, or keep your topic as the target of ${busRule(target)}`,
          });
          break;
        case "lambda":
          notes.todo.push({
            path: at,
            text: `Lambda ${field(node, "FunctionArn")}: subscribe it with ${busRule(target)}; it receives the C5 detail instead of the IoT Events alarm payload`,
          });
          break;
        case "sqs":
          notes.todo.push({
            path: at,
            text: `SQS queue ${field(node, "QueueUrl")}: make it the target of ${busRule(target)}`,
          });
          break;
        case "firehose":
          notes.todo.push({
            path: at,
            text: `Firehose stream ${field(node, "DeliveryStreamName")}: make it the target of ${busRule(target)}`,
          });
          break;
        case "dynamodb":
        case "dynamodbv2":
          notes.todo.push({
            path: at,
            text: `DynamoDB table ${field(node, "TableName")}: plantwatch records every transition in the alarm's history (plantwatch alarms show, GET /alarms/{alarmId}/history); to keep filling your table, a Lambda subscribed with ${busRule(target)}`,
          });
          break;
        case "iottopicpublish":
          notes.todo.push({
            path: at,
            text: `MQTT topic ${field(node, "MqttTopic")}: EventBridge cannot publish to IoT Core; a Lambda subscribed with ${busRule(target)} can, or a webhook (cdk.json alarms.notify.webhooks) can take the event instead`,
          });
          break;
        case "iotevents":
          notes.leftOut.push({
            path: at,
            text: `sends to the IoT Events input ${field(node, "InputName")}: plantwatch has no inputs to chain alarms into; start that processing from ${busRule(target)}`,
          });
          break;
        case "iotsitewise":
          notes.leftOut.push({
            path: at,
            text: `writes the SiteWise asset property ${field(node, "PropertyAlias")}: plantwatch does not write SiteWise; a Lambda subscribed with ${busRule(target)} can`,
          });
          break;
        default:
          notes.leftOut.push({ path: at, text: `unknown alarm action ${kind}: not carried` });
      }
    }
  }
}

/**
 * `alarmNotification` (API and `describe-alarm-model` only): e-mail and SMS to IAM Identity Center
 * users through an IoT Events-managed Lambda. plantwatch sends both through its SNS topics, whose
 * subscribers are addresses and numbers in cdk.json.
 */
export function mapNotifications(
  notification: SourceNode | undefined,
  target: ActionTarget,
  notes: ActionNotes,
): void {
  const channel = channelFor(target.severity);
  for (const action of items(
    notification === undefined ? undefined : child(notification, "notificationActions"),
  )) {
    const lambda = descend(action, "action", "lambdaAction");
    if (lambda !== undefined) {
      notes.decisions.push({
        path: lambda.path,
        text: `the notification Lambda ${field(lambda, "functionArn")} is not needed: plantwatch's notify function sends e-mail and SMS`,
      });
    }
    for (const email of items(child(action, "emailConfigurations"))) {
      const users = recipients(items(descend(email, "recipients", "to")));
      notes.todo.push({
        path: email.path,
        text: `e-mail from ${field(email, "from")} to ${users}: add their e-mail addresses to cdk.json alarms.notify.${channel}.email (this ${target.severity} rule's topic; each address confirms once)`,
      });
      const content = child(email, "content");
      if (content !== undefined) {
        notes.decisions.push({
          path: content.path,
          text: "the custom subject and message are not carried: plantwatch's e-mail names the rule, thing, value and state",
        });
      }
    }
    for (const sms of items(child(action, "smsConfigurations"))) {
      const users = recipients(items(child(sms, "recipients")));
      notes.todo.push({
        path: sms.path,
        text: `SMS to ${users}: add their phone numbers (E.164) to cdk.json alarms.notify.${channel}.sms`,
      });
      if (child(sms, "additionalMessage") !== undefined || child(sms, "senderId") !== undefined) {
        notes.decisions.push({
          path: sms.path,
          text: "the sender id and additional message are not carried: plantwatch's SMS text is fixed",
        });
      }
    }
  }
}

function recipients(list: readonly SourceNode[]): string {
  const users = list.map((recipient) => {
    const identity = child(recipient, "ssoIdentity");
    return identity === undefined
      ? show(recipient.value)
      : `user ${field(identity, "userId")} (identity store ${field(identity, "identityStoreId")})`;
  });
  return users.length === 0 ? "no recipients" : `IAM Identity Center ${users.join(", ")}`;
}
