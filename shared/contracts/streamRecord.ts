import * as z from "zod/mini";
import { ALARM_STATES } from "../domain/alarms/alarmState.ts";
import { lazy } from "../lazy.ts";
import type { TelemetryRuleEvent } from "./telemetryRule.ts";
import type { TelemetryTopic } from "./telemetryTopic.ts";

/**
 * The batched ingestion mode's stream record: the `telemetry` rule's Kinesis action puts what the
 * rule's SQL produces (the same `TelemetryRuleEvent` its Lambda actions receive in direct mode) as
 * the record's data, JSON, under the thing name as partition key, so each thing's messages stay in
 * order in one shard.
 */
export function telemetryPartitionKey(topic: TelemetryTopic): string {
  return `\${topic(${topic.thingNamePosition})}`;
}

const ruleEventSchema = lazy(() =>
  z.object({
    payload: z.string(),
    thingName: z.string(),
    receivedAt: z.number(),
    clientId: z.optional(z.string()),
  }),
);

/**
 * The rule event a record's data holds, or `undefined` when the data is not one (not UTF-8 JSON,
 * or not of that shape). Nothing but the rule writes the stream, so that means a bug or a foreign
 * producer: the caller quarantines the data as it is rather than retrying it.
 */
export function decodeTelemetryRecord(data: Uint8Array): TelemetryRuleEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
  } catch {
    return undefined;
  }
  const parsed = ruleEventSchema().safeParse(json);
  if (!parsed.success) return undefined;
  const { clientId, ...event } = parsed.data;
  return clientId === undefined ? event : { ...event, clientId };
}

/**
 * Stream mode: the alarm engine's other inputs travel on the same stream, under the thing name as
 * partition key, so that one consumer evaluates all of a thing's inputs in one order and is the only
 * writer of its alarm state. Each is a JSON object marked by `plantwatch`: the lifecycle rule's
 * presence event (`SELECT *, 'lifecycle' AS plantwatch FROM '$aws/events/presence/+/+'`), the
 * sweep's tick for a thing that may have something due, an operator action from the API.
 */
export const CONTROL_RECORD_KINDS = ["lifecycle", "tick", "action"] as const;

const controlRecordSchema = lazy(() => {
  const actor = z.object({ id: z.string(), note: z.optional(z.string()) });
  return z.union([
    z.object({
      plantwatch: z.literal("lifecycle"),
      clientId: z.string(),
      timestamp: z.number(),
      eventType: z.enum(["connected", "disconnected"]),
    }),
    z.object({ plantwatch: z.literal("tick"), thingName: z.string(), at: z.number() }),
    z.object({
      plantwatch: z.literal("action"),
      alarmId: z.string(),
      action: z.enum(["ACKNOWLEDGE", "SNOOZE", "DISABLE", "ENABLE", "RESET"]),
      actor,
      durationMs: z.optional(z.number()),
      at: z.number(),
      expected: z.optional(z.object({ state: z.enum(ALARM_STATES), since: z.optional(z.number()) })),
    }),
  ]);
});

export type ControlRecord = z.infer<ReturnType<typeof controlRecordSchema>>;

/** A control record's data, or undefined when the data is not one (then it is telemetry, or foreign). */
export function decodeControlRecord(data: Uint8Array): ControlRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
  } catch {
    return undefined;
  }
  const parsed = controlRecordSchema().safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

export function encodeControlRecord(record: ControlRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(record));
}
