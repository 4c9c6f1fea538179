import { describe, expect, it } from "vitest";
import { sparkline } from "../../../cli/format/telemetry.ts";

describe("sparkline", () => {
  it("draws the lowest value lowest and the highest highest", () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe("▁▂▃▄▅▆▇█");
  });

  it("draws a flat series flat, and nothing for no values", () => {
    expect(sparkline([5, 5, 5])).toBe("▁▁▁");
    expect(sparkline([])).toBe("");
  });

  it("averages a long series down to the width", () => {
    expect(sparkline([0, 0, 10, 10, 0, 0], 3)).toBe("▁█▁");
  });
});
