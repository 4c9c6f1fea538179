import type { TelemetryRuleEvent } from "../../shared/contracts/telemetryRule.ts";
import type { ReceivedMessage } from "../../shared/domain/ingest/types.ts";

/** Tolerant on purpose: a malformed event still becomes a message that is quarantined with a reason. */
export function toReceivedMessage(
  event: Partial<TelemetryRuleEvent> | null | undefined,
  now = Date.now(),
): ReceivedMessage {
  return {
    thingName: typeof event?.thingName === "string" ? event.thingName : "",
    receivedAt:
      typeof event?.receivedAt === "number" && Number.isSafeInteger(event.receivedAt)
        ? event.receivedAt
        : now,
    ...(typeof event?.clientId === "string" ? { clientId: event.clientId } : {}),
    payload: typeof event?.payload === "string" ? Buffer.from(event.payload, "base64") : new Uint8Array(0),
  };
}
