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
  return `${detail.alarmId}|${detail.state.value}|${detail.state.timestamp}`;
}
