import { checkAlarmEventDetail, checkAlarmReminderDetail } from "../shared/contracts/alarmEvent.ts";
import type { LiveEventSink } from "../shared/contracts/liveEvents.ts";
import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_REMINDER_DETAIL_TYPE,
  type AlarmEventDetail,
  isReminder,
} from "../shared/domain/alarms/alarmEvent.ts";
import type { AlarmNotifier, NotifyOutcome } from "../shared/domain/notifications/alarmNotifier.ts";
import type { EventPublisher, PublishFailure, PublishResult } from "../shared/ports/eventPublisher.ts";

/** How long one event's notification may take (the notify function's own timeout is longer). */
const NOTIFY_TIMEOUT_MS = 10_000;

export interface LocalEventBusOptions {
  /** The dashboard's feed: every event, silenced or not (transitions are recorded either way). */
  readonly live: LiveEventSink;
  /** The notify function's composition over the local adapters (console, webhook sink). */
  readonly notifier: Pick<AlarmNotifier, "notify">;
  /** An event a silence kept from the console and the webhooks. */
  readonly onSilenced: (detail: AlarmEventDetail, silenceId: string) => void;
  /** An event the notifier could not notify (a failed step, an unexpected error). */
  readonly onNotifyFailed: (detail: AlarmEventDetail, reason: string, error?: unknown) => void;
  readonly now?: () => number;
}

/**
 * The local stack's stand-in for the EventBridge bus and the notify rule: each alarm event, checked
 * against C5 as the EventBridge publisher checks it, goes to the dashboard and to the notifier, which
 * applies silences and sends the console its message and the webhooks their payloads, as on AWS.
 */
export class LocalEventBus implements EventPublisher {
  readonly #options: LocalEventBusOptions;

  constructor(options: LocalEventBusOptions) {
    this.#options = options;
  }

  async publish(details: readonly AlarmEventDetail[]): Promise<PublishResult> {
    const failures: PublishFailure[] = [];
    for (const detail of details) {
      const reminder = isReminder(detail);
      const checked = reminder ? checkAlarmReminderDetail(detail) : checkAlarmEventDetail(detail);
      if (!checked.ok) {
        failures.push({ detail, reason: `invalid detail: ${checked.problems}`, resendable: false });
        continue;
      }
      const detailType = reminder ? ALARM_REMINDER_DETAIL_TYPE : ALARM_EVENT_DETAIL_TYPE;
      this.#options.live.publish({ type: "alarm", detailType, detail: checked.detail });
      await this.#notify(detailType, checked.detail);
    }
    return { failures, retries: 0 };
  }

  /** As the notify rule's target: the event was accepted by the bus, so a failure here is only told. */
  async #notify(detailType: string, detail: AlarmEventDetail): Promise<void> {
    const now = this.#options.now ?? Date.now;
    let outcome: NotifyOutcome;
    try {
      outcome = await this.#options.notifier.notify(detailType, detail, {
        deadline: now() + NOTIFY_TIMEOUT_MS,
      });
    } catch (error) {
      this.#options.onNotifyFailed(detail, "notification failed", error);
      return;
    }
    if (outcome.status === "silenced") this.#options.onSilenced(detail, outcome.silenceId);
    if (outcome.status === "invalid")
      this.#options.onNotifyFailed(detail, `not notified: ${outcome.problems}`);
  }
}
