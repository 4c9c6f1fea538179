import {
  AlarmNotifier,
  type AlarmNotifierDependencies,
} from "../../shared/domain/notifications/alarmNotifier.ts";
import {
  defaultAckCommand,
  type NotificationContext,
  shellWord,
} from "../../shared/domain/notifications/notificationContext.ts";

/**
 * What the notifier needs from the world: silences and the registry to read, the e-mail/SMS topics
 * and the `Alarm Notification` sink to send to, a clock, and the deployment's context. The notify
 * function gives it SNS, EventBridge and DynamoDB; the local stack its console and webhook sink.
 */
export type NotifierPorts = AlarmNotifierDependencies;

/** Where messages send the reader: the deployment's name, its dashboard, its plant's time zone. */
export interface Deployment {
  readonly stackName: string;
  /** Base URL of the operator dashboard; none: messages carry no link. */
  readonly consoleUrl?: string;
  /** IANA time zone of the plant. */
  readonly timeZone: string;
}

/** What messages add to an event in this deployment: its console, its time zone, its stack name. */
export function notificationContextFor(deployment: Deployment): NotificationContext {
  return {
    ...(deployment.consoleUrl ? { consoleUrl: deployment.consoleUrl } : {}),
    timeZone: deployment.timeZone,
    ackCommand: (alarmId) => `${defaultAckCommand(alarmId)} --stack ${shellWord(deployment.stackName)}`,
  };
}

/**
 * The one composition of the notifier, over ports: the same silences, texts, payloads and
 * de-duplication in Lambda and in the local stack.
 */
export function createNotifier(ports: NotifierPorts): AlarmNotifier {
  return new AlarmNotifier(ports);
}
