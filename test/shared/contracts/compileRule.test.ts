import { describe, expect, it } from "vitest";
import type { AlarmRuleDocument } from "../../../shared/contracts/alarmRules.ts";
import { compileRule, expandDays } from "../../../shared/contracts/compileRule.ts";
import { formatProblem, validateRuleDocuments } from "../../../shared/contracts/ruleProblems.ts";
import type { AlarmRule } from "../../../shared/domain/alarms/rule.ts";

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

const compiledDefaults = { ...identity, match: {}, latch: false };
const compiledThreshold = {
  ...compiledDefaults,
  kind: "threshold",
  metric: "temperature",
  condition: { op: ">", value: 250 },
  forMs: 0,
  count: 1,
} as const;
const compiledRate = {
  ...compiledDefaults,
  kind: "rate",
  metric: "pressure",
  windowMs: 300_000,
  condition: { op: ">", value: 0.5 },
  forMs: 0,
  count: 1,
} as const;

/** Validates one document as a file of one rule and compiles it. */
function compileOne(document: unknown): AlarmRule {
  const result = validateRuleDocuments([document]);
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
  return compileRule(result.documents[0] as AlarmRuleDocument);
}

describe("compileRule", () => {
  it.each<[string, unknown, AlarmRule]>([
    ["a minimal threshold rule, with every default", threshold, compiledThreshold],
    [
      "the C3 example",
      {
        ...threshold,
        match: { things: ["oven-*"], site: "plant-1" },
        for: "60s",
        clear: { op: "<", value: 240 },
        latch: false,
        notify: { repeat: "30m" },
      },
      {
        ...compiledThreshold,
        match: { things: ["oven-*"], site: "plant-1" },
        forMs: 60_000,
        clear: { op: "<", value: 240 },
        notify: { repeatMs: 1_800_000 },
      },
    ],
    [
      "a threshold from a device attribute",
      { ...threshold, condition: { op: ">=", value: { attribute: "maxTemp", default: 250 } } },
      { ...compiledThreshold, condition: { op: ">=", value: { attribute: "maxTemp", default: 250 } } },
    ],
    [
      "count with for, and latch",
      { ...threshold, count: 3, for: 90, latch: true },
      { ...compiledThreshold, count: 3, forMs: 90_000, latch: true },
    ],
    [
      "a string compared with ==",
      { ...threshold, metric: "mode", condition: { op: "!=", value: "AUTO" } },
      { ...compiledThreshold, metric: "mode", condition: { op: "!=", value: "AUTO" } },
    ],
    [
      "a boolean compared with ==",
      { ...threshold, metric: "running", condition: { op: "==", value: false } },
      { ...compiledThreshold, metric: "running", condition: { op: "==", value: false } },
    ],
    [
      "a band with band hysteresis and an attribute bound",
      {
        ...threshold,
        condition: { op: "outside", low: { attribute: "minTemp", default: 10 }, high: 20 },
        clear: { op: "inside", low: 11, high: 19 },
      },
      {
        ...compiledThreshold,
        condition: { op: "outside", low: { attribute: "minTemp", default: 10 }, high: 20 },
        clear: { op: "inside", low: 11, high: 19 },
      },
    ],
    [
      "a match on line and model, a description",
      { ...threshold, match: { line: "line-2", model: "KX-200" }, description: "Check the burner." },
      { ...compiledThreshold, match: { line: "line-2", model: "KX-200" }, description: "Check the burner." },
    ],
    [
      "a schedule with day ranges and a canonical time zone",
      {
        ...threshold,
        schedule: { days: ["mon-wed", "fri"], from: "06:00", to: "22:30", tz: "europe/berlin" },
      },
      {
        ...compiledThreshold,
        schedule: {
          days: ["mon", "tue", "wed", "fri"],
          fromMinute: 360,
          toMinute: 1350,
          tz: "Europe/Berlin",
        },
      },
    ],
    [
      "a schedule over midnight with a wrapping range and default days",
      { ...threshold, schedule: { days: ["sat-mon"], from: "22:00", to: "06:00", tz: "UTC" } },
      {
        ...compiledThreshold,
        schedule: { days: ["mon", "sat", "sun"], fromMinute: 1320, toMinute: 360, tz: "UTC" },
      },
    ],
    [
      "a schedule of whole days",
      { ...threshold, schedule: { tz: "America/Chicago" } },
      {
        ...compiledThreshold,
        schedule: {
          days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
          fromMinute: 0,
          toMinute: 1440,
          tz: "America/Chicago",
        },
      },
    ],
    [
      "repeat and escalation",
      {
        ...threshold,
        severity: "minor",
        notify: { repeat: "1h", escalate: { after: "15m", severity: "major" } },
      },
      {
        ...compiledThreshold,
        severity: "minor",
        notify: { repeatMs: 3_600_000, escalate: { afterMs: 900_000, severity: "major" } },
      },
    ],
    ["a rate rule", rate, compiledRate],
    [
      "a rate rule with hysteresis, for and count",
      { ...rate, window: "15m", clear: { op: "<=", value: 0.2 }, for: "1m", count: 2 },
      { ...compiledRate, windowMs: 900_000, clear: { op: "<=", value: 0.2 }, forMs: 60_000, count: 2 },
    ],
    [
      "an offline rule with the default grace",
      offline,
      { ...compiledDefaults, kind: "offline", graceMs: 30_000 },
    ],
    [
      "an offline rule with after and grace",
      { ...offline, after: "5m", grace: "45s" },
      { ...compiledDefaults, kind: "offline", afterMs: 300_000, graceMs: 45_000 },
    ],
    [
      "an offline rule with no grace",
      { ...offline, grace: 0, latch: true },
      { ...compiledDefaults, kind: "offline", graceMs: 0, latch: true },
    ],
  ])("compiles %s", (_name, document, expected) => {
    const compiled = compileOne(document);

    expect(compiled).toEqual(expected);
  });
});

describe("expandDays", () => {
  it("expands ranges, wraps past sunday, drops repeats and sorts by the week", () => {
    expect(expandDays(["sun", "mon-fri", "wed", "sat-sat"])).toEqual([
      "mon",
      "tue",
      "wed",
      "thu",
      "fri",
      "sat",
      "sun",
    ]);
    expect(expandDays(["fri-tue"])).toEqual(["mon", "tue", "fri", "sat", "sun"]);
  });
});
