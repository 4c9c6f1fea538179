import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../simulator/domain/random.ts";
import { createGauge, createRunning, type GaugeModel } from "../../../simulator/domain/signals.ts";

const START = Date.parse("2026-11-25T00:00:00.000Z");
const HOUR = 3_600_000;
const MODEL: GaugeModel = {
  baseline: 100,
  spread: 0,
  noise: 0,
  drift: 0,
  driftHours: 6,
  daily: 10,
  peakHourUtc: 14,
  decimals: 2,
};

describe("createGauge", () => {
  it("follows its daily cycle, peaking at the given UTC hour", () => {
    const gauge = createGauge(MODEL, seededRandom(1), START);

    const byHour = Array.from({ length: 24 }, (_, hour) => gauge.read(START + hour * HOUR, true));

    expect(byHour.indexOf(Math.max(...byHour))).toBe(14);
    expect(byHour.indexOf(Math.min(...byHour))).toBe(2);
    expect(Math.max(...byHour)).toBe(110);
  });

  it("adds noise of the given standard deviation around the expected value", () => {
    const gauge = createGauge({ ...MODEL, daily: 0, noise: 2 }, seededRandom(2), START);

    const deviations = Array.from({ length: 5_000 }, (_, index) => gauge.read(START + index, true) - 100);
    const sd = Math.sqrt(deviations.reduce((sum, value) => sum + value ** 2, 0) / deviations.length);

    expect(sd).toBeCloseTo(2, 0);
  });

  it("drifts slowly with the same spread whether sampled every second or every minute", () => {
    const spreadOfDrift = (stepMs: number) => {
      const finals = Array.from({ length: 300 }, (_, machine) => {
        const gauge = createGauge({ ...MODEL, daily: 0, drift: 3 }, seededRandom(1_000 + machine), START);
        let value = 0;
        for (let time = START; time <= START + 2 * HOUR; time += stepMs) value = gauge.read(time, true);
        return value - 100;
      });
      return Math.sqrt(finals.reduce((sum, value) => sum + value ** 2, 0) / finals.length);
    };

    expect(spreadOfDrift(60_000)).toBeGreaterThan(2);
    expect(spreadOfDrift(60_000)).toBeLessThan(4);
    expect(spreadOfDrift(10_000)).toBeGreaterThan(2);
    expect(spreadOfDrift(10_000)).toBeLessThan(4);
  });

  it("reads its idle value while the machine is stopped and never goes below its minimum", () => {
    const gauge = createGauge({ ...MODEL, daily: 0, noise: 5, idle: 0.5, min: 0 }, seededRandom(3), START);

    const stopped = Array.from({ length: 200 }, (_, index) => gauge.read(START + index * 1_000, false));

    expect(stopped.every((value) => value >= 0 && value < 3)).toBe(true);
  });

  it("spreads baselines between machines within the given fraction", () => {
    const baselines = Array.from({ length: 100 }, (_, machine) =>
      createGauge({ ...MODEL, daily: 0, spread: 0.05 }, seededRandom(machine), START).expected(START),
    );

    expect(Math.min(...baselines)).toBeGreaterThanOrEqual(95);
    expect(Math.max(...baselines)).toBeLessThanOrEqual(105);
    expect(new Set(baselines).size).toBeGreaterThan(90);
  });
});

describe("createRunning", () => {
  it("stops and starts with the given mean durations", () => {
    const running = createRunning({ meanRunMinutes: 60, meanStopMinutes: 10 }, seededRandom(4), START);

    const states = Array.from({ length: 7 * 24 * 60 }, (_, minute) => running.at(START + minute * 60_000));
    const share = states.filter(Boolean).length / states.length;
    const starts = states.filter((state, index) => state && index > 0 && !states[index - 1]).length;

    expect(share).toBeGreaterThan(0.78);
    expect(share).toBeLessThan(0.93);
    expect(starts).toBeGreaterThan(100);
  });

  it("makes a share of its stops long breakdowns, keeping the rest short", () => {
    const model = { meanRunMinutes: 60, meanStopMinutes: 5, breakdowns: { share: 0.2, meanMinutes: 120 } };
    const running = createRunning(model, seededRandom(6), START);

    const states = Array.from({ length: 60 * 24 * 60 }, (_, minute) => running.at(START + minute * 60_000));
    const stops: number[] = [];
    states.forEach((state, index) => {
      if (!state && states[index - 1] !== false) stops.push(0);
      if (!state) stops[stops.length - 1] = (stops.at(-1) ?? 0) + 1;
    });
    const long = stops.filter((minutes) => minutes > 40);
    const share = states.filter(Boolean).length / states.length;

    // 60 days of a stop an hour on average: about 1,100 stops, a fifth of them breakdowns (2 h mean).
    expect(long.length / stops.length).toBeGreaterThan(0.12);
    expect(long.length / stops.length).toBeLessThan(0.25);
    expect(stops.filter((minutes) => minutes <= 15).length / stops.length).toBeGreaterThan(0.7);
    // Run share: 60 / (60 + 0.8 × 5 + 0.2 × 120) = 0.68.
    expect(share).toBeGreaterThan(0.6);
    expect(share).toBeLessThan(0.76);
  });
});
