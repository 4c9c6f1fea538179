import { describe, expect, it } from "vitest";
import { createProduction, type ProductionModel } from "../../../simulator/domain/production.ts";
import { seededRandom } from "../../../simulator/domain/random.ts";

const START = Date.parse("2026-11-25T07:00:00.000Z");
const HOUR = 3_600_000;
const MODEL: ProductionModel = {
  totalMetric: "parts_total",
  goodMetric: "parts_good",
  idealCycleSeconds: 6,
  speed: 1,
  speedSpread: 0,
  slow: { meanEveryMinutes: 60, meanMinutes: 20, speed: 1 },
  scrapShare: 0,
  shiftChange: { everyMinutes: 480, offsetMinutes: 360 },
};

/** Readings every `stepMs` over `hours`, all while running unless `running` says otherwise. */
function readings(
  model: ProductionModel,
  seed: number,
  hours: number,
  stepMs = 10_000,
  running = () => true,
) {
  const production = createProduction(model, seededRandom(seed), START);
  return Array.from({ length: (hours * HOUR) / stepMs + 1 }, (_, index) => {
    const time = START + index * stepMs;
    return { time, ...production.at(time, running()) };
  });
}

/** Parts made over the readings: increases, and after a reset the count since it. */
const made = (counts: readonly number[]) =>
  counts.reduce((sum, count, index) => {
    const previous = counts[index - 1];
    if (previous === undefined) return 0;
    return sum + (count >= previous ? count - previous : count);
  }, 0);

describe("createProduction", () => {
  it("starts mid-shift and counts a part per ideal cycle at full speed, all good without scrap", () => {
    const counts = readings(MODEL, 1, 2);

    // An hour into the 06:00 shift: 70–90 % of the 600 parts the rated speed would have made.
    expect(counts[0]?.total).toBeGreaterThanOrEqual(420);
    expect(counts[0]?.total).toBeLessThanOrEqual(540);
    expect(made(counts.map(({ total }) => total))).toBe(1_200);
    expect(counts.every(({ total, good }) => good === total)).toBe(true);
  });

  it("holds both counters while the machine is stopped", () => {
    const counts = readings(MODEL, 2, 1, 10_000, () => false);

    expect(new Set(counts.map(({ total }) => total)).size).toBe(1);
    expect(new Set(counts.map(({ good }) => good)).size).toBe(1);
  });

  it("runs below the rated speed: a little in normal running, much in slow spells", () => {
    const model = { ...MODEL, speed: 0.95, slow: { meanEveryMinutes: 60, meanMinutes: 20, speed: 0.5 } };

    const parts = made(readings(model, 3, 100).map(({ total }) => total));
    const performance = (parts * model.idealCycleSeconds) / (100 * 3_600);

    // Slow a quarter of the time: 0.95 × 0.75 + 0.5 × 0.25 = 0.84.
    expect(performance).toBeGreaterThan(0.79);
    expect(performance).toBeLessThan(0.89);
  });

  it("scraps about its share of the parts, never counting more good parts than parts", () => {
    const counts = readings({ ...MODEL, scrapShare: 0.04 }, 4, 24);

    const total = made(counts.map(({ total }) => total));
    const good = made(counts.map(({ good }) => good));

    expect(counts.every((count) => count.good <= count.total)).toBe(true);
    // 14,400 parts: scrap 4 % ± 0.5 is over six standard deviations wide.
    expect(1 - good / total).toBeGreaterThan(0.035);
    expect(1 - good / total).toBeLessThan(0.045);
  });

  it("resets both counters to zero at each shift change and only then", () => {
    const counts = readings(MODEL, 5, 24, 60_000);

    const resets = counts.filter(
      (count, index) => index > 0 && count.total < (counts[index - 1]?.total ?? 0),
    );

    // 14:00, 22:00 and 06:00 UTC: the reading at the change itself reads zero.
    expect(resets.map(({ time }) => new Date(time).toISOString())).toEqual([
      "2026-11-25T14:00:00.000Z",
      "2026-11-25T22:00:00.000Z",
      "2026-11-26T06:00:00.000Z",
    ]);
    expect(resets.every(({ total, good }) => total === 0 && good === 0)).toBe(true);
  });
});
