import { type TelemetryTopic, THING_NAME_PATTERN } from "../shared/contracts/telemetryTopic.ts";

/**
 * The device policy of `infra/constructs/DevicePolicy.ts`, as the local broker applies it: a client
 * connects with its thing name as client id (on the mutual-TLS listener, the name its certificate
 * carries), and publishes only its own telemetry, to the broker topic or its Basic Ingest twin.
 */

/** How a connection reached the broker. */
export type ConnectionIdentity =
  | { readonly listener: "plain" }
  /** `certificateCn`: the common name of the client certificate the TLS handshake verified. */
  | { readonly listener: "mtls"; readonly certificateCn: string | undefined };

export type PolicyDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string };

const ALLOWED: PolicyDecision = { allowed: true };

export interface DevicePolicyScope {
  readonly topic: TelemetryTopic;
  /** The telemetry rule, whose Basic Ingest topic devices may publish to. */
  readonly telemetryRuleName: string;
}

/** `iot:Connect` on `client/${iot:Connection.Thing.ThingName}`. */
export function authorizeConnect(identity: ConnectionIdentity, clientId: string): PolicyDecision {
  if (!THING_NAME_PATTERN.test(clientId)) {
    return {
      allowed: false,
      reason: `client id "${clientId}" is not a thing name (1-128 of [a-zA-Z0-9:_-])`,
    };
  }
  if (identity.listener === "mtls" && identity.certificateCn !== clientId) {
    return {
      allowed: false,
      reason: `client id "${clientId}" differs from the certificate's CN "${identity.certificateCn ?? ""}"`,
    };
  }
  return ALLOWED;
}

/** `iot:Publish` on the thing's own telemetry topic and its Basic Ingest topic, nothing else. */
export function authorizePublish(scope: DevicePolicyScope, clientId: string, topic: string): PolicyDecision {
  if (
    topic === scope.topic.topicFor(clientId) ||
    topic === scope.topic.basicIngestTopicFor(scope.telemetryRuleName, clientId)
  ) {
    return ALLOWED;
  }
  return { allowed: false, reason: `"${clientId}" may not publish to ${topic}` };
}

/**
 * The device policy grants no subscriptions, and so does the mutual-TLS listener. The plain listener
 * is the developer's: it may watch the traffic (`mosquitto_sub -t 'dt/#'`, the presence events).
 */
export function authorizeSubscribe(identity: ConnectionIdentity, filter: string): PolicyDecision {
  if (identity.listener === "plain") return ALLOWED;
  return { allowed: false, reason: `devices may not subscribe (${filter})` };
}
