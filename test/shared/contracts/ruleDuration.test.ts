import { describe, expect, it } from "vitest";
import { parseDuration } from "../../../shared/contracts/ruleDuration.ts";

describe("parseDuration", () => {
  it.each<[string | number, number]>([
    ["60s", 60_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1d", 86_400_000],
    ["250ms", 250],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["0s", 0],
    [90, 90_000],
    [0.5, 500],
    [0, 0],
  ])("reads %j as %d ms", (duration, ms) => {
    expect(parseDuration(duration)).toBe(ms);
  });

  it.each<[string | number]>([
    ["5"],
    ["5 m"],
    ["-1s"],
    ["1w"],
    [""],
    ["m"],
    ["1h 30m"],
    ["1M"],
    [-1],
    [Number.NaN],
  ])("refuses %j", (duration) => {
    expect(parseDuration(duration)).toBeUndefined();
  });
});
