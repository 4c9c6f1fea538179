// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's ${...} (Fn::Sub) is the subject of these tests
import { describe, expect, it } from "vitest";
import { readSourceFile } from "../../../cli/importIotEvents/readSourceFile.ts";

describe("readSourceFile", () => {
  it("reads CloudFormation's short-form tags as the long form a JSON template spells", () => {
    const yaml = [
      "Name: !Sub '${Stage}-oven'",
      "Property: !Sub",
      "  - '$input.${Input}.temp'",
      "  - Input: !Ref TelemetryInput",
      "Role: !GetAtt AlarmRole.Arn",
      "Joined: !Join ['-', [a, !Ref Stage]]",
      "Chosen: !If [IsProd, 1, 2]",
      "Imported: !ImportValue shared-topic",
      "Mapped: !FindInMap { Map: x }",
    ].join("\n");

    expect(readSourceFile(yaml, "template.yaml")).toEqual({
      Name: { "Fn::Sub": "${Stage}-oven" },
      Property: { "Fn::Sub": ["$input.${Input}.temp", { Input: { Ref: "TelemetryInput" } }] },
      Role: { "Fn::GetAtt": ["AlarmRole", "Arn"] },
      Joined: { "Fn::Join": ["-", ["a", { Ref: "Stage" }]] },
      Chosen: { "Fn::If": ["IsProd", 1, 2] },
      Imported: { "Fn::ImportValue": "shared-topic" },
      Mapped: { "Fn::FindInMap": { Map: "x" } },
    });
  });

  it("reads JSON by extension or by content", () => {
    expect(readSourceFile('{ "a": 1 }', "template.json")).toEqual({ a: 1 });
    expect(readSourceFile('\uFEFF{ "a": 1 }', "-")).toEqual({ a: 1 });
  });

  it("throws on a broken file, for the command to name it", () => {
    expect(() => readSourceFile("{ broken", "x.json")).toThrow(SyntaxError);
    expect(() => readSourceFile("a: [unclosed\n", "x.yaml")).toThrow();
  });
});
