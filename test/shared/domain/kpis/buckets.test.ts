import { describe, expect, it } from "vitest";
import { compileSchedule } from "../../../../shared/contracts/alarmRules.ts";
import { bucketsOf } from "../../../../shared/domain/kpis/buckets.ts";
import { plannedIntervals } from "../../../../shared/domain/kpis/plannedTime.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe("bucketsOf", () => {
  it("gives a spring-forward day 23 local hours", () => {
    // 2026-03-29 in Berlin: 02:00 CET jumps to 03:00 CEST.
    const from = Date.parse("2026-03-28T23:00:00Z");
    const to = Date.parse("2026-03-29T22:00:00Z");
    const hours = bucketsOf(from, to, "hour", "Europe/Berlin", []);
    expect(hours).toHaveLength(23);
    expect(hours.every((b) => b.end - b.start === HOUR)).toBe(true);
    expect(bucketsOf(from, to, "day", "Europe/Berlin", [])).toEqual([{ start: from, end: to }]);
  });

  it("cuts shifts at their local starts and clips the first and last to the range", () => {
    const shifts = bucketsOf(
      Date.parse("2026-01-05T04:00:00Z"),
      Date.parse("2026-01-06T04:00:00Z"),
      "shift",
      "Asia/Kolkata",
      ["06:00", "14:00", "22:00"],
    );
    expect(shifts.map((b) => [iso(b.start), iso(b.end)])).toEqual([
      ["2026-01-05T04:00:00.000Z", "2026-01-05T08:30:00.000Z"],
      ["2026-01-05T08:30:00.000Z", "2026-01-05T16:30:00.000Z"],
      ["2026-01-05T16:30:00.000Z", "2026-01-06T00:30:00.000Z"],
      ["2026-01-06T00:30:00.000Z", "2026-01-06T04:00:00.000Z"],
    ]);
  });
});

describe("plannedIntervals", () => {
  it("takes a night window past midnight from the day it starts on", () => {
    const schedule = compileSchedule({ days: ["fri"], from: "22:00", to: "06:00", tz: "UTC" });
    // Fri 2026-01-09 22:00 to Sat 06:00; the range starts Sat 00:00, so only Sat 00:00–06:00 counts.
    const from = Date.parse("2026-01-10T00:00:00Z");
    expect(plannedIntervals(from, from + 24 * HOUR, [schedule])).toEqual([
      { start: from, end: from + 6 * HOUR },
    ]);
  });

  it("plans all of the range when the model has no schedule", () => {
    expect(plannedIntervals(0, HOUR, undefined)).toEqual([{ start: 0, end: HOUR }]);
  });
});
