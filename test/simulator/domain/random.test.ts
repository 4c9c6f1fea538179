import { describe, expect, it } from "vitest";
import { seededRandom, seedFrom } from "../../../simulator/domain/random.ts";

const draw = (seed: number, count: number) => {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => random.next());
};

describe("seededRandom", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    expect(draw(42, 100)).toEqual(draw(42, 100));
    expect(draw(43, 100)).not.toEqual(draw(42, 100));
  });

  it("draws uniformly from [0, 1)", () => {
    const values = draw(7, 20_000);

    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean).toBeCloseTo(0.5, 1);
    const lowest = values.filter((value) => value < 0.1).length / values.length;
    expect(lowest).toBeCloseTo(0.1, 1);
  });

  it("draws standard normal values", () => {
    const random = seededRandom(11);
    const values = Array.from({ length: 20_000 }, () => random.normal());
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;

    expect(values.every(Number.isFinite)).toBe(true);
    expect(mean).toBeCloseTo(0, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(1, 1);
  });

  it("keeps between() within its bounds", () => {
    const random = seededRandom(3);
    const values = Array.from({ length: 1_000 }, () => random.between(-2, 5));

    expect(values.every((value) => value >= -2 && value < 5)).toBe(true);
  });
});

describe("seedFrom", () => {
  it("derives a stable 32-bit seed that differs by part", () => {
    const seed = seedFrom(42, "sim-001", "machine");

    expect(seed).toBe(seedFrom(42, "sim-001", "machine"));
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
    expect(new Set([seed, seedFrom(42, "sim-002", "machine"), seedFrom(43, "sim-001", "machine")]).size).toBe(
      3,
    );
  });

  it("tells apart parts that would concatenate alike", () => {
    expect(seedFrom("ab", "c")).not.toBe(seedFrom("a", "bc"));
  });
});
