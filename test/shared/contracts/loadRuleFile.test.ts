import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type FileProblem,
  formatFileProblem,
  loadRuleFile,
  type RuleFileResult,
  ruleFileFormat,
} from "../../../shared/contracts/loadRuleFile.ts";

const EXAMPLE = new URL("../../../examples/alarms.yaml", import.meta.url);

const OVEN_YAML = `
- id: oven-overheat
  name: Oven temperature too high
  severity: critical
  match: { things: ["oven-*"], site: plant-1 }
  kind: threshold
  metric: temperature
  condition: { op: ">", value: 250 }
  for: 60s
  clear: { op: "<", value: 240 }
  latch: false
  notify: { repeat: 30m }
`;

function problems(result: RuleFileResult): readonly FileProblem[] {
  if (result.ok) throw new Error("expected problems, the file loaded");
  return result.problems;
}

function reported(text: string, fileName: string): string[] {
  return problems(loadRuleFile(text, fileName)).map((problem) => formatFileProblem(problem, fileName));
}

describe("loadRuleFile", () => {
  it("loads the example file, which uses every kind and option", () => {
    const result = loadRuleFile(readFileSync(EXAMPLE, "utf8"), "alarms.yaml");

    expect(result.ok).toBe(true);
    const rules = result.ok ? result.rules : [];
    expect(new Set(rules.map((rule) => rule.kind))).toEqual(new Set(["threshold", "rate", "offline"]));
    const used = new Set(rules.flatMap((rule) => Object.keys(rule)));
    for (const option of [
      "match",
      "forMs",
      "count",
      "clear",
      "notify",
      "schedule",
      "windowMs",
      "afterMs",
      "graceMs",
    ]) {
      expect(used).toContain(option);
    }
    expect(rules.some((rule) => rule.latch)).toBe(true);
    expect(rules.some((rule) => rule.notify?.escalate !== undefined)).toBe(true);
    expect(
      rules.some(
        (rule) => "condition" in rule && typeof rule.condition === "object" && "low" in rule.condition,
      ),
    ).toBe(true);
  });

  it("loads the C3 example from YAML, compiled", () => {
    const result = loadRuleFile(OVEN_YAML, "alarms.yaml");

    expect(result).toEqual({
      ok: true,
      documents: [expect.objectContaining({ id: "oven-overheat", for: "60s" })],
      rules: [
        {
          id: "oven-overheat",
          name: "Oven temperature too high",
          severity: "critical",
          match: { things: ["oven-*"], site: "plant-1" },
          kind: "threshold",
          metric: "temperature",
          condition: { op: ">", value: 250 },
          forMs: 60_000,
          clear: { op: "<", value: 240 },
          count: 1,
          latch: false,
          notify: { repeatMs: 1_800_000 },
        },
      ],
    });
  });

  it("reads { rules: [...] } like a bare list", () => {
    const wrapped = `rules:\n${OVEN_YAML.replace(/^/gm, "  ")}`;

    expect(loadRuleFile(wrapped, "alarms.yml")).toEqual(loadRuleFile(OVEN_YAML, "alarms.yaml"));
  });

  it("reads JSON by its extension and by its content on stdin", () => {
    const yaml = loadRuleFile(OVEN_YAML, "alarms.yaml");
    const json = JSON.stringify(yaml.ok ? yaml.documents : []);

    expect(loadRuleFile(json, "alarms.json")).toEqual(yaml);
    expect(loadRuleFile(json, "-")).toEqual(yaml);
    expect(loadRuleFile(OVEN_YAML, "-")).toEqual(yaml);
  });

  it("keeps YAML 1.2 scalars as written: times, day ranges, on/off", () => {
    const text = `- { id: a, name: A, severity: info, kind: threshold, metric: mode, condition: { op: "==", value: on },
    schedule: { days: [mon-fri], from: 06:00, to: 22:00, tz: UTC } }`;

    const result = loadRuleFile(text, "a.yaml");

    expect(result.ok && result.documents[0]).toMatchObject({
      condition: { value: "on" },
      schedule: { from: "06:00", to: "22:00", days: ["mon-fri"] },
    });
  });

  it("reports every problem with its path and line, in file order", () => {
    const text = `- id: oven-overheat
  name: Oven
  severity: critical
  kind: threshold
  metric: temperature
  condition: { op: "=", value: 250 }
  window: 5m
- id: kiln
  name: Kiln
  severity: high
  kind: rate
  metric: temperature
  condition: { op: ">", value: 5 }
- id: oven-overheat
  name: Offline
  severity: major
  kind: offline
  grace: soon
`;

    expect(reported(text, "alarms.yaml")).toEqual([
      "alarms.yaml:6:16: rules[0].condition.op: must be one of >, >=, <, <=, ==, !=, inside, outside",
      "alarms.yaml:7:3: rules[0].window: is not allowed on a threshold rule (only on rate rules)",
      "alarms.yaml:8:3: rules[1].window: is required",
      "alarms.yaml:10:3: rules[1].severity: must be one of critical, major, minor, warning, info",
      'alarms.yaml:14:3: rules[2].id: duplicate id "oven-overheat" (also rules[0])',
      "alarms.yaml:18:3: rules[2].grace: must be a duration like 60s, 5m, 1h30m or 1d, or a number of seconds",
    ]);
  });

  it("reports problems in JSON with their lines too", () => {
    const text = `{
  "rules": [
    { "id": "a", "name": "A", "severity": "info", "kind": "offline", "after": "1w" }
  ]
}`;

    expect(reported(text, "rules.json")).toEqual([
      "rules.json:3:70: rules[0].after: must be a duration like 60s, 5m, 1h30m or 1d, or a number of seconds",
    ]);
  });

  it("reports a YAML syntax error with its line and column", () => {
    const [first] = problems(loadRuleFile("- id: a\n  name: [unclosed\n- id: b\n", "bad.yaml"));

    expect(first?.line).toBeGreaterThan(0);
    expect(first?.column).toBeGreaterThan(0);
    expect(first?.message).toMatch(/^invalid YAML: /);
  });

  it("reports duplicate keys and tabs as YAML errors", () => {
    expect(reported("- id: a\n  id: b\n", "dup.yaml")).toEqual([
      "dup.yaml:2:3: invalid YAML: Map keys must be unique",
    ]);
    expect(reported("\t- id: a\n", "tab.yaml")[0]).toMatch(
      /^tab\.yaml:1:1: invalid YAML: Tabs are not allowed/,
    );
  });

  it("reports a JSON syntax error with its line when the parser gives a position", () => {
    const [only, ...more] = reported('{\n  "rules": [\n    { "id" "a" }\n  ]\n}', "bad.json");

    // The message itself is V8's and changes between Node versions.
    expect(only).toMatch(/^bad\.json:3:12: invalid JSON: /);
    expect(more).toEqual([]);
  });

  it.each([
    [
      "an empty file",
      "",
      "empty.yaml",
      "empty.yaml: the file is empty: expected a list of rules or { rules: [...] }",
    ],
    [
      "only comments",
      "# nothing yet\n",
      "c.yaml",
      "c.yaml: the file is empty: expected a list of rules or { rules: [...] }",
    ],
    ["a scalar", "42\n", "n.yaml", "n.yaml: a rules file must be a list of rules or { rules: [...] }"],
    [
      "an alias without its anchor",
      "- *missing\n",
      "alias.yaml",
      "alias.yaml: invalid YAML: Unresolved alias (the anchor must be set before the alias): missing",
    ],
  ])("reports %s", (_name, text, fileName, expected) => {
    expect(reported(text, fileName)).toEqual([expected]);
  });

  it("ignores a byte-order mark", () => {
    expect(loadRuleFile(`\uFEFF${OVEN_YAML}`, "bom.yaml").ok).toBe(true);
  });

  it("never throws, whatever the text", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((value) => JSON.stringify({ rules: [value] })),
        ),
        fc.constantFrom("a.yaml", "a.json", "-"),
        (text, fileName) => {
          const result = loadRuleFile(text, fileName);
          expect(result.ok || result.problems.length > 0).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("ruleFileFormat", () => {
  it.each([
    ["x", "rules.JSON", "json"],
    ["[]", "rules.yml", "yaml"],
    ["[]", "-", "json"],
    ["- a", "-", "yaml"],
    ["{ a: 1 }", "rules.txt", "yaml"],
  ] as const)("reads %j named %s as %s", (text, fileName, format) => {
    expect(ruleFileFormat(text, fileName)).toBe(format);
  });
});
