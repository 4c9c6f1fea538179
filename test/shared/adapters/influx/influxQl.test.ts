import { describe, expect, it } from "vitest";
import { identifier, literal, telemetryInfluxQl } from "../../../../shared/adapters/influx/influxQl.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");

describe("InfluxQL", () => {
  it("double-quotes identifiers and escapes their quotes and backslashes", () => {
    expect(identifier('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it("single-quotes string literals and escapes their quotes and backslashes", () => {
    expect(literal("it's \\ here")).toBe("'it\\'s \\\\ here'");
  });

  it("selects raw points newest first with one row more than fits", () => {
    expect(
      telemetryInfluxQl({
        thingName: "oven-1",
        metric: "temperature",
        from: T0,
        to: T0 + 1_000,
        maxPoints: 10,
      }),
    ).toBe(
      `SELECT "temperature" AS "value" FROM "telemetry" WHERE "device" = 'oven-1' AND time >= ${T0}ms AND time < ${T0 + 1_000}ms ORDER BY time DESC LIMIT 11`,
    );
  });

  it.each([
    [{ thingName: "oven'1" }, /thing name/],
    [{ metric: "1temperature" }, /does not match/],
    [{ metric: "device" }, /reserved/],
    [{ from: -1 }, /from must be a non-negative integer/],
    [{ maxPoints: Number.NaN }, /maxPoints/],
    [{ stepMs: 500 }, /whole seconds/],
  ])("refuses %o before any text is built", (overrides, problem) => {
    expect(() =>
      telemetryInfluxQl({
        thingName: "oven-1",
        metric: "temperature",
        from: T0,
        to: T0 + 1,
        maxPoints: 1,
        ...overrides,
      }),
    ).toThrow(problem);
  });
});
