import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitLine, lines, oneLine, truncate } from "../../../../shared/domain/notifications/text.ts";
import { nastyString, PROPERTY_OPTIONS } from "./arbitraryDetail.ts";

const graphemes = (text: string) =>
  [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)].map((s) => s.segment);

describe("oneLine", () => {
  it("turns line breaks, tabs and control characters into single spaces", () => {
    expect(oneLine(" a\r\nb\tc\u0000d\u0085e\u2028f\u001b[31m  g ")).toBe("a b c d e f [31m g");
  });

  it("removes bidirectional controls and replaces lone surrogates", () => {
    expect(oneLine("abc\u202Edef\u2066")).toBe("abcdef");
    expect(oneLine("x\uD83Dy\uDE00z😀")).toBe("x\uFFFDy\uFFFDz😀");
  });

  it("keeps emoji sequences whole", () => {
    expect(oneLine("👩‍🔧 🇩🇪 e\u0301")).toBe("👩‍🔧 🇩🇪 e\u0301");
  });
});

describe("lines", () => {
  it("keeps the lines of a note, without blank lines at the ends or runs of them", () => {
    expect(lines("\n\n first \r\n\n\n\tsecond\u2028third\n\n")).toEqual(["first", "", "second", "third"]);
  });

  it("gives no lines for white space", () => {
    expect(lines(" \n\t\r\n")).toEqual([]);
  });
});

describe("truncate", () => {
  it("leaves text that fits as it is", () => {
    expect(truncate("oven-3", 6)).toBe("oven-3");
  });

  it("cuts with an ellipsis within the limit", () => {
    expect(truncate("temperature 262.4 > 250", 12)).toBe("temperature…");
    expect(truncate("temperature 262.4 > 250", 12, "...")).toBe("temperatu...");
  });

  it.each([
    ["a surrogate pair", "ab😀😀😀", 4, "ab…"],
    ["a ZWJ sequence", "a👩‍🔧👩‍🔧", 6, "a…"],
    ["a flag", "🇩🇪🇩🇪🇩🇪", 5, "🇩🇪…"],
    ["a combining mark", "e\u0301e\u0301e\u0301", 4, "e\u0301…"],
  ])("never splits %s", (_, text, max, expected) => {
    expect(truncate(text, max)).toBe(expected);
  });

  it("cuts any text on a grapheme boundary within the limit", () => {
    fc.assert(
      fc.property(nastyString.map(oneLine), fc.integer({ min: 0, max: 120 }), (text, max) => {
        const cut = truncate(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        if (cut === text) return;
        expect(cut.endsWith("…") || cut === "").toBe(true);
        const kept = cut.slice(0, -1);
        const prefixes = graphemes(text).map((_, k, all) => all.slice(0, k).join("").trimEnd());
        expect(prefixes).toContain(kept);
        expect(/[\uD800-\uDFFF]/u.test(cut)).toBe(false);
      }),
      PROPERTY_OPTIONS,
    );
  });
});

describe("fitLine", () => {
  const parts = [
    { text: "[CRITICAL] " },
    { text: "oven-3", yields: 3, min: 4 },
    { text: " ACTIVE — " },
    { text: "temperature 262.4 > 250 for 60s", yields: 1, min: 12 },
    { text: "plant-1/line-2", before: " (", after: ")", yields: 2, min: 10, droppable: true },
  ];

  it("joins the parts when they fit", () => {
    expect(fitLine(parts, 100)).toBe(
      "[CRITICAL] oven-3 ACTIVE — temperature 262.4 > 250 for 60s (plant-1/line-2)",
    );
  });

  it("cuts the part that yields first, as far as needed", () => {
    expect(fitLine(parts, 70)).toBe("[CRITICAL] oven-3 ACTIVE — temperature 262.4 > 250 f… (plant-1/line-2)");
  });

  it("cuts to the minimum, then drops or cuts the next part", () => {
    expect(fitLine(parts, 60)).toBe("[CRITICAL] oven-3 ACTIVE — temperature 262… (plant-1/line-2)");
    expect(fitLine(parts, 50)).toBe("[CRITICAL] oven-3 ACTIVE — temperature…");
  });

  it("cuts the whole line when every part is at its minimum", () => {
    expect(fitLine(parts, 30)).toBe("[CRITICAL] ove… ACTIVE — temp…");
  });
});
