import { describe, expect, it } from "vitest";
import { dynamoDbItemSize, readUnits, writeUnits } from "../../cost/dynamoDbItemSize.ts";

describe("DynamoDB item size", () => {
  it("counts names, strings, numbers, booleans and maps as DynamoDB does", () => {
    // thingName(9)+"oven-1"(6) + version(7)+12 (2 digits: 2) + ok(2)+true(1) + m(1)+{a:"b"}(3+1+1+1).
    expect(dynamoDbItemSize({ thingName: "oven-1", version: 12, ok: true, m: { a: "b" } })).toBe(
      15 + 9 + 3 + 7,
    );
    expect(writeUnits(1_024)).toBe(1);
    expect(writeUnits(1_025, 10)).toBe(2);
    expect(readUnits(4_097, true)).toBe(2);
    expect(readUnits(100, false)).toBe(0.5);
  });
});
