import { describe, expect, it } from "vitest";
import { backoffDelay, DEFAULT_BACKOFF } from "../../../simulator/mqtt/backoff.ts";

describe("backoffDelay", () => {
  it("doubles from one second up to thirty, half of each wait being jitter", () => {
    const lowest = Array.from({ length: 8 }, (_, attempt) => backoffDelay(attempt, DEFAULT_BACKOFF, () => 0));
    const highest = Array.from({ length: 8 }, (_, attempt) =>
      backoffDelay(attempt, DEFAULT_BACKOFF, () => 1),
    );

    expect(highest).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(lowest).toEqual(highest.map((delay) => delay / 2));
  });

  it("stays within its bounds with real randomness", () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const delay = backoffDelay(attempt, DEFAULT_BACKOFF);
      expect(delay).toBeGreaterThanOrEqual(500);
      expect(delay).toBeLessThanOrEqual(30_000);
    }
  });
});
