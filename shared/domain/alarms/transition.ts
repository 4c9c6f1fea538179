import type { MetricValue } from "../ingest/types.ts";
import type { Actor, AlarmStateName, OperatorAction } from "./alarmState.ts";

/** A state change of one alarm instance: what C5 events and history entries are made from. */
export interface Transition {
  readonly alarmId: string;
  readonly ruleId: string;
  readonly thingName: string;
  readonly from: AlarmStateName;
  readonly to: AlarmStateName;
  readonly reason: string;
  /** Event time of the sample, or processing time of an action or sweep. */
  readonly at: number;
  readonly trigger?: { readonly metric: string; readonly value: MetricValue; readonly sampleTime: number };
  readonly actor?: Actor;
  readonly action?: OperatorAction;
}
