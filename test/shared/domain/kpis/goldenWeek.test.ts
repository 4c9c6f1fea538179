import { describe, expect, it } from "vitest";
import { bucketsOf } from "../../../../shared/domain/kpis/buckets.ts";
import {
  type DeviceInput,
  deviceFacts,
  type RunSegment,
} from "../../../../shared/domain/kpis/deviceFacts.ts";
import { figuresOf } from "../../../../shared/domain/kpis/figures.ts";
import { plantOf } from "../../../../shared/domain/kpis/machineModel.ts";
import { plannedIntervals } from "../../../../shared/domain/kpis/plannedTime.ts";

/*
 * One press, the week of Monday 2026-03-02 in Europe/Berlin (UTC+1 all week), planned Mon–Fri
 * 06:00–22:00 (16 h a day, 80 h a week), ideal cycle 30 s. Its running signal, in local time:
 *
 *   Mon 05:00–10:00 run | 10:00–10:30 stop (stop 1) | Mon 10:30–Tue 12:00 run
 *   Tue 12:00–14:00 no data (a gap) | Tue 14:00–Wed 08:00 run | Wed 08:00–09:00 stop (stop 2)
 *   Wed 09:00–Thu 06:00 run | Thu 06:00–08:00 stop (stop 3) | Thu 08:00–Fri 20:00 run
 *   Fri 20:00–Sat 10:00 stop (stop 4) | then no data
 *
 * By hand, planned time only:
 *   day   run     stop   unknown  stops  longest stop
 *   Mon   15.5 h  0.5 h  0        1      0.5 h   (06–10 and 10:30–22 run; 05–06 is not planned)
 *   Tue   14 h    0      2 h      0      0       (the gap is unknown, not run, not stop)
 *   Wed   15 h    1 h    0        1      1 h
 *   Thu   14 h    2 h    0        1      2 h     (the stop at 06:00 begins in planned time)
 *   Fri   14 h    2 h    0        1      2 h     (20–22; Sat is not planned)
 *   week  72.5 h  5.5 h  2 h      4      2 h     planned 80 h = 72.5 + 5.5 + 2
 * Parts (one counter slot at noon each weekday): total 1700 + 1600 + 1750 + 1600 + 1500 = 8150,
 * good 1690 + 1580 + 1740 + 1600 + 1490 = 8100.
 *   availability = 72.5 / (72.5 + 5.5) = 72.5 / 78 = 0.92948718
 *   performance  = 30 s × 8150 / (72.5 × 3600 s) = 244500 / 261000 = 0.93678161
 *   quality      = 8100 / 8150 = 0.99386503
 *   OEE          = product = 0.86538462 (= 30 s × 8100 good / 78 h known planned time)
 *   MTBF = 72.5 h / 4 = 18.125 h; MTTR = 5.5 h / 4 = 1.375 h
 * One alarm, raised Wed 10:00, acknowledged 10:05, cleared 10:45: MTTA 5 min, MTTR 45 min, 45 min in alarm.
 */

const HOUR = 3_600_000;
/** Local Berlin wall time of the week as UTC ms (UTC+1 this week). */
const local = (day: number, hour: number, minute = 0) => Date.UTC(2026, 2, 2 + day, hour, minute) - HOUR;
const [MON, TUE, WED, THU, FRI, SAT] = [0, 1, 2, 3, 4, 5];

const plant = plantOf({
  version: 1,
  timeZone: "Europe/Berlin",
  defaults: {
    planned: [{ days: ["mon-fri"], from: "06:00", to: "22:00", tz: "Europe/Berlin" }],
    idealCycleSeconds: { default: 30 },
  },
});
const machine = plant.machineFor({ thingName: "press-1" });

const segments: RunSegment[] = [
  { start: local(MON, 5), end: local(MON, 10), running: true },
  { start: local(MON, 10), end: local(MON, 10, 30), running: false },
  { start: local(MON, 10, 30), end: local(TUE, 12), running: true },
  { start: local(TUE, 14), end: local(WED, 8), running: true },
  { start: local(WED, 8), end: local(WED, 9), running: false },
  { start: local(WED, 9), end: local(THU, 6), running: true },
  { start: local(THU, 6), end: local(THU, 8), running: false },
  { start: local(THU, 8), end: local(FRI, 20), running: true },
  { start: local(FRI, 20), end: local(SAT, 10), running: false },
];
const noon = (day: number, increase: number) => ({ start: local(day, 12), increase });

describe("the KPIs of a hand-computed week", () => {
  const from = local(MON, 0);
  const to = local(MON + 7, 0);
  const input: DeviceInput = {
    from,
    to,
    now: to,
    planned: plannedIntervals(from, to, machine.planned),
    segments,
    partsTotal: [noon(MON, 1700), noon(TUE, 1600), noon(WED, 1750), noon(THU, 1600), noon(FRI, 1500)],
    partsGood: [noon(MON, 1690), noon(TUE, 1580), noon(WED, 1740), noon(THU, 1600), noon(FRI, 1490)],
    idealCycleMs: machine.idealCycleMs,
    alarms: [
      {
        ruleId: "overheat",
        severity: "major",
        raisedAt: local(WED, 10),
        raisedInRange: true,
        acknowledgedAt: local(WED, 10, 5),
        clearedAt: local(WED, 10, 45),
      },
    ],
  };
  const days = bucketsOf(from, to, "day", plant.timeZone, plant.shifts);
  const facts = deviceFacts(input, [...days, { start: from, end: to }]);
  const week = facts.at(-1);

  it("buckets the week into seven local days", () => {
    expect(days.map((d) => new Date(d.start).toISOString())).toEqual(
      [2, 3, 4, 5, 6, 7, 8].map((d) => `2026-03-0${d - 1}T23:00:00.000Z`),
    );
  });

  it("splits each day's planned time into run, stop and unknown", () => {
    expect(
      facts
        .slice(0, 7)
        .map((f) => [f.runMs / HOUR, f.stopMs / HOUR, f.unknownMs / HOUR, f.stops, f.longestStopMs / HOUR]),
    ).toEqual([
      [15.5, 0.5, 0, 1, 0.5],
      [14, 0, 2, 0, 0],
      [15, 1, 0, 1, 1],
      [14, 2, 0, 1, 2],
      [14, 2, 0, 1, 2],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
  });

  it("computes the week's OEE, its factors, MTBF, MTTR and the alarm times", () => {
    expect(week).toMatchObject({
      plannedMs: 80 * HOUR,
      runMs: 72.5 * HOUR,
      stopMs: 5.5 * HOUR,
      unknownMs: 2 * HOUR,
      stops: 4,
      longestStopMs: 2 * HOUR,
      partsTotal: 8150,
      partsGood: 8100,
    });
    const figures = figuresOf(week ?? ({} as never));
    expect(figures.availability.value).toBeCloseTo(0.92948718, 8);
    expect(figures.performance.value).toBeCloseTo(0.93678161, 8);
    expect(figures.quality.value).toBeCloseTo(0.99386503, 8);
    expect(figures.oee.value).toBeCloseTo(0.86538462, 8);
    expect(figures.mtbfMs.value).toBe(18.125 * HOUR);
    expect(figures.mttrMs.value).toBe(1.375 * HOUR);
    expect(figures.mttaMs.value).toBe(5 * 60_000);
    expect(figures.alarmMttrMs.value).toBe(45 * 60_000);
    expect(week?.alarms).toMatchObject({ raised: 1, bySeverity: { major: 1 }, inAlarmMs: 45 * 60_000 });
  });
});
