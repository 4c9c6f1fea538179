import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileThingGlobs, type GlobWork } from "../../../shared/domain/thingGlob.ts";

/**
 * The matcher this one replaced, kept as the oracle: one anchored, backtracking expression. It is
 * exponential on globs like `*0*0*0*c`, so the properties below only feed it short inputs.
 */
function regexOracle(globs: readonly string[]): RegExp {
  const alternatives = globs.map((glob) =>
    glob
      .split("")
      .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join(""),
  );
  return new RegExp(`^(?:${alternatives.join("|")})$`);
}

/** Regex metacharacters and a character outside the BMP (two UTF-16 units) besides the usual ones. */
const CHARS = ["a", "b", "0", "-", ".", "\\", "(", "[", "$", "|", "😀"];
const glob = fc.array(fc.constantFrom(...CHARS, "*", "?"), { maxLength: 8 }).map((chars) => chars.join(""));
// Names may hold `*` and `?` too: in a name they are plain characters.
const name = fc.array(fc.constantFrom(...CHARS, "*", "?"), { maxLength: 12 }).map((chars) => chars.join(""));

const ADVERSARIAL = "*0*0*0*0*0*0*0*0*0*0*c";

describe("compileThingGlobs", () => {
  it.each([
    [["oven-*"], "oven-3", true],
    [["oven-*"], "oven-", true],
    [["oven-*"], "oven", false],
    [["oven-?"], "oven-3", true],
    [["oven-?"], "oven-12", false],
    [["oven-?"], "oven-", false],
    [["*-3"], "oven-3", true],
    [["*-3"], "oven-31", false],
    [["oven"], "my-oven", false],
    [["oven"], "oven-3", false],
    [["oven-3"], "OVEN-3", false],
    [["*"], "press:7_a", true],
    [["a*b*c"], "abbbc", true],
    [["a*b*c"], "acb", false],
    [["*a*a"], "aaa", true],
    [["?*?"], "x", false],
    [["o??n-*"], "oven-3", true],
    [["oven.3"], "ovenx3", false],
    [["press-*", "oven-?"], "oven-3", true],
    [["press-*", "oven-?"], "mill-1", false],
  ])("%j against %s is %s", (globs, thingName, expected) => {
    expect(compileThingGlobs(globs).test(thingName)).toBe(expected);
  });

  it("matches exactly what the anchored expression it replaced matches", () => {
    fc.assert(
      fc.property(fc.array(glob, { minLength: 1, maxLength: 3 }), name, (globs, thingName) => {
        expect(compileThingGlobs(globs).test(thingName)).toBe(regexOracle(globs).test(thingName));
      }),
      { numRuns: 2_000 },
    );
  });

  it("does at most (n + 2)·(m + 1) steps for a name of n and a glob of m characters", () => {
    fc.assert(
      fc.property(glob, name, (pattern, thingName) => {
        const work: GlobWork = { steps: 0 };
        compileThingGlobs([pattern]).test(thingName, work);
        expect(work.steps).toBeLessThanOrEqual((thingName.length + 2) * (pattern.length + 1));
      }),
      { numRuns: 2_000 },
    );
  });

  // A backtracking expression tries every way of splitting the name among the stars (seconds here).
  it.each([
    [ADVERSARIAL, "0".repeat(40)],
    [ADVERSARIAL, "0".repeat(128)],
    ["*?*?*?*?*?*?*?*?*?*?c", "0".repeat(128)],
    ["*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(128)],
  ])("refuses %s against %s in at most (n + 2)·(m + 1) steps", (pattern, thingName) => {
    const work: GlobWork = { steps: 0 };

    const matched = compileThingGlobs([pattern]).test(thingName, work);

    expect(matched).toBe(false);
    expect(work.steps).toBeGreaterThan(0);
    expect(work.steps).toBeLessThanOrEqual((thingName.length + 2) * (pattern.length + 1));
  });

  it("counts the work of every glob it tries", () => {
    const work: GlobWork = { steps: 0 };

    compileThingGlobs([ADVERSARIAL, ADVERSARIAL]).test("0".repeat(40), work);

    const one: GlobWork = { steps: 0 };
    compileThingGlobs([ADVERSARIAL]).test("0".repeat(40), one);
    expect(work.steps).toBe(2 * one.steps);
  });
});
