import type { AlarmEventDetail } from "./alarmEvent.ts";
import type { HistoryRecord } from "./history.ts";
import type { Severity } from "./rule.ts";

/** C4 state names, as in the retired AWS IoT Events alarm model. */
export const ALARM_STATES = ["NORMAL", "ACTIVE", "ACKNOWLEDGED", "LATCHED", "SNOOZED", "DISABLED"] as const;
export type AlarmStateName = (typeof ALARM_STATES)[number];

export const OPERATOR_ACTIONS = ["ACKNOWLEDGE", "SNOOZE", "DISABLE", "ENABLE", "RESET"] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

export interface Actor {
  /** e.g. an IAM ARN or a user name. */
  readonly id: string;
  readonly note?: string;
}

/** One alarm instance, id `{ruleId}:{thingName}`, as kept inside its thing's document. */
export interface AlarmInstance {
  readonly ruleId: string;
  readonly state: AlarmStateName;
  /** Event time (ms) of the last transition; processing time for operator actions and sweeps. */
  readonly since: number;
  /** Event time of the last sample evaluated for this alarm: samples not newer are late. */
  readonly lastSampleTime?: number;
  /** While the condition holds but has not yet for `for`/`count`: since when, and how many samples. */
  readonly pending?: { readonly since: number; readonly count: number };
  /** Whether the raise condition held at the last evaluated sample (drives clearing while ACKNOWLEDGED). */
  readonly breaching: boolean;
  /** Rate rules: the (time, value) points inside the window. */
  readonly window?: readonly (readonly [number, number])[];
  /** SNOOZED: until when (ms, processing time). */
  readonly snoozedUntil?: number;
  /** When the alarm became ACTIVE (for repeat and escalation). */
  readonly activeSince?: number;
  /** When the sweep last sent a reminder (repeat or escalation) for this activation. */
  readonly lastNotifiedAt?: number;
  readonly escalatedTo?: Severity;
  /** Reminders sent for this activation (repeats and the escalation), numbering the next one. */
  readonly remindersSent?: number;
}

/** Connectivity from the C1 lifecycle events. */
export interface Connectivity {
  readonly connected: boolean;
  /** Event time of the lifecycle event that set this. */
  readonly since: number;
}

/**
 * All alarm state of one thing, updated as one item with a version check: concurrent invocations
 * for one thing serialize here (C4).
 */
export interface ThingAlarms {
  readonly thingName: string;
  /** Incremented on every committed update; the conditional write compares it. */
  readonly version: number;
  /** Receive time (ms) of the newest telemetry message, for `offline.after`. */
  readonly lastTelemetryAt?: number;
  readonly connectivity?: Connectivity;
  readonly alarms: Readonly<Record<string, AlarmInstance>>;
  /**
   * Events committed with the state but not yet confirmed published, by event key. The invocation
   * that committed them publishes and removes them; the sweep re-sends any left behind.
   */
  readonly outbox?: Readonly<Record<string, PendingEvent>>;
  /**
   * History records committed with the state, by `alarmId` + sort key, until written to the history
   * table: the same outbox pattern, so the history never misses a committed transition.
   */
  readonly historyOutbox?: Readonly<Record<string, HistoryRecord>>;
  /** Stream mode: the last record of the telemetry stream this document reflects. */
  readonly stream?: StreamPosition;
}

/** A record's place in the telemetry stream: its shard and sequence number (a decimal string). */
export interface StreamPosition {
  readonly shardId: string;
  readonly sequenceNumber: string;
}

export interface PendingEvent {
  readonly detail: AlarmEventDetail;
  /** Processing time at commit, so the sweep can tell a stuck event from one in flight. */
  readonly committedAt: number;
}

export function alarmIdOf(ruleId: string, thingName: string): string {
  return `${ruleId}:${thingName}`;
}

export function parseAlarmId(alarmId: string): { ruleId: string; thingName: string } | undefined {
  const at = alarmId.indexOf(":");
  if (at <= 0 || at === alarmId.length - 1) return undefined;
  return { ruleId: alarmId.slice(0, at), thingName: alarmId.slice(at + 1) };
}
