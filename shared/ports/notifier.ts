import type { AlarmNotificationDetail } from "../contracts/alarmNotification.ts";
import type { NotificationChannel } from "../domain/notifications/channelFor.ts";
import { PlantwatchError } from "../errors.ts";

/** One message for the subscribers of a topic: e-mail and SMS text, and what filter policies see. */
export interface TopicMessage {
  readonly channel: NotificationChannel;
  /** At most 99 printable ASCII characters (SNS `Subject`). */
  readonly subject: string;
  /** Per protocol: `default` for every protocol without its own text. */
  readonly texts: { readonly default: string; readonly email: string; readonly sms: string };
  /** String attributes, for subscription filter policies (`severity`, `state`, `alarmId`, `kind`). */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface SendOptions {
  /** Epoch ms: no attempt starts after it. */
  readonly deadline: number;
}

export interface SendReport {
  /** Attempts after the first (throttling, 5xx, retryable entry errors). */
  readonly retries: number;
}

/** E-mail and SMS subscribers, by channel (SNS topics on AWS). */
export interface TopicNotifier {
  /** Throws `NotificationDeliveryError` when the message was not accepted by the deadline. */
  send(message: TopicMessage, options: SendOptions): Promise<SendReport>;
}

/** Where `Alarm Notification` events go for the webhook rules (the EventBridge bus on AWS). */
export interface NotificationEventSink {
  /** Throws `NotificationDeliveryError` when the event was not accepted by the deadline. */
  put(detail: AlarmNotificationDetail, options: SendOptions): Promise<SendReport>;
}

/**
 * A notification that was not delivered: after retries up to the deadline (`retryable`), or refused
 * in a way another attempt will not change (access denied, invalid request).
 */
export class NotificationDeliveryError extends PlantwatchError {
  readonly target: "topic" | "bus";
  readonly retries: number;

  constructor(
    target: "topic" | "bus",
    message: string,
    options: { cause?: unknown; retryable: boolean; retries: number },
  ) {
    super(message, options);
    this.name = "NotificationDeliveryError";
    this.target = target;
    this.retries = options.retries;
  }
}
