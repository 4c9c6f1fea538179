import type { AlarmNotificationDetail, NotificationKind } from "../../contracts/alarmNotification.ts";
import type { TopicMessage } from "../../ports/notifier.ts";
import { type AlarmEventDetail, alarmEventKey, isReminder } from "../alarms/alarmEvent.ts";
import type { AlarmStateName } from "../alarms/alarmState.ts";
import { channelFor, type NotificationChannel } from "./channelFor.ts";
import { emailBody } from "./emailBody.ts";
import type { NotificationContext } from "./notificationContext.ts";
import { pagerDutyEventBody } from "./pagerDutyEvent.ts";
import { plainJson } from "./plainJson.ts";
import { slackMessage } from "./slackMessage.ts";
import { smsText } from "./smsText.ts";
import { subject } from "./subject.ts";
import { teamsMessage } from "./teamsMessage.ts";
import { truncate } from "./text.ts";

export function notificationKindOf(detail: AlarmEventDetail): NotificationKind {
  return isReminder(detail) ? detail.reminder.kind : "transition";
}

/** States in which someone has been told about the alarm (it was raised, then perhaps answered). */
const TOLD: ReadonlySet<AlarmStateName> = new Set(["ACTIVE", "LATCHED", "ACKNOWLEDGED", "SNOOZED"]);

/**
 * Whether the e-mail and SMS subscribers hear of this event. They are people, perhaps asleep: they
 * hear of an alarm that needs them, and of every change to an alarm they were told about, so nobody
 * waits for a clear that came long ago, and of nothing else.
 *
 * | event                                                    | e-mail/SMS | why                                    |
 * | -------------------------------------------------------- | ---------- | -------------------------------------- |
 * | → ACTIVE, → LATCHED; a repeat or an escalation           | yes        | it needs someone                       |
 * | ACTIVE → ACKNOWLEDGED, → SNOOZED from a raised alarm     | yes        | the others paged learn someone is on it |
 * | → NORMAL from ACTIVE/LATCHED/ACKNOWLEDGED/SNOOZED        | yes        | cleared, reset or snooze over: go back to sleep |
 * | → DISABLED from ACTIVE/LATCHED/ACKNOWLEDGED/SNOOZED      | yes        | it will never clear now                |
 * | NORMAL → SNOOZED, NORMAL → DISABLED, DISABLED → NORMAL   | no         | housekeeping of a quiet alarm          |
 *
 * So one incident is at most: raised, answered, cleared, plus the rule's own repeats. Webhooks get
 * every event (PagerDuty needs the acknowledge and resolve to close its incident; chat keeps a log).
 * Subscribers that want less filter on the `state` and `kind` attributes.
 */
export function tellsOperators(detail: AlarmEventDetail): boolean {
  if (isReminder(detail)) return true;
  const { value, previous } = detail.state;
  return value === "ACTIVE" || value === "LATCHED" || TOLD.has(previous);
}

/** Everything the notify function sends for one alarm event. */
export interface NotificationPlan {
  /** `alarmEventKey`: the same for a redelivered event, different for each reminder. */
  readonly eventKey: string;
  readonly kind: NotificationKind;
  readonly channel: NotificationChannel;
  /** For the SNS topic of `channel`; absent when `tellsOperators` says no. */
  readonly topicMessage?: TopicMessage;
  /** The `Alarm Notification` detail for the webhook rules. */
  readonly webhookEvent: AlarmNotificationDetail;
}

/** EventBridge's limit on an entry, less room for source, detail-type and time. */
export const MAX_NOTIFICATION_DETAIL_BYTES = 256 * 1024 - 1024;
/** Free texts are cut to this when the event would be too large otherwise. */
const COMPACT_TEXT_MAX = 1000;

export function planNotification(
  detail: AlarmEventDetail,
  context: NotificationContext = {},
): NotificationPlan {
  const channel = channelFor(detail.rule.severity);
  const kind = notificationKindOf(detail);
  const eventKey = alarmEventKey(detail);
  let webhookEvent = notificationEvent(detail, context, { eventKey, kind, channel });
  if (byteLength(JSON.stringify(webhookEvent)) > MAX_NOTIFICATION_DETAIL_BYTES) {
    // Only texts no limit bounds (an operator's note, a status string) can get here; PagerDuty
    // and generic receivers carry the whole detail, so cut them there too.
    webhookEvent = notificationEvent(compact(detail), context, { eventKey, kind, channel });
  }
  return {
    eventKey,
    kind,
    channel,
    ...(tellsOperators(detail) ? { topicMessage: topicMessage(detail, context, { kind, channel }) } : {}),
    webhookEvent,
  };
}

function topicMessage(
  detail: AlarmEventDetail,
  context: NotificationContext,
  { kind, channel }: { kind: NotificationKind; channel: NotificationChannel },
): TopicMessage {
  const email = emailBody(detail, context);
  return {
    channel,
    subject: subject(detail),
    texts: { default: email, email, sms: smsText(detail, context) },
    attributes: {
      severity: detail.rule.severity,
      state: detail.state.value,
      alarmId: detail.alarmId,
      kind,
    },
  };
}

function notificationEvent(
  detail: AlarmEventDetail,
  context: NotificationContext,
  { eventKey, kind, channel }: { eventKey: string; kind: NotificationKind; channel: NotificationChannel },
): AlarmNotificationDetail {
  const { device } = detail;
  return {
    version: "1",
    alarmId: detail.alarmId,
    eventKey,
    kind,
    severity: detail.rule.severity,
    channel,
    state: detail.state.value,
    thingName: device.thingName,
    ...(device.site === undefined ? {} : { site: device.site }),
    ...(device.line === undefined ? {} : { line: device.line }),
    payloads: {
      slack: slackMessage(detail, context),
      teams: teamsMessage(detail, context),
      pagerduty: pagerDutyEventBody(
        detail,
        context.consoleUrl === undefined ? {} : { consoleUrl: context.consoleUrl },
      ),
      json: plainJson(detail, context),
    },
  };
}

/** The detail with every free text cut to `COMPACT_TEXT_MAX` code units. */
function compact(detail: AlarmEventDetail): AlarmEventDetail {
  const cut = (text: string) => truncate(text, COMPACT_TEXT_MAX);
  const { rule, device, state, trigger, actor } = detail;
  return {
    ...detail,
    rule: { ...rule, name: cut(rule.name) },
    device: {
      thingName: device.thingName,
      ...(device.site === undefined ? {} : { site: cut(device.site) }),
      ...(device.line === undefined ? {} : { line: cut(device.line) }),
    },
    state: { ...state, reason: cut(state.reason) },
    ...(trigger === undefined
      ? {}
      : {
          trigger: {
            ...trigger,
            metric: cut(trigger.metric),
            value: typeof trigger.value === "string" ? cut(trigger.value) : trigger.value,
          },
        }),
    ...(actor === undefined
      ? {}
      : {
          actor: { id: cut(actor.id), ...(actor.note === undefined ? {} : { note: cut(actor.note) }) },
        }),
  };
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
