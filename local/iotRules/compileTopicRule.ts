import { assertRuleName } from "../../shared/contracts/telemetryTopic.ts";
import { IotRulePayloadError } from "./errors.ts";
import { type EvaluationContext, evaluateExpression, type IotValue } from "./evaluateExpression.ts";
import type { IotSqlStatement } from "./iotSqlSyntax.ts";
import { parseIotSql } from "./parseIotSql.ts";
import { topicMatches } from "./topicFilter.ts";

/** A message as the rules engine receives it. */
export interface RuleMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly clientId: string;
  /** Epoch milliseconds; what `timestamp()` returns. */
  readonly receivedAt: number;
}

/** What the rule hands its actions. */
export type RuleOutput = Record<string, unknown>;

export interface TopicRule {
  readonly name: string;
  readonly sql: string;
  /** The FROM clause; undefined for a rule reached only through Basic Ingest. */
  readonly topicFilter: string | undefined;
  /** Whether a message the broker delivers on `topic` triggers the rule. */
  matches(topic: string): boolean;
  /**
   * The rule's output for a message published on `message.topic`, or undefined when the topic does
   * not match or the WHERE clause is not true. Throws IotRulePayloadError where IoT Core's action
   * would fail on the payload (see `outputOf`).
   */
  evaluate(message: RuleMessage): RuleOutput | undefined;
  /**
   * The same for a Basic Ingest message, `message.topic` already without its `$aws/rules/{rule}/`
   * prefix. The FROM filter is not consulted: it is optional for rules reached only through Basic
   * Ingest (https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-reference.html).
   */
  evaluateBasicIngest(message: RuleMessage): RuleOutput | undefined;
}

export interface TopicRuleDefinition {
  readonly name: string;
  readonly sql: string;
}

/** Compiles once, when the stack starts, so unsupported SQL stops it there (UnsupportedIotSqlError). */
export function compileTopicRule({ name, sql }: TopicRuleDefinition): TopicRule {
  assertRuleName(name);
  const statement = parseIotSql(sql, name);
  const filter = statement.from;
  const matches = (topic: string) => filter !== undefined && topicMatches(filter, topic);
  return {
    name,
    sql,
    topicFilter: filter,
    matches,
    evaluate: (message) => (matches(message.topic) ? outputOf(name, statement, message) : undefined),
    evaluateBasicIngest: (message) => outputOf(name, statement, message),
  };
}

/**
 * WHERE first, then SELECT; keys whose value is Undefined are left out, as IoT's JSON serialization
 * does. A payload that is not UTF-8 JSON is raw bytes to IoT Core
 * (https://docs.aws.amazon.com/iot/latest/developerguide/binary-payloads.html): only `encode(*, ...)`
 * and functions may touch it. A statement that reads a field of it, or selects `*` of anything but a
 * JSON object, cannot produce the JSON object a Lambda action takes: that is IotRulePayloadError,
 * where IoT Core fails the action and invokes the rule's error action.
 */
function outputOf(
  ruleName: string,
  statement: IotSqlStatement,
  message: RuleMessage,
): RuleOutput | undefined {
  const payload = lazyJson(message.payload);
  const fail = (problem: string): never => {
    throw new IotRulePayloadError(ruleName, message.topic, problem);
  };
  const context: EvaluationContext = {
    topic: message.topic,
    clientId: message.clientId,
    receivedAt: message.receivedAt,
    payload: message.payload,
    field(path) {
      const document = payload();
      if (!document.isJson) return fail(`the payload is not JSON, but the rule reads "${path.join(".")}"`);
      return path.reduce<IotValue>(
        (value, key) => (isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined),
        document.value,
      );
    },
  };
  if (statement.where !== undefined && evaluateExpression(statement.where, context) !== true)
    return undefined;

  const output: RuleOutput = {};
  for (const item of statement.select) {
    if (item.kind === "all") {
      const document = payload();
      const object = document.isJson && isObject(document.value) ? document.value : undefined;
      if (object === undefined) {
        return fail(
          "SELECT * of a payload that is not a JSON object gives the action raw bytes; use encode(*, 'base64')",
        );
      }
      for (const [key, value] of Object.entries(object)) define(output, key, value);
    } else {
      define(output, item.key, evaluateExpression(item.expression, context));
    }
  }
  return output;
}

type JsonDocument = { readonly isJson: true; readonly value: IotValue } | { readonly isJson: false };

function lazyJson(payload: Uint8Array): () => JsonDocument {
  let document: JsonDocument | undefined;
  return () => {
    document ??= parseJson(payload);
    return document;
  };
}

function parseJson(payload: Uint8Array): JsonDocument {
  try {
    return { isJson: true, value: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload)) };
  } catch {
    return { isJson: false };
  }
}

function isObject(value: IotValue): value is { readonly [key: string]: IotValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A plain assignment of `__proto__` (a legal JSON key) would replace the output's prototype. */
function define(output: RuleOutput, key: string, value: unknown): void {
  if (value === undefined) return;
  Object.defineProperty(output, key, { value, enumerable: true, writable: true, configurable: true });
}
