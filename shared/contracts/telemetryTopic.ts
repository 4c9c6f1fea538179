/**
 * C1: the device-side MQTT contract, defined once for the CDK stack, the IoT policy,
 * the local rule engine and the simulator.
 */

export const DEFAULT_TOPIC_ROOT = "dt/plantwatch";

/** The stage that keeps C1's own topic root; the local stack uses it too. */
export const PRODUCTION_STAGE = "prod";

/**
 * The topic root a stage gets unless configured: `dt/plantwatch` for prod, `dt/plantwatch-<stage>`
 * for every other stage, so that two stages in one account never read each other's devices (the
 * device policy, the telemetry rule and provisioned devices all follow the root).
 */
export function defaultTopicRootFor(stage: string): string {
  return stage === PRODUCTION_STAGE ? DEFAULT_TOPIC_ROOT : `${DEFAULT_TOPIC_ROOT}-${stage}`;
}

/** IoT Core thing names: 1-128 of [a-zA-Z0-9:_-]. */
export const THING_NAME_PATTERN = /^[a-zA-Z0-9:_-]{1,128}$/;

/** Topic-root levels: plain words, no wildcards, no `$` (reserved for AWS topics). */
const TOPIC_LEVEL_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** IoT rule names allow only [a-zA-Z0-9_]. */
const RULE_NAME_PATTERN = /^[a-zA-Z0-9_]{1,128}$/;

export interface TelemetryTopic {
  /** e.g. `dt/plantwatch` */
  readonly root: string;
  /** Topic filter for the rule's FROM clause: `dt/plantwatch/+/telemetry`. */
  readonly filter: string;
  /** 1-based position of the thing name for IoT SQL `topic(n)`. */
  readonly thingNamePosition: number;
  /** The concrete topic a thing publishes to. */
  topicFor(thingName: string): string;
  /** The Basic Ingest topic reaching `ruleName` directly, skipping the broker. */
  basicIngestTopicFor(ruleName: string, thingName: string): string;
  /** The thing name in a telemetry or Basic Ingest topic, or undefined if the topic is not one. */
  thingNameOf(topic: string): string | undefined;
}

export function assertTopicRoot(root: string): void {
  const levels = root.split("/");
  if (levels.length > 5 || levels.some((level) => !TOPIC_LEVEL_PATTERN.test(level))) {
    throw new Error(
      `topic root "${root}" must be 1-5 levels of [A-Za-z0-9_-] separated by "/", without wildcards or "$"`,
    );
  }
}

export function assertRuleName(ruleName: string): void {
  if (!RULE_NAME_PATTERN.test(ruleName)) {
    throw new Error(`IoT rule name "${ruleName}" may contain only letters, digits and "_"`);
  }
}

export function telemetryTopic(root: string = DEFAULT_TOPIC_ROOT): TelemetryTopic {
  assertTopicRoot(root);
  const rootLevels = root.split("/").length;
  const prefix = `${root}/`;
  const suffix = "/telemetry";
  return {
    root,
    filter: `${root}/+/telemetry`,
    thingNamePosition: rootLevels + 1,
    topicFor: (thingName) => `${prefix}${thingName}${suffix}`,
    basicIngestTopicFor: (ruleName, thingName) => `$aws/rules/${ruleName}/${prefix}${thingName}${suffix}`,
    thingNameOf(topic) {
      // Basic Ingest topics reach the rule with their `$aws/rules/{rule}/` prefix removed.
      const brokerTopic = topic.startsWith("$aws/rules/") ? topic.split("/").slice(3).join("/") : topic;
      if (!brokerTopic.startsWith(prefix) || !brokerTopic.endsWith(suffix)) return undefined;
      const thingName = brokerTopic.slice(prefix.length, -suffix.length);
      return THING_NAME_PATTERN.test(thingName) ? thingName : undefined;
    },
  };
}
