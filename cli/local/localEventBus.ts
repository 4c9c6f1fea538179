import { checkAlarmEventDetail, checkAlarmReminderDetail } from "../../shared/contracts/alarmEvent.ts";
import type { LiveEventSink } from "../../shared/contracts/liveEvents.ts";
import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_REMINDER_DETAIL_TYPE,
  type AlarmEventDetail,
  isReminder,
} from "../../shared/domain/alarms/alarmEvent.ts";
import {
  type Silence,
  type SilenceSubject,
  silenceActiveAt,
  silencing,
} from "../../shared/domain/silences/silence.ts";
import type { Clock } from "../../shared/ports/clock.ts";
import type { DeviceRegistry } from "../../shared/ports/deviceRegistry.ts";
import type { EventPublisher, PublishFailure, PublishResult } from "../../shared/ports/eventPublisher.ts";
import { eventEnvelope, type WebhookSender } from "./webhookSender.ts";

export interface LocalEventBusOptions {
  /** The dashboard's feed: every event, silenced or not (transitions are recorded either way). */
  readonly live: LiveEventSink;
  /** A checked event and the silence covering its thing, if any: the console's line. */
  readonly onEvent: (detail: AlarmEventDetail, silencedBy: string | undefined) => void;
  readonly webhooks?: WebhookSender;
  /** Every silence (expired ones too); a cached source is fine. */
  readonly silences: { list(): Promise<readonly Silence[]> };
  /** Asked only when a silence matches by site or line and the event does not name them. */
  readonly registry: Pick<DeviceRegistry, "get">;
  readonly clock: Clock;
}

/**
 * The local stack's stand-in for the EventBridge bus and what hangs off it: each alarm event,
 * checked against C5 as the EventBridge publisher checks it, goes to the dashboard, the console and
 * the webhooks. Silences keep the console and the webhooks quiet as they keep the notify function.
 * Delivery to webhooks runs apart from the engine, as EventBridge targets do, so `publish` never
 * waits for a receiver.
 */
export class LocalEventBus implements EventPublisher {
  readonly #options: LocalEventBusOptions;

  constructor(options: LocalEventBusOptions) {
    this.#options = options;
  }

  async publish(details: readonly AlarmEventDetail[]): Promise<PublishResult> {
    const failures: PublishFailure[] = [];
    // The silences as they are now, read once for all of this batch's events (not once per event).
    let silences: Promise<readonly Silence[] | undefined> | undefined;
    for (const detail of details) {
      const reminder = isReminder(detail);
      const checked = reminder ? checkAlarmReminderDetail(detail) : checkAlarmEventDetail(detail);
      if (!checked.ok) {
        failures.push({ detail, reason: `invalid detail: ${checked.problems}`, resendable: false });
        continue;
      }
      const detailType = reminder ? ALARM_REMINDER_DETAIL_TYPE : ALARM_EVENT_DETAIL_TYPE;
      this.#options.live.publish({ type: "alarm", detailType, detail: checked.detail });
      silences ??= this.#activeSilences();
      const silencedBy = await this.#silenceFor(checked.detail, await silences);
      this.#options.onEvent(checked.detail, silencedBy);
      if (silencedBy === undefined) this.#options.webhooks?.send(eventEnvelope(detailType, checked.detail));
    }
    return { failures, retries: 0 };
  }

  /** The silences active now; undefined if they cannot be read. */
  async #activeSilences(): Promise<readonly Silence[] | undefined> {
    const now = this.#options.clock.now();
    try {
      return (await this.#options.silences.list()).filter((silence) => silenceActiveAt(silence, now));
    } catch {
      return undefined;
    }
  }

  async #silenceFor(
    detail: AlarmEventDetail,
    active: readonly Silence[] | undefined,
  ): Promise<string | undefined> {
    // Silences unreadable: as the notify function, better a message too many than none.
    if (active === undefined || active.length === 0) return undefined;
    return silencing(active, await this.#subject(detail, active), this.#options.clock.now())?.id;
  }

  async #subject(detail: AlarmEventDetail, active: readonly Silence[]): Promise<SilenceSubject> {
    const { thingName, site, line } = detail.device;
    const needsLookup = active.some(
      (silence) =>
        (silence.match.site !== undefined && site === undefined) ||
        (silence.match.line !== undefined && line === undefined),
    );
    if (!needsLookup) return detail.device;
    const device = await this.#options.registry.get(thingName).catch(() => undefined);
    const where = { site: site ?? device?.site, line: line ?? device?.line };
    return {
      thingName,
      ...(where.site === undefined ? {} : { site: where.site }),
      ...(where.line === undefined ? {} : { line: where.line }),
    };
  }
}
