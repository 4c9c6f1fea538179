import type { AlarmStateName } from "./alarmState.ts";
import type { RuleKind, Severity } from "./rule.ts";

/** C5: EventBridge `source` and `detail-type` of alarm events, shared by publisher and infra rules. */
export const ALARM_EVENT_SOURCE = "plantwatch";
export const ALARM_EVENT_DETAIL_TYPE = "Alarm State Change";

/** C5 detail, version "1": one per state transition, never for a non-transition. */
export interface AlarmEventDetail {
  readonly version: "1";
  readonly alarmId: string;
  readonly rule: {
    readonly id: string;
    readonly name: string;
    readonly severity: Severity;
    readonly kind: RuleKind;
  };
  readonly device: { readonly thingName: string; readonly site?: string; readonly line?: string };
  readonly state: {
    readonly value: AlarmStateName;
    readonly previous: AlarmStateName;
    readonly reason: string;
    /** ISO 8601. */
    readonly timestamp: string;
  };
  /** Present for evaluated transitions. */
  readonly trigger?: {
    readonly metric: string;
    readonly value: number | string | boolean;
    readonly sampleTime: string;
  };
  /** Present for operator actions. */
  readonly actor?: { readonly id: string; readonly note?: string };
}

/**
 * A key unique per transition and the same when an event is sent again: consumers that must not
 * act twice de-duplicate on it (EventBridge delivers at least once).
 */
export function alarmEventKey(detail: AlarmEventDetail): string {
  const key = `${detail.alarmId}|${detail.state.value}|${detail.state.timestamp}`;
  return isReminder(detail) ? `${key}|reminder-${detail.reminder.number}` : key;
}

/**
 * A reminder about an alarm still ACTIVE and unacknowledged (`notify.repeat`, `notify.escalate`),
 * sent by the sweep. Not a transition, so not an `Alarm State Change`: its own detail-type, so that
 * consumers of C5 never see it unless they ask for it.
 */
export const ALARM_REMINDER_DETAIL_TYPE = "Alarm Reminder";

/**
 * The C5 detail of the alarm as it stands (`state.value` and `state.previous` are both ACTIVE,
 * `state.timestamp` is the reminder's time, `state.reason` says how long it has been unacknowledged),
 * plus what kind of reminder this is. For an escalation `rule.severity` is the escalated severity.
 */
export interface AlarmReminderDetail extends AlarmEventDetail {
  readonly reminder: {
    readonly kind: "repeat" | "escalate";
    /** ISO: when the alarm became ACTIVE. */
    readonly activeSince: string;
    /** 1 for the first reminder of this activation, then 2, 3, ... (escalations count too). */
    readonly number: number;
    /** Escalations: the rule's own severity. */
    readonly escalatedFrom?: Severity;
  };
}

export function isReminder(detail: AlarmEventDetail): detail is AlarmReminderDetail {
  return "reminder" in detail && detail.reminder !== undefined;
}
