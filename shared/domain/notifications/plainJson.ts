import { ALARM_EVENT_DETAIL_TYPE, ALARM_EVENT_SOURCE, type AlarmEventDetail } from "../alarms/alarmEvent.ts";

/** The parts of an EventBridge event a generic webhook needs, under EventBridge's own names. */
export interface PlainAlarmEvent {
  readonly "detail-type": typeof ALARM_EVENT_DETAIL_TYPE;
  readonly source: typeof ALARM_EVENT_SOURCE;
  /** When the transition happened (`state.timestamp`), not when the event was sent. */
  readonly time: string;
  readonly detail: AlarmEventDetail;
}

/**
 * For generic webhooks: the C5 detail in an EventBridge-like envelope, so one receiver can take
 * both this and events forwarded from EventBridge unchanged. Receivers de-duplicate on
 * `alarmEventKey(detail)`, as for any C5 event.
 */
export function plainJson(detail: AlarmEventDetail): PlainAlarmEvent {
  return {
    "detail-type": ALARM_EVENT_DETAIL_TYPE,
    source: ALARM_EVENT_SOURCE,
    time: detail.state.timestamp,
    detail,
  };
}
