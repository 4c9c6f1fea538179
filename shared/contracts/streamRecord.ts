import * as z from "zod/mini";
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
