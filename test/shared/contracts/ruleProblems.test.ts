import { describe, expect, it } from "vitest";
import {
  formatProblem,
  validateRuleDocument,
  validateRuleDocuments,
} from "../../../shared/contracts/ruleProblems.ts";

const identity = { id: "oven-overheat", name: "Oven temperature too high", severity: "critical" } as const;
const threshold = {
  ...identity,
  kind: "threshold",
  metric: "temperature",
  condition: { op: ">", value: 250 },
} as const;
const rate = {
  ...identity,
  kind: "rate",
  metric: "pressure",
  window: "5m",
  condition: { op: ">", value: 0.5 },
} as const;
const offline = { ...identity, kind: "offline" } as const;

/** Every problem of a file, formatted as the loader reports them. */
function problemsOf(file: unknown): string[] {
  const result = validateRuleDocuments(file);
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe("validateRuleDocuments", () => {
  it.each<[string, unknown, string[]]>([
    [
      "a bad comparison operator",
      [threshold, { ...threshold, id: "b", condition: { op: "=", value: 1 } }],
      ["rules[1].condition.op: must be one of >, >=, <, <=, ==, !=, inside, outside"],
    ],
    [
      "a field of another kind",
      { rules: [{ ...threshold, window: "5m" }] },
      ["rules[0].window: is not allowed on a threshold rule (only on rate rules)"],
    ],
    [
      "a metric on an offline rule",
      [{ ...offline, metric: "temperature" }],
      ["rules[0].metric: is not allowed on an offline rule (only on threshold and rate rules)"],
    ],
    ["a rate rule without window", [{ ...rate, window: undefined }], ["rules[0].window: is required"]],
    ["a missing kind", [{ ...identity }], ["rules[0].kind: is required (one of threshold, rate, offline)"]],
    [
      "an unknown kind",
      [{ ...identity, kind: "level" }],
      ["rules[0].kind: must be one of threshold, rate, offline"],
    ],
    [
      "a misspelt field",
      [{ ...threshold, severty: "major" }],
      ['rules[0].severty: is not a known field (did you mean "severity"?)'],
    ],
    [
      "a bad id and an empty name",
      [{ ...threshold, id: "Oven_1", name: "" }],
      [
        "rules[0].id: must match ^[a-z0-9][a-z0-9-]{0,62}$ (lower-case letters, digits and '-', at most 63)",
        "rules[0].name: must not be empty",
      ],
    ],
    [
      "a bad and a reserved metric name",
      [
        { ...threshold, metric: "9lives" },
        { ...threshold, id: "b", metric: "time" },
      ],
      [
        'rules[0].metric: "9lives" does not match ^[A-Za-z][A-Za-z0-9_]{0,62}$',
        'rules[1].metric: "time" is reserved',
      ],
    ],
    [
      "a string threshold with an ordering operator",
      [{ ...threshold, condition: { op: ">", value: "250" } }],
      ["rules[0].condition.value: must be a number or { attribute, default }"],
    ],
    [
      "a string threshold on a rate rule",
      [{ ...rate, condition: { op: "==", value: "x" } }],
      ["rules[0].condition.value: must be a number or { attribute, default }"],
    ],
    [
      "a bad attribute threshold",
      [{ ...threshold, condition: { op: ">", value: { attribute: 5, default: 250 } } }],
      ["rules[0].condition.value.attribute: must be a string, not 5"],
    ],
    [
      "a range given a value",
      [{ ...threshold, condition: { op: "inside", value: 5 } }],
      [
        "rules[0].condition.low: is required",
        "rules[0].condition.high: is required",
        "rules[0].condition.value: is not used with op inside (use low and high)",
      ],
    ],
    [
      "a comparison given low",
      [{ ...threshold, condition: { op: "<", value: 5, low: 1 } }],
      ["rules[0].condition.low: is only used with op inside or outside (use value)"],
    ],
    [
      "low above high",
      [{ ...threshold, condition: { op: "outside", low: 20, high: 10 } }],
      ["rules[0].condition.low: must not be above high (10)"],
    ],
    [
      "a clear condition that overlaps the condition",
      [{ ...threshold, clear: { op: "<", value: 260 } }],
      ["rules[0].clear: overlaps the condition: a value of 255 would both raise and clear the alarm"],
    ],
    [
      "a clear band that overlaps the band",
      [
        {
          ...threshold,
          condition: { op: "outside", low: 10, high: 20 },
          clear: { op: "inside", low: 5, high: 19 },
        },
      ],
      ["rules[0].clear: overlaps the condition: a value of 7.5 would both raise and clear the alarm"],
    ],
    [
      "bad durations",
      [
        { ...threshold, for: "5 minutes", clear: undefined },
        { ...rate, id: "b", window: "0s" },
        { ...offline, id: "c", after: -1, grace: true },
      ],
      [
        "rules[0].for: must be a duration like 60s, 5m, 1h30m or 1d, or a number of seconds",
        "rules[1].window: must be longer than 0",
        "rules[2].after: must not be negative",
        "rules[2].grace: must be a duration like 60s, 5m, 1h30m or 1d, or a number of seconds",
      ],
    ],
    ["a duration over a year", [{ ...offline, after: "400d" }], ["rules[0].after: must be at most 366d"]],
    [
      "a count that is not a positive integer",
      [
        { ...threshold, count: 0 },
        { ...threshold, id: "b", count: 1.5 },
      ],
      ["rules[0].count: must be a positive integer", "rules[1].count: must be an integer, not 1.5"],
    ],
    [
      "a bad schedule",
      [
        {
          ...threshold,
          schedule: { days: ["mon-fry", "Sun"], from: "6:00", to: "24:01", tz: "Mars/Olympus" },
        },
      ],
      [
        "rules[0].schedule.days[0]: must be a day (mon, tue, wed, thu, fri, sat, sun) or a range like mon-fri",
        "rules[0].schedule.days[1]: must be a day (mon, tue, wed, thu, fri, sat, sun) or a range like mon-fri",
        'rules[0].schedule.from: must be a time "HH:MM" from 00:00 to 23:59',
        'rules[0].schedule.to: must be a time "HH:MM" from 00:00 to 24:00',
        "rules[0].schedule.tz: must be an IANA time zone, e.g. Europe/Berlin or UTC",
      ],
    ],
    [
      "a schedule from 24:00 and without a time zone",
      [{ ...threshold, schedule: { from: "24:00" } }],
      [
        'rules[0].schedule.from: must be a time "HH:MM" from 00:00 to 23:59',
        "rules[0].schedule.tz: is required",
      ],
    ],
    [
      "a schedule whose from equals to",
      [{ ...threshold, schedule: { from: "06:00", to: "06:00", tz: "UTC" } }],
      [
        "rules[0].schedule.to: must differ from `from` (for the whole day leave both out, or use 00:00 to 24:00)",
      ],
    ],
    [
      "an escalation that is not more severe",
      [{ ...threshold, severity: "major", notify: { escalate: { after: "15m", severity: "minor" } } }],
      ["rules[0].notify.escalate.severity: must be more severe than the rule's severity (major)"],
    ],
    [
      "a bad match",
      [{ ...threshold, match: { things: [], site: "", zone: "a" } }],
      [
        "rules[0].match.things: must list at least one glob (leave `things` out to match every thing)",
        "rules[0].match.site: must not be empty",
        "rules[0].match.zone: is not a known field",
      ],
    ],
    [
      "a bad glob and a single glob instead of a list",
      [
        { ...threshold, match: { things: ["oven #1"] } },
        { ...threshold, id: "b", match: { things: "oven-*" } },
      ],
      [
        "rules[0].match.things[0]: must be a thing-name glob: letters, digits, ':', '_', '-', with * and ?",
        'rules[1].match.things: must be a list, not "oven-*"',
      ],
    ],
    [
      "too many globs",
      [{ ...threshold, match: { things: Array.from({ length: 101 }, (_, index) => `oven-${index}`) } }],
      ["rules[0].match.things: must list at most 100 globs (group things by site, line or model instead)"],
    ],
    [
      "duplicate ids",
      [threshold, { ...offline }, { ...rate }],
      [
        'rules[1].id: duplicate id "oven-overheat" (also rules[0])',
        'rules[2].id: duplicate id "oven-overheat" (also rules[0])',
      ],
    ],
    ["a rule that is not an object", ["oven"], ['rules[0]: must be an object (a mapping), not "oven"']],
    [
      "a file that is neither a list nor { rules }",
      { id: "x" },
      ["a rules file must be a list of rules or { rules: [...] }"],
    ],
    ["rules that are not a list", { rules: "x" }, ["rules: must be a list of rules"]],
    [
      "an unknown top-level field",
      { rules: [threshold], version: 1 },
      ["version: is not a known field (a rules file is a list or { rules: [...] })"],
    ],
  ])("reports %s with its path", (_name, file, expected) => {
    expect(problemsOf(file)).toEqual(expected);
  });

  it("reports the problems of several rules at once", () => {
    const problems = problemsOf([
      { ...threshold, condition: { op: "=", value: 1 } },
      threshold,
      { ...rate, id: "b", window: undefined, severity: "high" },
    ]);

    expect(problems).toEqual([
      "rules[0].condition.op: must be one of >, >=, <, <=, ==, !=, inside, outside",
      'rules[1].id: duplicate id "oven-overheat" (also rules[0])',
      "rules[2].severity: must be one of critical, major, minor, warning, info",
      "rules[2].window: is required",
    ]);
  });

  it("accepts an empty list", () => {
    expect(validateRuleDocuments([])).toEqual({ ok: true, documents: [] });
  });
});

describe("validateRuleDocument", () => {
  it("prefixes problem paths with where the document sits", () => {
    const result = validateRuleDocument({ ...threshold, for: "soon" }, ["document"]);

    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
      "document.for: must be a duration like 60s, 5m, 1h30m or 1d, or a number of seconds",
    ]);
  });
});
