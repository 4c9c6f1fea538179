import type { TelemetryRuleEvent } from "../../shared/contracts/telemetryRule.ts";
import type { ReceivedMessage } from "../../shared/domain/ingest/types.ts";

/** Tolerant on purpose: a malformed event still becomes a message that is quarantined with a reason. */
export function toReceivedMessage(
  event: Partial<TelemetryRuleEvent> | null | undefined,
  now = Date.now(),
): ReceivedMessage {
  return {
    thingName: typeof event?.thingName === "string" ? event.thingName : "",
    receivedAt: isEpochMs(event?.receivedAt) ? event.receivedAt : now,
    ...(typeof event?.clientId === "string" ? { clientId: event.clientId } : {}),
    payload: typeof event?.payload === "string" ? Buffer.from(event.payload, "base64") : new Uint8Array(0),
  };
}

/** The latest time a JavaScript Date holds: quarantine entries are filed under the receive date. */
const MAX_EPOCH_MS = 8.64e15;

function isEpochMs(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= MAX_EPOCH_MS;
}
