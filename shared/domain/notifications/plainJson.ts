import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_EVENT_SOURCE,
  ALARM_REMINDER_DETAIL_TYPE,
  type AlarmEventDetail,
  isReminder,
} from "../alarms/alarmEvent.ts";
import { alarmUrl, type NotificationContext } from "./notificationContext.ts";

/** The parts of an EventBridge event a generic webhook needs, under EventBridge's own names. */
export interface PlainAlarmEvent {
  /** `Alarm State Change` for a transition, `Alarm Reminder` for a reminder (whose detail has `reminder`). */
  readonly "detail-type": typeof ALARM_EVENT_DETAIL_TYPE | typeof ALARM_REMINDER_DETAIL_TYPE;
  readonly source: typeof ALARM_EVENT_SOURCE;
  /** When the transition (or reminder) happened (`state.timestamp`), not when the event was sent. */
  readonly time: string;
  readonly detail: AlarmEventDetail;
  /** The alarm's page in the console, when the deployment has one (an addition to version "1"). */
  readonly url?: string;
}

/**
 * For generic webhooks: the detail in an EventBridge-like envelope, so one receiver can take
 * both this and events forwarded from EventBridge unchanged. Receivers de-duplicate on
 * `alarmEventKey(detail)`, as for any C5 event.
 */
export function plainJson(
  detail: AlarmEventDetail,
  context: Pick<NotificationContext, "consoleUrl"> = {},
): PlainAlarmEvent {
  const url = alarmUrl(context, detail.alarmId);
  return {
    "detail-type": isReminder(detail) ? ALARM_REMINDER_DETAIL_TYPE : ALARM_EVENT_DETAIL_TYPE,
    source: ALARM_EVENT_SOURCE,
    time: detail.state.timestamp,
    detail,
    ...(url === undefined ? {} : { url }),
  };
}
