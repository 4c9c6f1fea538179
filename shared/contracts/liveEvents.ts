/**
 * What the local stack streams to the dashboard (`GET /events`, Server-Sent Events: one
 * `event: <type>` and `data: <JSON>` per event). A hosted dashboard on AWS would get the same
 * shapes from another transport; the dashboard depends only on these types and the C7 API.
 */
import type { AlarmEventDetail } from "../domain/alarms/alarmEvent.ts";
import type { MetricValue } from "../domain/ingest/types.ts";

export type LiveEvent =
  /** An `Alarm State Change` (C5) or `Alarm Reminder` detail, as published on the bus. */
  | {
      readonly type: "alarm";
      readonly detailType: "Alarm State Change" | "Alarm Reminder";
      readonly detail: AlarmEventDetail;
    }
  /** Samples stored for a thing (after validation; quarantined ones are not here). */
  | {
      readonly type: "telemetry";
      readonly thingName: string;
      /** Epoch ms. */
      readonly receivedAt: number;
      readonly samples: readonly {
        readonly time: number;
        readonly metrics: Readonly<Record<string, MetricValue>>;
      }[];
    }
  /** A C1 lifecycle event. */
  | {
      readonly type: "connectivity";
      readonly thingName: string;
      readonly connected: boolean;
      readonly at: number;
    }
  /** A message or sample quarantined, with its C6 reason. */
  | {
      readonly type: "quarantine";
      readonly thingName?: string;
      readonly reason: string;
      readonly at: number;
    };

export type LiveEventType = LiveEvent["type"];

/** In-process fan-out of live events (the local stack's "bus" towards the dashboard). */
export interface LiveEventSink {
  publish(event: LiveEvent): void;
}
