import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { NotifyEnvironmentVariables } from "../../shared/config/operatorEnvironment.ts";
import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_EVENT_SOURCE,
  ALARM_REMINDER_DETAIL_TYPE,
} from "../../shared/domain/alarms/alarmEvent.ts";
import {
  type DeploymentFunctionProps,
  deploymentFunctionProps,
  PlantwatchFunction,
} from "./PlantwatchFunction.ts";

export interface NotifyFunctionProps extends DeploymentFunctionProps {
  readonly eventBus: events.IEventBus;
  readonly pageTopic: sns.ITopic;
  readonly notifyTopic: sns.ITopic;
  readonly silencesTable: dynamodb.ITable;
  readonly registryTable: dynamodb.ITable;
  readonly deadLetterQueue: sqs.IQueue;
  /** The key encrypting the tables, the topics, the queue and the log group. */
  readonly encryptionKey: kms.IKey;
  readonly registryCacheTtl: Duration;
  /** Names the deployment in the acknowledge command of a message. */
  readonly stackName: string;
  /** IANA time zone of the times in messages. */
  readonly timeZone: string;
  /** Base URL of the operator dashboard. @default - messages carry no link */
  readonly consoleUrl?: string;
}

/** The variables the bind calls of the constructor set, each with its permission. */
type BoundVariables = keyof Pick<
  NotifyEnvironmentVariables,
  "PAGE_TOPIC_ARN" | "NOTIFY_TOPIC_ARN" | "EVENT_BUS_NAME" | "SILENCES_TABLE" | "REGISTRY_TABLE"
>;

/** The event pattern of what notify receives: C5 transitions and the sweep's reminders. */
export const NOTIFY_EVENT_PATTERN: events.EventPattern = {
  source: [ALARM_EVENT_SOURCE],
  detailType: [ALARM_EVENT_DETAIL_TYPE, ALARM_REMINDER_DETAIL_TYPE],
};

/**
 * The notify function: alarm events from the bus -> SNS (page or notify topic) and formatted
 * `Alarm Notification` events back onto the bus for the webhook rules, unless a silence matches.
 *
 * An EventBridge rule invokes it (asynchronously): the target retries delivery for up to 6 hours, then
 * parks the event in the dead-letter queue; Lambda retries a failed run twice, then sends it there
 * too. Its role may publish to the two alarm topics, put events on the bus, read silences and devices,
 * and use the key only through DynamoDB, SNS and SQS.
 */
export class NotifyFunction extends Construct {
  readonly function: PlantwatchFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: NotifyFunctionProps) {
    super(scope, id);
    // The topic, bus and table variables are set by the bind calls below, with their permissions.
    const environment = {
      REGISTRY_CACHE_TTL_MS: String(props.registryCacheTtl.toMilliseconds()),
      STACK_NAME: props.stackName,
      PLANT_TIME_ZONE: props.timeZone,
      ...(props.consoleUrl === undefined ? {} : { CONSOLE_URL: props.consoleUrl }),
    } satisfies Omit<NotifyEnvironmentVariables, BoundVariables>;

    this.function = new PlantwatchFunction<BoundVariables>(this, "Function", {
      entry: "functions/notify/handler.ts",
      description: "plantwatch notify: alarm events -> SNS topics, webhook notifications (unless silenced)",
      serviceName: "notify",
      environment,
      ...deploymentFunctionProps(props),
    });

    const fn = this.function;
    fn.bindTopics(
      { PAGE_TOPIC_ARN: props.pageTopic, NOTIFY_TOPIC_ARN: props.notifyTopic },
      "PublishToAlarmTopics",
      ["sns:Publish"],
    );
    fn.bindEventBus("EVENT_BUS_NAME", props.eventBus, "PublishAlarmNotifications", ALARM_EVENT_SOURCE);
    // Silences are few: all of them are read and matched in memory.
    fn.bindTable("SILENCES_TABLE", props.silencesTable, "ReadSilences", [
      "dynamodb:GetItem",
      "dynamodb:Scan",
    ]);
    fn.bindTable("REGISTRY_TABLE", props.registryTable, "ReadDevices", ["dynamodb:GetItem"]);
    fn.sendFailuresTo(props.deadLetterQueue, { retryAttempts: 2, maxEventAge: Duration.hours(6) });
    fn.allowKeyUseVia(props.encryptionKey, ["dynamodb", "sns", "sqs"]);

    this.rule = new events.Rule(this, "Rule", {
      eventBus: props.eventBus,
      description: "plantwatch: alarm state changes and reminders -> notify",
      eventPattern: NOTIFY_EVENT_PATTERN,
      targets: [
        new targets.LambdaFunction(fn, {
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 20,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
  }
}
