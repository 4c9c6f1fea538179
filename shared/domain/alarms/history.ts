import type { Actor, AlarmStateName, OperatorAction } from "./alarmState.ts";

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
    };
