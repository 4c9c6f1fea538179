import { describe, expect, it } from "vitest";
import type { AlarmRuleDocument } from "../../../../shared/contracts/alarmRules.ts";
import { canonicalJson, describeFieldChange, diffRules } from "../../../../shared/domain/alarms/diffRules.ts";

function rule(id: string, overrides: Record<string, unknown> = {}): AlarmRuleDocument {
  return {
    id,
    name: `Rule ${id}`,
    severity: "major",
    kind: "threshold",
    metric: "temperature",
    condition: { op: ">", value: 250 },
    ...overrides,
  } as AlarmRuleDocument;
}

const stored = (...documents: unknown[]) =>
  documents.map((document) => ({ id: (document as { id: string }).id, document }));

describe("diffRules", () => {
  it("sorts rules into added, changed, removed and unchanged, each by id", () => {
    const current = stored(rule("c"), rule("a"), rule("x"), rule("b", { for: "60s" }));
    const desired = [rule("z"), rule("b", { for: "2m" }), rule("a"), rule("d")];

    const diff = diffRules(current, desired);

    expect(diff.added.map((document) => document.id)).toEqual(["d", "z"]);
    expect(diff.changed.map((change) => change.id)).toEqual(["b"]);
    expect(diff.removed.map((entry) => entry.id)).toEqual(["c", "x"]);
    expect(diff.unchanged.map((document) => document.id)).toEqual(["a"]);
  });

  it("describes a change field by field, with dotted paths, in key order", () => {
    const before = rule("a", {
      condition: { op: ">", value: 250 },
      for: "60s",
      match: { things: ["oven-*"] },
    });
    const after = rule("a", {
      condition: { op: ">", value: 260 },
      latch: true,
      match: { things: ["oven-*", "kiln-*"] },
    });

    const [changed] = diffRules(stored(before), [after]).changed;

    expect(changed?.changes.map(describeFieldChange)).toEqual([
      "condition.value: 250 → 260",
      "for: 60s → (none)",
      "latch: (none) → true",
      'match.things: ["oven-*"] → ["oven-*","kiln-*"]',
    ]);
  });

  it("does not count key order as a change (DynamoDB maps keep none)", () => {
    const reordered = {
      condition: { value: 250, op: ">" },
      metric: "temperature",
      kind: "threshold",
      severity: "major",
      name: "Rule a",
      id: "a",
    };

    const diff = diffRules(stored(reordered), [rule("a")]);

    expect(diff.unchanged).toHaveLength(1);
    expect(diff.changed).toEqual([]);
  });

  it("quotes a string that would read as a number or a boolean", () => {
    const [changed] = diffRules(stored(rule("a", { condition: { op: "==", value: 1 } })), [
      rule("a", { condition: { op: "==", value: "1" } }),
    ]).changed;

    expect(changed?.changes.map(describeFieldChange)).toEqual(['condition.value: 1 → "1"']);
  });

  it("compares with a stored document that is not a valid rule", () => {
    const diff = diffRules([{ id: "a", document: "garbage" }], [rule("a")]);

    expect(diff.changed[0]?.changes.map((change) => change.path)).toEqual([""]);
    expect(describeFieldChange(diff.changed[0]?.changes[0] ?? { path: "", before: 1, after: 2 })).toMatch(
      /^\(whole rule\): garbage → \{/,
    );
  });

  it("gives the same diff whatever the order of its inputs", () => {
    const current = stored(rule("a"), rule("b", { for: 5 }), rule("c"));
    const desired = [rule("d"), rule("b"), rule("e")];

    expect(diffRules([...current].reverse(), [...desired].reverse())).toEqual(diffRules(current, desired));
  });
});

describe("canonicalJson", () => {
  it("gives equal text for equal documents whatever their key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [2, { e: 0, f: 1 }] }, b: 1 }),
    );
  });
});
