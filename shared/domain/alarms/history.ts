import type { Actor, AlarmStateName, OperatorAction } from "./alarmState.ts";
import type { Severity } from "./rule.ts";

/** One line of an alarm's history (C4): a transition, a late sample, or an operator action. */
export type HistoryEntry =
  | {
      readonly kind: "transition";
      readonly alarmId: string;
      /** Event time of the transition. */
      readonly at: number;
      readonly from: AlarmStateName;
      readonly to: AlarmStateName;
      readonly reason: string;
      readonly trigger?: {
        readonly metric: string;
        readonly value: number | string | boolean;
        readonly sampleTime: number;
      };
      readonly actor?: Actor;
      readonly action?: OperatorAction;
    }
  | {
      readonly kind: "late";
      readonly alarmId: string;
      /** The late sample's event time. */
      readonly at: number;
      readonly metric: string;
      readonly value: number | string | boolean;
      /** The newest sample time already evaluated, which this one is not newer than. */
      readonly lastSampleTime: number;
      readonly receivedAt: number;
    }
  | {
      /** An operator action that changed no state (e.g. snoozing a snoozed alarm again). */
      readonly kind: "action";
      readonly alarmId: string;
      readonly at: number;
      readonly action: OperatorAction;
      readonly actor: Actor;
      readonly state: AlarmStateName;
      readonly detail?: string;
    }
  | {
      /** The sweep reminded about an ACTIVE, unacknowledged alarm (`notify.repeat`, `notify.escalate`). */
      readonly kind: "reminder";
      readonly alarmId: string;
      readonly at: number;
      readonly reminder: "repeat" | "escalate";
      readonly number: number;
      readonly severity: Severity;
    };

/** A history entry with its sort key: unique per alarm, and the same when the entry is written again. */
export interface HistoryRecord {
  readonly sk: string;
  readonly entry: HistoryEntry;
}

/** Sort keys start with the ISO time, so an alarm's history reads in time order. */
export function historySortKey(entry: HistoryEntry, discriminator: string): string {
  return `${new Date(entry.at).toISOString()}#${entry.kind}#${discriminator}`;
}

export function historyOutboxKey(record: HistoryRecord): string {
  return `${record.entry.alarmId}|${record.sk}`;
}
