import { describe, expect, it } from "vitest";
import { compileTopicRule, type RuleMessage } from "../../../local/iotRules/compileTopicRule.ts";
import type { IotRulePayloadError } from "../../../local/iotRules/errors.ts";
import { LocalRulesEngine } from "../../../local/iotRules/localRulesEngine.ts";
import { LIFECYCLE_RULE_SQL } from "../../../shared/contracts/lifecycleRule.ts";
import { telemetryRuleSql } from "../../../shared/contracts/telemetryRule.ts";
import { telemetryTopic } from "../../../shared/contracts/telemetryTopic.ts";

const RECEIVED_AT = Date.parse("2026-11-25T12:00:00.000Z");
const SAMPLE = JSON.stringify({ ts: 1764115200000, metrics: { temperature: 71.25 } });
const topic = telemetryTopic();

function message(topicName: string, payload = SAMPLE, clientId = "oven-3"): RuleMessage {
  return { topic: topicName, payload: new TextEncoder().encode(payload), clientId, receivedAt: RECEIVED_AT };
}

function stackEngine(
  extra: { name: string; sql: string }[] = [],
  onRuleError?: (error: IotRulePayloadError) => void,
) {
  const rules = [
    { name: "plantwatch_telemetry", sql: telemetryRuleSql(topic) },
    { name: "plantwatch_lifecycle", sql: LIFECYCLE_RULE_SQL },
    ...extra,
  ].map(compileTopicRule);
  return new LocalRulesEngine(rules, onRuleError === undefined ? {} : { onRuleError });
}

const telemetryEvent = {
  payload: Buffer.from(SAMPLE).toString("base64"),
  thingName: "oven-3",
  receivedAt: RECEIVED_AT,
  clientId: "oven-3",
};

describe("LocalRulesEngine", () => {
  it("routes a telemetry message to the telemetry rule only", () => {
    const routed = stackEngine().route(message("dt/plantwatch/oven-3/telemetry"));

    expect(routed).toStrictEqual([{ ruleName: "plantwatch_telemetry", output: telemetryEvent }]);
  });

  it("routes a lifecycle event to the lifecycle rule only", () => {
    const event = { clientId: "oven-3", timestamp: RECEIVED_AT, eventType: "disconnected" };

    const routed = stackEngine().route(
      message("$aws/events/presence/disconnected/oven-3", JSON.stringify(event), "iot-core"),
    );

    expect(routed).toStrictEqual([{ ruleName: "plantwatch_lifecycle", output: event }]);
  });

  it("routes a message to every rule it matches", () => {
    const engine = stackEngine([{ name: "audit", sql: "SELECT topic() AS t FROM 'dt/#'" }]);

    const routed = engine.route(message("dt/plantwatch/oven-3/telemetry"));

    expect(routed).toStrictEqual([
      { ruleName: "plantwatch_telemetry", output: telemetryEvent },
      { ruleName: "audit", output: { t: "dt/plantwatch/oven-3/telemetry" } },
    ]);
  });

  it("routes a Basic Ingest message to the rule it names, as if published on the rest of the topic", () => {
    const engine = stackEngine([{ name: "audit", sql: "SELECT topic() AS t FROM 'dt/#'" }]);

    const routed = engine.route(message(topic.basicIngestTopicFor("plantwatch_telemetry", "oven-3")));

    expect(routed).toStrictEqual([{ ruleName: "plantwatch_telemetry", output: telemetryEvent }]);
  });

  it("gives topic() of a Basic Ingest message without the $aws/rules/{rule}/ prefix", () => {
    // The example of https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-function-topic
    const engine = new LocalRulesEngine([
      compileTopicRule({
        name: "BuildingManager",
        sql: "SELECT topic() AS t, topic(3) AS floor FROM 'Buildings/#'",
      }),
    ]);

    const routed = engine.route(
      message("$aws/rules/BuildingManager/Buildings/Building5/Floor2/Room201/Lights", "{}"),
    );

    expect(routed).toStrictEqual([
      {
        ruleName: "BuildingManager",
        output: { t: "Buildings/Building5/Floor2/Room201/Lights", floor: "Floor2" },
      },
    ]);
  });

  it("evaluates a Basic Ingest message whatever the rule's FROM, which Basic Ingest does not consult", () => {
    const engine = new LocalRulesEngine([
      compileTopicRule({ name: "only_ingest", sql: "SELECT topic(1) AS first" }),
      compileTopicRule({ name: "elsewhere", sql: "SELECT topic(1) AS first FROM 'other/#'" }),
    ]);

    expect(engine.route(message("$aws/rules/only_ingest/x/y", "{}"))).toStrictEqual([
      { ruleName: "only_ingest", output: { first: "x" } },
    ]);
    expect(engine.route(message("$aws/rules/elsewhere/x/y", "{}"))).toStrictEqual([
      { ruleName: "elsewhere", output: { first: "x" } },
    ]);
    expect(engine.route(message("x/y", "{}"))).toStrictEqual([]);
  });

  it.each([
    "$aws/rules/no_such_rule/dt/plantwatch/oven-3/telemetry",
    "$aws/rules/plantwatch_telemetry",
    "$aws/things/oven-3/shadow/update",
    "$aws/events/subscriptions/subscribed/oven-3",
    "dt/plantwatch/oven-3/status",
  ])("routes %s nowhere", (topicName) => {
    const engine = stackEngine([{ name: "everything", sql: "SELECT topic() AS t FROM '#'" }]);

    const routed = engine.route(message(topicName));

    expect(routed.filter(({ ruleName }) => ruleName !== "everything")).toStrictEqual([]);
    expect(routed.some(({ ruleName }) => ruleName === "everything")).toBe(!topicName.startsWith("$"));
  });

  it("reports a rule that cannot take the payload and still routes the message to the others", () => {
    const errors: IotRulePayloadError[] = [];
    const engine = stackEngine([{ name: "raw", sql: "SELECT * FROM 'dt/#'" }], (error) => errors.push(error));

    const routed = engine.route(message("dt/plantwatch/oven-3/telemetry", "not json"));

    expect(routed.map(({ ruleName }) => ruleName)).toEqual(["plantwatch_telemetry"]);
    expect(errors).toMatchObject([
      { name: "IotRulePayloadError", ruleName: "raw", topic: "dt/plantwatch/oven-3/telemetry" },
    ]);
  });

  it("throws such a failure when no one listens for it", () => {
    const engine = stackEngine([{ name: "raw", sql: "SELECT * FROM 'dt/#'" }]);

    expect(() => engine.route(message("dt/plantwatch/oven-3/telemetry", "not json"))).toThrow(
      /IoT rule "raw"/,
    );
  });

  it("refuses two rules of one name", () => {
    const rule = compileTopicRule({ name: "twice", sql: "SELECT * FROM 'a'" });

    expect(() => new LocalRulesEngine([rule, rule])).toThrow(/two IoT rules are named "twice"/);
  });
});
