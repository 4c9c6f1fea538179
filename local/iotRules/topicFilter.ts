/**
 * MQTT topic filters as IoT Core applies them to rules' FROM clauses, and the reserved topics that
 * reach the rules engine without the broker (Basic Ingest).
 * https://docs.aws.amazon.com/iot/latest/developerguide/topics.html#topicfilters
 */

const BASIC_INGEST_PREFIX = "$aws/rules/";

/** Why `filter` is not a valid topic filter, or undefined when it is. */
export function topicFilterProblem(filter: string): string | undefined {
  if (filter === "") return "the topic filter is empty";
  const levels = filter.split("/");
  for (const [index, level] of levels.entries()) {
    if (level === "#" && index !== levels.length - 1) return `"#" must be the last level`;
    if (level !== "#" && level !== "+" && /[#+]/.test(level))
      return `"${level}": a wildcard must fill its level`;
  }
  // "Your devices and rules can't subscribe to Basic Ingest reserved topics" (iot-basic-ingest.html).
  if (filter.startsWith(BASIC_INGEST_PREFIX))
    return "rules cannot subscribe to Basic Ingest topics ($aws/rules/...)";
  return undefined;
}

/**
 * MQTT matching: `+` is one level, `#` the rest (including none). A filter starting with a wildcard
 * does not match topics starting with `$` (MQTT 3.1.1, 4.7.2), so reserved `$aws/...` topics reach
 * only rules whose filter names them, as with `$aws/events/presence/+/+`.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic === "" || /[#+]/.test(topic)) return false;
  if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) return false;
  const filterLevels = filter.split("/");
  const topicLevels = topic.split("/");
  for (const [index, level] of filterLevels.entries()) {
    if (level === "#") return true;
    const topicLevel = topicLevels[index];
    if (topicLevel === undefined || (level !== "+" && level !== topicLevel)) return false;
  }
  return filterLevels.length === topicLevels.length;
}

export interface BasicIngestTarget {
  readonly ruleName: string;
  /** The topic the rule sees: without the `$aws/rules/{ruleName}/` prefix. */
  readonly topic: string;
}

/**
 * The rule a Basic Ingest topic addresses and the topic the rule sees. Undefined when `topic` is not
 * a Basic Ingest topic, or names no rule or no topic after it (IoT Core drops those with a
 * `RuleNotFound` metric).
 */
export function basicIngestTarget(topic: string): BasicIngestTarget | undefined {
  if (!topic.startsWith(BASIC_INGEST_PREFIX)) return undefined;
  const rest = topic.slice(BASIC_INGEST_PREFIX.length);
  const slash = rest.indexOf("/");
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  return { ruleName: rest.slice(0, slash), topic: rest.slice(slash + 1) };
}

export function isBasicIngestTopic(topic: string): boolean {
  return topic.startsWith(BASIC_INGEST_PREFIX);
}
