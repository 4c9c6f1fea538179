import { assertRuleName, type TelemetryTopic } from "./telemetryTopic.ts";

/**
 * The `telemetry` IoT rule: the SQL that the CDK stack deploys and the local stack evaluates,
 * and the shape of the event it hands to its actions.
 *
 * The payload is passed base64-encoded rather than merged with `SELECT *`, so a message that is
 * not JSON (or not UTF-8) still reaches the ingest function and is quarantined with a reason
 * instead of failing inside the rules engine (C6: nothing is lost silently).
 */
export const TELEMETRY_RULE_SQL_VERSION = "2016-03-23";

export function telemetryRuleName(deploymentName: string): string {
  const ruleName = `${deploymentName.replace(/[^a-zA-Z0-9_]/g, "_")}_telemetry`;
  assertRuleName(ruleName);
  return ruleName;
}

export function telemetryRuleSql(topic: TelemetryTopic): string {
  return [
    "SELECT encode(*, 'base64') AS payload,",
    `topic(${topic.thingNamePosition}) AS thingName,`,
    "timestamp() AS receivedAt,",
    "clientid() AS clientId",
    `FROM '${topic.filter}'`,
  ].join(" ");
}

/** What the `telemetry` rule's SQL produces for each message. */
export interface TelemetryRuleEvent {
  /** The MQTT payload, base64. */
  readonly payload: string;
  /** From the topic, never from the payload: the IoT policy binds it to the connection's thing. */
  readonly thingName: string;
  /** Epoch milliseconds at which IoT Core received the message. */
  readonly receivedAt: number;
  readonly clientId?: string;
}
