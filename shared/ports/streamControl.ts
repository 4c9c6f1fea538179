import type { ControlRecord } from "../contracts/streamRecord.ts";
import type { StreamPosition } from "../domain/alarms/alarmState.ts";

/**
 * Stream mode: where the sweep and the API put their inputs for the alarm engine (ticks, operator
 * actions), on the telemetry stream under each thing's name, so that the stream consumer stays the
 * only writer of alarm state. Returns where each record landed, in order.
 */
export interface StreamControl {
  put(records: readonly ControlRecord[], options: { readonly deadline: number }): Promise<StreamPosition[]>;
}
