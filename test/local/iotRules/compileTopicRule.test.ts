import { describe, expect, it } from "vitest";
import { compileTopicRule, type RuleMessage } from "../../../local/iotRules/compileTopicRule.ts";
import { IotRulePayloadError } from "../../../local/iotRules/errors.ts";
import { LIFECYCLE_RULE_SQL, type LifecycleEvent } from "../../../shared/contracts/lifecycleRule.ts";
import { type TelemetryRuleEvent, telemetryRuleSql } from "../../../shared/contracts/telemetryRule.ts";
import { telemetryTopic } from "../../../shared/contracts/telemetryTopic.ts";

const RECEIVED_AT = Date.parse("2026-11-25T12:00:00.000Z");

function message(topic: string, payload: string | Uint8Array, clientId = "oven-3"): RuleMessage {
  return {
    topic,
    payload: typeof payload === "string" ? new TextEncoder().encode(payload) : payload,
    clientId,
    receivedAt: RECEIVED_AT,
  };
}

function base64(payload: string | Uint8Array): string {
  return Buffer.from(payload).toString("base64");
}

describe("compileTopicRule with the statements the stack deploys", () => {
  const c2Sample = JSON.stringify({
    ts: 1764115200000,
    seq: 42,
    metrics: { temperature: 71.25, vibration_rms: 0.12, running: true, mode: "AUTO" },
  });
  const c2Batch = JSON.stringify({
    samples: [
      { ts: 1764115200000, metrics: { temperature: 71.25 } },
      { ts: 1764115201000, metrics: { temperature: 71.5 } },
    ],
  });

  it.each([
    {
      root: "dt/plantwatch",
      topic: "dt/plantwatch/oven-3/telemetry",
      thingName: "oven-3",
      payload: c2Sample,
    },
    {
      root: "dt/plantwatch",
      topic: "dt/plantwatch/press-7/telemetry",
      thingName: "press-7",
      payload: c2Batch,
    },
    {
      root: "acme/site-1/dt",
      topic: "acme/site-1/dt/oven:3/telemetry",
      thingName: "oven:3",
      payload: c2Sample,
    },
  ])(
    "hands the telemetry action the TelemetryRuleEvent for $topic",
    ({ root, topic, thingName, payload }) => {
      const rule = compileTopicRule({
        name: "plantwatch_telemetry",
        sql: telemetryRuleSql(telemetryTopic(root)),
      });

      const output = rule.evaluate(message(topic, payload, thingName));

      const expected: TelemetryRuleEvent = {
        payload: base64(payload),
        thingName,
        receivedAt: RECEIVED_AT,
        clientId: thingName,
      };
      expect(output).toStrictEqual(expected);
      expect(Buffer.from(String(output?.payload), "base64").toString("utf8")).toBe(payload);
    },
  );

  it.each([
    { name: "bytes that are not UTF-8", payload: new Uint8Array([0xff, 0xfe, 0x00, 0x80]) },
    { name: "text that is not JSON", payload: "temperature=71.25" },
    { name: "a JSON array", payload: "[1,2,3]" },
    { name: "nothing", payload: "" },
  ])("passes $name through base64, for ingest to quarantine", ({ payload }) => {
    const rule = compileTopicRule({ name: "plantwatch_telemetry", sql: telemetryRuleSql(telemetryTopic()) });

    const output = rule.evaluate(message("dt/plantwatch/oven-3/telemetry", payload));

    expect(output).toStrictEqual({
      payload: base64(typeof payload === "string" ? new TextEncoder().encode(payload) : payload),
      thingName: "oven-3",
      receivedAt: RECEIVED_AT,
      clientId: "oven-3",
    });
  });

  it.each([
    "dt/plantwatch/oven-3/status",
    "dt/plantwatch/oven-3/telemetry/extra",
    "dt/other/oven-3/telemetry",
    "$aws/events/presence/connected/oven-3",
  ])("ignores %s", (topic) => {
    const rule = compileTopicRule({ name: "plantwatch_telemetry", sql: telemetryRuleSql(telemetryTopic()) });

    expect(rule.matches(topic)).toBe(false);
    expect(rule.evaluate(message(topic, "{}"))).toBeUndefined();
  });

  it.each([
    {
      clientId: "oven-3",
      timestamp: 1764115200000,
      eventType: "connected",
      sessionIdentifier: "a4666d2a7d844ae4ac5d7b38c9cb7967",
      principalIdentifier: "12345678901234567890123456789012",
      ipAddress: "192.0.2.0",
      versionNumber: 0,
    },
    {
      clientId: "oven-3",
      timestamp: 1764115260000,
      eventType: "disconnected",
      sessionIdentifier: "a4666d2a7d844ae4ac5d7b38c9cb7967",
      principalIdentifier: "12345678901234567890123456789012",
      disconnectReason: "CONNECTION_LOST",
      versionNumber: 1,
    },
  ] satisfies LifecycleEvent[])("hands the lifecycle action the $eventType event unchanged", (event) => {
    const rule = compileTopicRule({ name: "plantwatch_lifecycle", sql: LIFECYCLE_RULE_SQL });

    const output = rule.evaluate(
      message(`$aws/events/presence/${event.eventType}/oven-3`, JSON.stringify(event)),
    );

    expect(output).toStrictEqual(event);
  });

  it("does not take the lifecycle rule's SELECT * for a non-JSON payload silently", () => {
    const rule = compileTopicRule({ name: "plantwatch_lifecycle", sql: LIFECYCLE_RULE_SQL });

    expect(() => rule.evaluate(message("$aws/events/presence/connected/oven-3", "not json"))).toThrow(
      IotRulePayloadError,
    );
  });
});

describe("compileTopicRule with the AWS IoT SQL reference examples", () => {
  const colour = JSON.stringify({ color: "red", temperature: 50 });

  // SELECT clause: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-select.html
  // FROM clause: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-from.html
  // WHERE clause: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-where.html
  // topic(Decimal): https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-functions.html#iot-function-topic
  it.each([
    { sql: "SELECT * FROM 'a/b'", topic: "a/b", payload: colour, output: { color: "red", temperature: 50 } },
    { sql: "SELECT color FROM 'a/b'", topic: "a/b", payload: colour, output: { color: "red" } },
    {
      sql: "SELECT color AS my_color FROM 'a/b'",
      topic: "a/b",
      payload: colour,
      output: { my_color: "red" },
    },
    {
      sql: "SELECT color as my_color, temperature as fahrenheit FROM 'a/b'",
      topic: "a/b",
      payload: colour,
      output: { my_color: "red", fahrenheit: 50 },
    },
    {
      sql: "SELECT *, 15 as speed FROM 'a/b'",
      topic: "a/b",
      payload: colour,
      output: { color: "red", temperature: 50, speed: 15 },
    },
    {
      sql: "SELECT color.red as red_value FROM 'a/b'",
      topic: "a/b",
      payload: JSON.stringify({ color: { red: 255, green: 0, blue: 0 }, temperature: 50 }),
      output: { red_value: 255 },
    },
    {
      sql: "SELECT temperature AS t FROM 'a/#'",
      topic: "a/e/f",
      payload: '{"temperature":70}',
      output: { t: 70 },
    },
    {
      sql: "SELECT temperature AS t FROM 'a/+'",
      topic: "a/c",
      payload: '{"temperature":60}',
      output: { t: 60 },
    },
    {
      sql: "SELECT color AS rgb FROM 'topic/subtopic' WHERE temperature > 50",
      topic: "topic/subtopic",
      payload: JSON.stringify({ color: "red", temperature: 100 }),
      output: { rgb: "red" },
    },
    {
      sql: "SELECT topic() AS t, topic(1) AS first FROM 'things/#'",
      topic: "things/myThings/thingOne",
      payload: "{}",
      output: { t: "things/myThings/thingOne", first: "things" },
    },
    {
      sql: "SELECT encode(*, 'base64') AS data, timestamp() AS ts FROM 'a/b'",
      topic: "a/b",
      payload: new Uint8Array([0, 1, 2, 255]),
      output: { data: "AAEC/w==", ts: RECEIVED_AT },
    },
    {
      sql: "SELECT * FROM 'a/b' WHERE clientid() = 'sensor-1'",
      topic: "a/b",
      payload: '{"x":1}',
      output: { x: 1 },
    },
  ])("evaluates $sql", ({ sql, topic, payload, output }) => {
    const rule = compileTopicRule({ name: "example", sql });

    expect(rule.evaluate(message(topic, payload, "sensor-1"))).toStrictEqual(output);
  });

  it.each([
    { sql: "SELECT color AS my_color FROM 'a/b' WHERE temperature > 50 AND color <> 'red'", topic: "a/b" },
    { sql: "SELECT temperature AS t FROM 'a/b'", topic: "a/c" },
    { sql: "SELECT temperature AS t FROM 'a/+'", topic: "a/e/f" },
    { sql: "SELECT temperature AS t FROM 'a/#'", topic: "b/x" },
  ])("produces nothing for $sql on $topic", ({ sql, topic }) => {
    const rule = compileTopicRule({ name: "example", sql });

    expect(rule.evaluate(message(topic, JSON.stringify({ color: "red", temperature: 40 })))).toBeUndefined();
  });

  it("leaves out a selected field the payload does not have, as IoT's Undefined", () => {
    const rule = compileTopicRule({
      name: "example",
      sql: "SELECT color, missing, a.b.c AS deep FROM 'a/b'",
    });

    expect(rule.evaluate(message("a/b", '{"color":"red","a":{"b":1}}'))).toStrictEqual({ color: "red" });
  });

  it("keeps a JSON null, unlike a missing field", () => {
    const rule = compileTopicRule({ name: "example", sql: "SELECT color FROM 'a/b'" });

    expect(rule.evaluate(message("a/b", '{"color":null}'))).toStrictEqual({ color: null });
  });

  it("returns undefined for topic(n) beyond the topic's levels", () => {
    const rule = compileTopicRule({
      name: "example",
      sql: "SELECT topic(5) AS t, topic(2) AS second FROM 'a/#'",
    });

    expect(rule.evaluate(message("a/b", "{}"))).toStrictEqual({ second: "b" });
  });

  it("reads no prototype properties and keeps a __proto__ key as data", () => {
    const rule = compileTopicRule({ name: "example", sql: "SELECT *, constructor AS c FROM 'a/b'" });

    const output = rule.evaluate(message("a/b", '{"__proto__":{"polluted":true},"x":1}'));

    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.keys(output ?? {})).toEqual(["__proto__", "x"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    { payload: new Uint8Array([0xff, 0x00]), what: "bytes" },
    { payload: "[1,2]", what: "a JSON array" },
    { payload: "42", what: "a JSON number" },
  ])("rejects SELECT * of $what, which IoT Core cannot give a Lambda action", ({ payload }) => {
    const rule = compileTopicRule({ name: "example", sql: "SELECT * FROM 'a/b'" });

    expect(() => rule.evaluate(message("a/b", payload))).toThrow(
      /SELECT \* of a payload that is not a JSON object/,
    );
  });

  it("rejects reading a field of a payload that is not JSON (binary-payloads rule 1)", () => {
    const rule = compileTopicRule({
      name: "example",
      sql: "SELECT * FROM 'a/b' WHERE device_type = 'thermostat'",
    });

    expect(() => rule.evaluate(message("a/b", "device_type=thermostat"))).toThrow(
      /the payload is not JSON, but the rule reads "device_type"/,
    );
  });

  it("reads fields of a JSON payload that is not an object as Undefined", () => {
    const rule = compileTopicRule({
      name: "example",
      sql: "SELECT encode(*, 'base64') AS raw FROM 'a/b' WHERE x = 1",
    });

    expect(rule.evaluate(message("a/b", "[1]"))).toBeUndefined();
  });

  it("encodes an expression's string form", () => {
    const rule = compileTopicRule({
      name: "example",
      sql: "SELECT encode(name, 'base64') AS n, encode(o, 'base64') AS o, encode(missing, 'base64') AS m FROM 'a/b'",
    });

    expect(rule.evaluate(message("a/b", '{"name":"oven","o":{"a":1}}'))).toStrictEqual({
      n: base64("oven"),
      o: base64('{"a":1}'),
    });
  });
});

describe("compileTopicRule WHERE semantics", () => {
  const payload = JSON.stringify({
    temperature: 71.25,
    text: "72.5",
    word: "hot",
    running: true,
    flag: "TRUE",
    nothing: null,
    list: [1, 2],
    object: { a: 1, b: [2] },
  });

  // Operators: https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html
  it.each([
    { where: "temperature > 70", passes: true },
    { where: "temperature >= 71.25 AND temperature <= 71.25", passes: true },
    { where: "temperature < 70", passes: false },
    { where: "temperature = 71.25", passes: true },
    { where: "temperature <> 71.25", passes: false },
    { where: "temperature != 70", passes: true },
    { where: "temperature > -5", passes: true },
    { where: "text > 72", passes: true },
    { where: "text = 72.5", passes: false },
    { where: "word > 1", passes: false },
    { where: "NOT (word > 1)", passes: false },
    { where: "word = 'hot'", passes: true },
    { where: 'word = "hot"', passes: true },
    { where: "word = 'HOT'", passes: false },
    { where: "running = true", passes: true },
    { where: "running", passes: true },
    { where: "flag AND running", passes: true },
    { where: "running AND temperature < 0", passes: false },
    { where: "temperature < 0 OR running", passes: true },
    { where: "temperature < 0 OR word = 'cold'", passes: false },
    { where: "NOT running", passes: false },
    { where: "nothing = NULL", passes: true },
    { where: "nothing <> NULL", passes: false },
    { where: "list = list", passes: true },
    { where: "object = object", passes: true },
    { where: "object.b = list", passes: false },
    { where: "missing = 1", passes: false },
    { where: "missing <> 1", passes: false },
    { where: "NOT (missing = 1)", passes: false },
    { where: "missing = 1 OR temperature > 70", passes: false },
    { where: "isUndefined(missing) AND isNull(nothing)", passes: true },
    { where: "isNull(missing) OR isUndefined(nothing)", passes: false },
    { where: "temperature > 70 AND (word = 'cold' OR running)", passes: true },
    { where: "temperature > 70 AND word = 'cold' OR running", passes: true },
    { where: "running OR word = 'hot' AND temperature > 80", passes: true },
    { where: "topic(2) = 'oven-3' AND clientid() = 'oven-3'", passes: true },
    { where: "timestamp() > 0", passes: true },
  ])("WHERE $where is $passes", ({ where, passes }) => {
    const rule = compileTopicRule({
      name: "example",
      sql: `SELECT temperature FROM 'dt/+/telemetry' WHERE ${where}`,
    });

    const output = rule.evaluate(message("dt/oven-3/telemetry", payload));

    expect(output).toStrictEqual(passes ? { temperature: 71.25 } : undefined);
  });
});
