import { describe, expect, it } from "vitest";
import { matchesPattern } from "./eventPattern.ts";

describe("matchesPattern", () => {
  const pattern = {
    source: ["plantwatch"],
    detail: {
      severity: ["critical", "major"],
      $or: [{ replayTo: [{ exists: false }] }, { replayTo: ["r1"] }],
    },
  };

  it("matches when every field matches one of its values", () => {
    expect(matchesPattern(pattern, { source: "plantwatch", detail: { severity: "major" } })).toBe(true);
  });

  it("does not match another value, a missing field or a missing object", () => {
    expect(matchesPattern(pattern, { source: "other", detail: { severity: "major" } })).toBe(false);
    expect(matchesPattern(pattern, { source: "plantwatch", detail: { severity: "info" } })).toBe(false);
    expect(matchesPattern(pattern, { source: "plantwatch", detail: {} })).toBe(false);
    expect(matchesPattern(pattern, { source: "plantwatch" })).toBe(false);
  });

  it("evaluates exists and $or: absent or naming the rule, not naming another", () => {
    const event = (replayTo?: string) => ({
      source: "plantwatch",
      detail: { severity: "critical", replayTo },
    });
    expect(matchesPattern(pattern, event())).toBe(true);
    expect(matchesPattern(pattern, event("r1"))).toBe(true);
    expect(matchesPattern(pattern, event("r2"))).toBe(false);
  });

  it("matches an array in the event when any element matches, and prefixes", () => {
    expect(matchesPattern({ resources: [{ prefix: "arn:aws:" }] }, { resources: ["x", "arn:aws:y"] })).toBe(
      true,
    );
    expect(matchesPattern({ resources: ["a"] }, { resources: ["b", "c"] })).toBe(false);
  });

  it("refuses operators outside its subset instead of guessing", () => {
    expect(() => matchesPattern({ n: [{ numeric: [">", 1] }] }, { n: 2 })).toThrow(
      /outside the matcher's subset/,
    );
  });
});
