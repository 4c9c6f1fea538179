import { describe, expect, it } from "vitest";
import { durationText, kpiText, percentText, reasonText } from "../../dashboard/src/kpiFormat.ts";
import { KPI_UNAVAILABLE_REASONS } from "../../shared/contracts/kpis.ts";

describe("kpiText", () => {
  it.each(KPI_UNAVAILABLE_REASONS)(
    "reads a KPI without a value (%s) as not available, with a reason",
    (reason) => {
      for (const kind of ["ratio", "duration"] as const) {
        expect(kpiText({ value: null, reason }, kind)).toBe("not available");
      }
      expect(reasonText({ value: null, reason })).not.toBe("");
    },
  );

  it("shows a ratio as a percentage, above 100 % as it is, and a duration in a spoken unit", () => {
    expect(kpiText({ value: 0.6822 }, "ratio")).toBe("68.2 %");
    expect(kpiText({ value: 0 }, "ratio")).toBe("0.0 %");
    expect(kpiText({ value: 1.043 }, "ratio")).toBe("104.3 %");
    expect(kpiText({ value: 330_000 }, "duration")).toBe("6 min");
    expect(reasonText({ value: 0.5 })).toBe("");
  });
});

describe("percentText", () => {
  it("never rounds a value short of 1 up to 100.0 %", () => {
    expect(percentText(0.9994)).toBe("99.9 %");
    expect(percentText(0.9996)).toBe("99.9 %");
    expect(percentText(1)).toBe("100.0 %");
  });
});

describe("durationText", () => {
  it.each([
    [0, "0 s"],
    [89_000, "89 s"],
    [90_000, "2 min"],
    [89 * 60_000, "89 min"],
    [90 * 60_000, "1.5 h"],
    [35 * 3_600_000, "35.0 h"],
    [36 * 3_600_000, "1.5 d"],
  ])("says %i ms as %s", (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });
});
