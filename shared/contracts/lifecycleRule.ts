import { assertRuleName } from "./telemetryTopic.ts";

/**
 * The `lifecycle` IoT rule: C1 connectivity events from IoT Core's reserved presence topics, for
 * offline detection. The client id is the thing name (the device policy allows no other).
 */
export const LIFECYCLE_TOPIC_FILTER = "$aws/events/presence/+/+";
export const LIFECYCLE_RULE_SQL = `SELECT * FROM '${LIFECYCLE_TOPIC_FILTER}'`;
/**
 * Stream mode: the rule puts each presence event on the telemetry stream, marked as a control
 * record (`streamRecord.ts`), so the thing's one consumer evaluates it in order with its telemetry.
 */
export const LIFECYCLE_STREAM_RULE_SQL = `SELECT *, 'lifecycle' AS plantwatch FROM '${LIFECYCLE_TOPIC_FILTER}'`;

export function lifecycleRuleName(deploymentName: string): string {
  const ruleName = `${deploymentName.replace(/[^a-zA-Z0-9_]/g, "_")}_lifecycle`;
  assertRuleName(ruleName);
  return ruleName;
}

/** What IoT Core publishes on `$aws/events/presence/{connected|disconnected}/{clientId}`. */
export interface LifecycleEvent {
  readonly clientId: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly eventType: "connected" | "disconnected";
  readonly sessionIdentifier?: string;
  readonly principalIdentifier?: string;
  readonly versionNumber?: number;
  readonly ipAddress?: string;
  readonly disconnectReason?: string;
}

export function isLifecycleEvent(event: unknown): event is LifecycleEvent {
  const candidate = event as Partial<LifecycleEvent> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    (candidate.eventType === "connected" || candidate.eventType === "disconnected") &&
    typeof candidate.clientId === "string" &&
    typeof candidate.timestamp === "number"
  );
}
