import { describe, expect, it } from "vitest";
import {
  assignScenarios,
  isOfflineAt,
  OFFLINE_PHASE,
  OVERHEAT_PHASES,
  overheatLevel,
  parseScenarios,
  thresholdMargin,
} from "../../../simulator/domain/scenarios.ts";

describe("parseScenarios", () => {
  it("takes a comma-separated list, trims it, drops repeats and puts it in canonical order", () => {
    expect(parseScenarios(" offline, overheat ,normal,offline")).toEqual({
      ok: true,
      scenarios: ["normal", "overheat", "offline"],
    });
  });

  it("names every unknown scenario", () => {
    expect(parseScenarios("overheat,meltdown,fire")).toEqual({ ok: false, unknown: ["meltdown", "fire"] });
  });
});

describe("assignScenarios", () => {
  it("puts every scenario on the only device", () => {
    expect(assignScenarios(1, ["normal", "overheat", "offline", "burst"])).toEqual([
      ["normal", "overheat", "offline", "burst"],
    ]);
  });

  it("assigns the same way whatever the order given", () => {
    expect(assignScenarios(2, ["late", "overheat", "flapping"])).toEqual(
      assignScenarios(2, ["flapping", "late", "overheat"]),
    );
  });
});

describe("overheatLevel", () => {
  it("rises from 0 to 1, holds, and falls back to 0 within the cycle", () => {
    const levels = Array.from({ length: 100 }, (_, index) => overheatLevel(index / 100));

    expect(levels.slice(0, 11).every((level) => level === 0)).toBe(true);
    expect(levels.slice(20, 46).every((level) => level === 1)).toBe(true);
    expect(levels.slice(55).every((level) => level === 0)).toBe(true);
    expect(levels[15]).toBeCloseTo(0.5);
    expect(levels[50]).toBeCloseTo(0.5);
  });

  it("never overlaps the offline phase", () => {
    expect(OVERHEAT_PHASES.recovered).toBeLessThanOrEqual(OFFLINE_PHASE.from);
    expect(isOfflineAt(OVERHEAT_PHASES.fall)).toBe(false);
    expect(isOfflineAt(0.7)).toBe(true);
  });
});

describe("thresholdMargin", () => {
  it("is 5 % of the threshold, at least 5", () => {
    expect(thresholdMargin(250)).toBe(12.5);
    expect(thresholdMargin(20)).toBe(5);
    expect(thresholdMargin(-400)).toBe(20);
  });
});
