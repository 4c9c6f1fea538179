// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's ${...} (Fn::Sub) is the subject of these tests
import { describe, expect, it } from "vitest";
import { RULE_ID_PATTERN } from "../../../../../shared/domain/alarms/rule.ts";
import { ruleId, uniqueId } from "../../../../../shared/domain/migration/iotEvents/alarmNaming.ts";
import { parseProperty } from "../../../../../shared/domain/migration/iotEvents/inputProperty.ts";

describe("ruleId", () => {
  it.each([
    ["OvenOverheat", "oven-overheat"],
    ["compressor_pressure_low", "compressor-pressure-low"],
    ["HVACUnitFault", "hvac-unit-fault"],
    ["motor2Temp", "motor2-temp"],
    ["--", "alarm"],
    ["x".repeat(100), "x".repeat(63)],
  ])("makes %s a rule id", (name, id) => {
    expect(ruleId(name)).toBe(id);
    expect(ruleId(name)).toMatch(RULE_ID_PATTERN);
  });

  it("counts up until the id is free, within 63 characters", () => {
    const long = "a".repeat(63);

    expect(uniqueId("oven", new Set(["oven", "oven-2"]))).toBe("oven-3");
    expect(uniqueId(long, new Set([long]))).toBe(`${"a".repeat(61)}-2`);
  });
});

describe("parseProperty", () => {
  it.each([
    [
      "$input.In.sensorData.temp",
      { kind: "input", reference: { input: "In", path: ["sensorData", "temp"] } },
    ],
    ["$input.`my-input`.`a b`", { kind: "input", reference: { input: "my-input", path: ["a b"] } }],
    ["$input.${Ref}.temp", { kind: "input", reference: { input: "${Ref}", path: ["temp"] } }],
    ["-12.5e1", { kind: "number", value: -125 }],
    ["'ON'", { kind: "string", value: "ON" }],
    ['"OFF"', { kind: "string", value: "OFF" }],
    ["false", { kind: "boolean", value: false }],
    ["$sitewise.assetModel.`m`.`p`.propertyValue.value", { kind: "sitewise" }],
    ["$input.In", { kind: "expression" }],
    ["$input.In.a * 2", { kind: "expression" }],
    ["$variable.count", { kind: "expression" }],
  ])("reads %s", (text, parsed) => {
    expect(parseProperty(text)).toEqual(parsed);
  });
});
