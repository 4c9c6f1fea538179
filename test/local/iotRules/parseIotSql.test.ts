import { describe, expect, it } from "vitest";
import { compileTopicRule } from "../../../local/iotRules/compileTopicRule.ts";
import { InvalidIotSqlError, UnsupportedIotSqlError } from "../../../local/iotRules/errors.ts";
import { parseIotSql } from "../../../local/iotRules/parseIotSql.ts";

function rejection(sql: string): unknown {
  try {
    compileTopicRule({ name: "my_rule", sql });
  } catch (error) {
    return error;
  }
  throw new Error(`compiled: ${sql}`);
}

describe("parseIotSql", () => {
  it("parses the telemetry statement into its parts", () => {
    const statement = parseIotSql(
      "select encode(*, 'base64') as payload, TOPIC(3) as thingName from 'dt/plantwatch/+/telemetry' where NOT x.y <> 2",
    );

    expect(statement).toStrictEqual({
      select: [
        { kind: "item", key: "payload", expression: { kind: "encode", value: "payload" } },
        { kind: "item", key: "thingName", expression: { kind: "topic", level: 3 } },
      ],
      from: "dt/plantwatch/+/telemetry",
      where: {
        kind: "not",
        operand: {
          kind: "compare",
          operator: "<>",
          left: { kind: "field", path: ["x", "y"] },
          right: { kind: "literal", value: 2 },
        },
      },
    });
  });

  it("accepts a statement without FROM, for a rule reached only through Basic Ingest", () => {
    expect(parseIotSql("SELECT a").from).toBeUndefined();
  });

  it.each([
    { sql: "SELECT VALUE color FROM 'a/b'", construct: "SELECT VALUE", position: 8 },
    { sql: "SELECT upper(color) AS c FROM 'a/b'", construct: "the function upper()", position: 8 },
    {
      sql: "SELECT a FROM 'a/b' WHERE startswith(a, 'x')",
      construct: "the function startswith()",
      position: 27,
    },
    {
      sql: "SELECT CASE color WHEN 'red' THEN 1 END AS c FROM 'a/b'",
      construct: "a CASE expression",
      position: 8,
    },
    { sql: "SELECT (SELECT a FROM b) AS x FROM 'a/b'", construct: "a nested SELECT", position: 9 },
    { sql: "SELECT a FROM 'a/b' JOIN 'c/d'", construct: "JOIN", position: 21 },
    { sql: "SELECT a FROM 'a/b' ORDER BY a", construct: "ORDER", position: 21 },
    {
      sql: "SELECT (temperature - 32) * 5 AS c FROM 'a/b'",
      construct: 'the arithmetic operator "-"',
      position: 21,
    },
    {
      sql: "SELECT *, temperature * 2 AS t FROM 'a/b'",
      construct: 'the arithmetic operator "*"',
      position: 23,
    },
    {
      sql: "SELECT a FROM 'a/b' WHERE timestamp() % 12 = 0",
      construct: 'the arithmetic operator "%"',
      position: 39,
    },
    { sql: "SELECT a[0] AS x FROM 'a/b'", construct: "an array index", position: 9 },
    { sql: "SELECT [lat, long] AS ll FROM 'a/b'", construct: "an array literal", position: 8 },
    { sql: "SELECT {'a': 1} AS o FROM 'a/b'", construct: "an object literal", position: 8 },
    { sql: "SELECT foo.bar AS bar.baz FROM 'a/b'", construct: "a nested alias (AS a.b)", position: 22 },
    {
      sql: "SELECT decode(x, 'base64').temperature AS t FROM 'a/b'",
      construct: "the function decode()",
      position: 8,
    },
    { sql: "SELECT a FROM 'a/b' WHERE a IS NULL", construct: "IS [NOT] NULL", position: 29 },
    { sql: "SELECT a FROM 'a/b' WHERE a IN (1, 2)", construct: "the IN operator", position: 29 },
    { sql: "SELECT topic(x) AS t FROM 'a/b'", construct: "topic() with an argument", position: 8 },
    { sql: "SELECT topic(0) AS t FROM 'a/b'", construct: "topic() with an argument", position: 8 },
    {
      sql: "SELECT topic() FROM 'a/b'",
      construct: "a SELECT item other than a field without AS",
      position: 8,
    },
    { sql: "SELECT 15 FROM 'a/b'", construct: "a SELECT item other than a field without AS", position: 8 },
    { sql: "SELECT a FROM 'a/b' WHERE a = 'x\\'y'", construct: "an escape sequence", position: 33 },
  ])("rejects $construct in: $sql", ({ sql, construct, position }) => {
    const error = rejection(sql);

    expect(error).toBeInstanceOf(UnsupportedIotSqlError);
    expect(error).toMatchObject({ name: "UnsupportedIotSqlError", position, ruleName: "my_rule", sql });
    expect((error as UnsupportedIotSqlError).construct).toContain(construct);
    expect((error as Error).message).toContain(
      `IoT rule "my_rule": ${(error as UnsupportedIotSqlError).construct}`,
    );
    expect((error as Error).message).toContain(`at position ${position}`);
  });

  it.each([
    { sql: "", problem: "expected SELECT, found end of statement" },
    { sql: "SELEKT * FROM 'a/b'", problem: 'expected SELECT, found "SELEKT"' },
    { sql: "SELECT FROM 'a/b'", problem: "expected a value" },
    { sql: "SELECT a FROM a/b", problem: "expected a topic filter in single quotes" },
    { sql: 'SELECT a FROM "a/b"', problem: "expected a topic filter in single quotes" },
    { sql: "SELECT a FROM 'a/#/b'", problem: 'invalid topic filter: "#" must be the last level' },
    { sql: "SELECT a FROM 'a/b+'", problem: "a wildcard must fill its level" },
    { sql: "SELECT a FROM ''", problem: "the topic filter is empty" },
    { sql: "SELECT a FROM '$aws/rules/other/#'", problem: "cannot subscribe to Basic Ingest topics" },
    { sql: "SELECT a FROM 'a/b' WHERE", problem: "expected a value, found end of statement" },
    { sql: "SELECT a FROM 'a/b' WHERE (a = 1", problem: 'expected ")"' },
    { sql: "SELECT a FROM 'a/b' WHERE a = 1 = 2", problem: 'expected the end of the statement, found "="' },
    { sql: "SELECT a b FROM 'a/b'", problem: 'expected the end of the statement, found "b"' },
    { sql: "SELECT a FROM 'a/b", problem: "unterminated string" },
    { sql: "SELECT a FROM 'a/b' WHERE a = ?", problem: 'unexpected character "?"' },
    {
      sql: "SELECT encode(*, 'hex') AS x FROM 'a/b'",
      problem: "encode() supports only the 'base64' encoding",
    },
    { sql: "SELECT timestamp(1) AS x FROM 'a/b'", problem: "timestamp() takes 0 argument(s)" },
  ])("rejects invalid SQL: $sql", ({ sql, problem }) => {
    const error = rejection(sql);

    expect(error).toBeInstanceOf(InvalidIotSqlError);
    expect((error as Error).message).toContain(problem);
  });

  it("rejects a rule name IoT Core would not accept", () => {
    expect(() => compileTopicRule({ name: "my-rule", sql: "SELECT * FROM 'a/b'" })).toThrow(/IoT rule name/);
  });
});
