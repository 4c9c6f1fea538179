import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_EVENT_SOURCE,
  ALARM_REMINDER_DETAIL_TYPE,
  type AlarmEventDetail,
  isReminder,
} from "../alarms/alarmEvent.ts";

/** The parts of an EventBridge event a generic webhook needs, under EventBridge's own names. */
export interface PlainAlarmEvent {
  /** `Alarm State Change` for a transition, `Alarm Reminder` for a reminder (whose detail has `reminder`). */
  readonly "detail-type": typeof ALARM_EVENT_DETAIL_TYPE | typeof ALARM_REMINDER_DETAIL_TYPE;
  readonly source: typeof ALARM_EVENT_SOURCE;
  /** When the transition (or reminder) happened (`state.timestamp`), not when the event was sent. */
  readonly time: string;
  readonly detail: AlarmEventDetail;
}

/**
 * For generic webhooks: the detail in an EventBridge-like envelope, so one receiver can take
 * both this and events forwarded from EventBridge unchanged. Receivers de-duplicate on
 * `alarmEventKey(detail)`, as for any C5 event.
 */
export function plainJson(detail: AlarmEventDetail): PlainAlarmEvent {
  return {
    "detail-type": isReminder(detail) ? ALARM_REMINDER_DETAIL_TYPE : ALARM_EVENT_DETAIL_TYPE,
    source: ALARM_EVENT_SOURCE,
    time: detail.state.timestamp,
    detail,
  };
}
