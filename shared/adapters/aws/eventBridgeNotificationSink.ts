import {
  EventBridgeClient,
  type EventBridgeClientConfig,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import {
  ALARM_NOTIFICATION_DETAIL_TYPE,
  type AlarmNotificationDetail,
  checkAlarmNotificationDetail,
} from "../../contracts/alarmNotification.ts";
import { ALARM_EVENT_SOURCE } from "../../domain/alarms/alarmEvent.ts";
import {
  NotificationDeliveryError,
  type NotificationEventSink,
  type SendOptions,
  type SendReport,
} from "../../ports/notifier.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import { entrySize, MAX_REQUEST_BYTES } from "./eventBridgePublisher.ts";
import {
  type BackoffOptions,
  DEFAULT_BACKOFF,
  isTransient,
  isTransientErrorName,
  requestSignal,
  waitForRetry,
} from "./retry.ts";

export type EventBridgeNotificationSinkOptions = {
  readonly eventBusName: string;
  readonly backoff?: BackoffOptions;
} & ClientOrConfig<EventBridgeClient, EventBridgeClientConfig>;

/**
 * Puts `Alarm Notification` events on the plantwatch bus, one PutEvents entry each, for the webhook
 * rules. Throttling, 5xx and retryable entry failures (FailedEntryCount) are retried with jittered
 * backoff until the deadline; then, or at once for an error that retrying cannot fix (an invalid or
 * oversized detail, access denied), it throws `NotificationDeliveryError`.
 */
export class EventBridgeNotificationSink implements NotificationEventSink {
  readonly #client: EventBridgeClient;
  readonly #eventBusName: string;
  readonly #backoff: BackoffOptions;

  constructor(options: EventBridgeNotificationSinkOptions) {
    this.#client = options.client ?? new EventBridgeClient({ maxAttempts: 1, ...options.clientConfig });
    this.#eventBusName = options.eventBusName;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  async put(detail: AlarmNotificationDetail, options: SendOptions): Promise<SendReport> {
    const entry = this.#entry(detail);
    let lastFailure = "not sent";
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && !(await waitForRetry(attempt - 1, options.deadline, this.#backoff))) {
        throw new NotificationDeliveryError(
          "bus",
          `EventBridge did not accept the notification event before the deadline after ${attempt} attempt(s); last: ${lastFailure}`,
          { retryable: true, retries: attempt - 1 },
        );
      }
      const timeout = requestSignal(options.deadline, this.#backoff);
      try {
        const output = await this.#client.send(new PutEventsCommand({ Entries: [entry] }), {
          abortSignal: timeout,
        });
        const result = output.Entries?.[0];
        if (!result?.ErrorCode && (output.FailedEntryCount ?? 0) === 0) return { retries: attempt };
        lastFailure = `${result?.ErrorCode ?? "FailedEntryCount"}: ${result?.ErrorMessage ?? "entry refused"}`;
        if (result?.ErrorCode && !isTransientErrorName(result.ErrorCode)) {
          throw new NotificationDeliveryError("bus", `EventBridge refused the event: ${lastFailure}`, {
            retryable: false,
            retries: attempt,
          });
        }
      } catch (error) {
        if (error instanceof NotificationDeliveryError) throw error;
        if (!timeout.aborted && !isTransient(error)) {
          throw new NotificationDeliveryError(
            "bus",
            `EventBridge refused the event: ${(error as Error).name}: ${(error as Error).message}`,
            { cause: error, retryable: false, retries: attempt },
          );
        }
        lastFailure = timeout.aborted
          ? "no answer from EventBridge in time"
          : `${(error as Error).name}: ${(error as Error).message}`;
      }
    }
  }

  #entry(detail: AlarmNotificationDetail): PutEventsRequestEntry {
    const checked = checkAlarmNotificationDetail(detail);
    if (!checked.ok) {
      throw new NotificationDeliveryError("bus", `invalid notification detail: ${checked.problems}`, {
        retryable: false,
        retries: 0,
      });
    }
    const entry: PutEventsRequestEntry = {
      EventBusName: this.#eventBusName,
      Source: ALARM_EVENT_SOURCE,
      DetailType: ALARM_NOTIFICATION_DETAIL_TYPE,
      Detail: JSON.stringify(detail),
    };
    const size = entrySize(entry);
    if (size > MAX_REQUEST_BYTES) {
      throw new NotificationDeliveryError(
        "bus",
        `notification event too large: ${size} bytes, EventBridge accepts at most ${MAX_REQUEST_BYTES}`,
        { retryable: false, retries: 0 },
      );
    }
    return entry;
  }
}
