import { checkAlarmEventDetail, checkAlarmReminderDetail } from "../../contracts/alarmEvent.ts";
import type { NotificationKind } from "../../contracts/alarmNotification.ts";
import { PlantwatchError } from "../../errors.ts";
import type { Clock } from "../../ports/clock.ts";
import type { DeviceRegistry } from "../../ports/deviceRegistry.ts";
import {
  NotificationDeliveryError,
  type NotificationEventSink,
  type TopicNotifier,
} from "../../ports/notifier.ts";
import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_REMINDER_DETAIL_TYPE,
  type AlarmEventDetail,
  alarmEventKey,
} from "../alarms/alarmEvent.ts";
import { type Silence, type SilenceSubject, silenceActiveAt, silencing } from "../silences/silence.ts";
import type { NotificationChannel } from "./channelFor.ts";
import type { NotificationContext } from "./notificationContext.ts";
import { planNotification } from "./notificationPlan.ts";

export interface AlarmNotifierDependencies {
  /** Every silence (expired ones too); a cached source is fine. */
  readonly silences: { list(): Promise<readonly Silence[]> };
  /** Asked only when a silence matches by site or line and the event does not name them. */
  readonly registry: Pick<DeviceRegistry, "get">;
  readonly topics: TopicNotifier;
  readonly webhooks: NotificationEventSink;
  readonly clock: Clock;
  readonly context: NotificationContext;
  /** Events whose parts were delivered, remembered per container (default 1,000). */
  readonly rememberedEvents?: number;
}

/** What became of a delivery step. */
export type StepOutcome = "sent" | "already sent" | "not needed";

export type NotifyOutcome =
  | { readonly status: "invalid"; readonly problems: string }
  | {
      readonly status: "silenced";
      readonly eventKey: string;
      readonly silenceId: string;
      readonly silencesError?: string;
    }
  | {
      readonly status: "notified";
      readonly eventKey: string;
      readonly kind: NotificationKind;
      readonly channel: NotificationChannel;
      readonly topic: StepOutcome;
      readonly webhooks: StepOutcome;
      readonly retries: number;
      /** Silences could not be read, so none was applied (better a message too many than none). */
      readonly silencesError?: string;
    };

/** At least one part of a notification was not delivered; the whole event is to be handled again. */
export class NotificationFailedError extends PlantwatchError {
  readonly eventKey: string;
  readonly failures: readonly NotificationDeliveryError[];
  /** Parts that were delivered and will not be sent again by this container. */
  readonly delivered: readonly ("topic" | "webhooks")[];

  constructor(
    eventKey: string,
    failures: readonly NotificationDeliveryError[],
    delivered: ("topic" | "webhooks")[],
  ) {
    super(
      `notification of ${eventKey} failed: ${failures.map((failure) => `${failure.target}: ${failure.message}`).join("; ")}`,
      { cause: failures[0], retryable: failures.some((failure) => failure.retryable) },
    );
    this.name = "NotificationFailedError";
    this.eventKey = eventKey;
    this.failures = failures;
    this.delivered = delivered;
  }
}

/**
 * Notifies operators of one alarm event (`Alarm State Change` or `Alarm Reminder`): checks it,
 * keeps quiet while a silence covers the thing, else sends the e-mail/SMS message to the channel's
 * topic (when `tellsOperators`) and the `Alarm Notification` event for the webhooks. The two are
 * sent independently and both are attempted before a failure is thrown, so a retry after a failed
 * step re-sends the other only if it lands on another container: each container remembers which
 * steps of which events (by `alarmEventKey`) it delivered.
 */
export class AlarmNotifier {
  readonly #deps: AlarmNotifierDependencies;
  readonly #delivered = new Map<string, Set<"topic" | "webhooks">>();
  readonly #remembered: number;

  constructor(deps: AlarmNotifierDependencies) {
    this.#deps = deps;
    this.#remembered = Math.max(1, deps.rememberedEvents ?? 1_000);
  }

  async notify(
    detailType: string,
    input: unknown,
    options: { readonly deadline: number },
  ): Promise<NotifyOutcome> {
    const checked = check(detailType, input);
    if (!checked.ok) return { status: "invalid", problems: checked.problems };
    const detail = checked.detail;
    const now = this.#deps.clock.now();

    let silences: readonly Silence[] = [];
    let silencesError: string | undefined;
    try {
      silences = (await this.#deps.silences.list()).filter((silence) => silenceActiveAt(silence, now));
    } catch (error) {
      silencesError = `${(error as Error).name}: ${(error as Error).message}`;
    }
    const silence = silencing(silences, await this.#subject(detail, silences), now);
    const extra = silencesError === undefined ? {} : { silencesError };
    if (silence)
      return { status: "silenced", eventKey: alarmEventKey(detail), silenceId: silence.id, ...extra };

    const plan = planNotification(detail, this.#deps.context);

    const done = this.#delivered.get(plan.eventKey) ?? new Set();
    const step = async (
      part: "topic" | "webhooks",
      send: (() => Promise<{ retries: number }>) | undefined,
    ): Promise<{ outcome: StepOutcome; retries: number }> => {
      if (send === undefined) return { outcome: "not needed", retries: 0 };
      if (done.has(part)) return { outcome: "already sent", retries: 0 };
      const { retries } = await send();
      done.add(part);
      return { outcome: "sent", retries };
    };
    const { topicMessage, webhookEvent } = plan;
    const [topic, webhooks] = await Promise.allSettled([
      step("topic", topicMessage && (() => this.#deps.topics.send(topicMessage, options))),
      step("webhooks", () => this.#deps.webhooks.put(webhookEvent, options)),
    ]);
    if (done.size > 0) this.#remember(plan.eventKey, done);
    if (topic.status === "rejected" || webhooks.status === "rejected") {
      const failures = (
        [
          ["topic", topic],
          ["bus", webhooks],
        ] as const
      ).flatMap(([target, result]) =>
        result.status === "rejected" ? [asDeliveryError(target, result.reason)] : [],
      );
      throw new NotificationFailedError(plan.eventKey, failures, [...done]);
    }
    return {
      status: "notified",
      eventKey: plan.eventKey,
      kind: plan.kind,
      channel: plan.channel,
      topic: topic.value.outcome,
      webhooks: webhooks.value.outcome,
      retries: topic.value.retries + webhooks.value.retries,
      ...extra,
    };
  }

  /**
   * The thing as silences see it: site and line from the event (the registry's when it was made);
   * the registry is asked only when an active silence matches on one the event does not name.
   */
  async #subject(detail: AlarmEventDetail, active: readonly Silence[]): Promise<SilenceSubject> {
    const { thingName, site, line } = detail.device;
    const needsLookup = active.some(
      (silence) =>
        (silence.match.site !== undefined && site === undefined) ||
        (silence.match.line !== undefined && line === undefined),
    );
    if (!needsLookup) return detail.device;
    try {
      const device = await this.#deps.registry.get(thingName);
      return {
        thingName,
        ...((site ?? device?.site) === undefined ? {} : { site: site ?? device?.site }),
        ...((line ?? device?.line) === undefined ? {} : { line: line ?? device?.line }),
      };
    } catch {
      // The event's own site and line, as the engine saw them, are the next best.
      return detail.device;
    }
  }

  #remember(eventKey: string, done: Set<"topic" | "webhooks">): void {
    this.#delivered.delete(eventKey);
    if (this.#delivered.size >= this.#remembered) {
      this.#delivered.delete(this.#delivered.keys().next().value as string);
    }
    this.#delivered.set(eventKey, done);
  }
}

function check(
  detailType: string,
  input: unknown,
): { ok: true; detail: AlarmEventDetail } | { ok: false; problems: string } {
  if (detailType === ALARM_EVENT_DETAIL_TYPE) return checkAlarmEventDetail(input);
  if (detailType === ALARM_REMINDER_DETAIL_TYPE) return checkAlarmReminderDetail(input);
  return {
    ok: false,
    problems: `detail-type: expected "${ALARM_EVENT_DETAIL_TYPE}" or "${ALARM_REMINDER_DETAIL_TYPE}", got ${JSON.stringify(detailType)}`,
  };
}

function asDeliveryError(target: "topic" | "bus", reason: unknown): NotificationDeliveryError {
  if (reason instanceof NotificationDeliveryError) return reason;
  const message = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  return new NotificationDeliveryError(target, `unexpected failure: ${message}`, {
    cause: reason,
    retryable: true,
    retries: 0,
  });
}
