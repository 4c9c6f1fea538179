import { describe, expect, it } from "vitest";
import type { ThingAlarms } from "../../../../shared/domain/alarms/alarmState.ts";
import {
  emptyThing,
  evaluateConnectivity,
  evaluateTelemetry,
  evaluateTick,
} from "../../../../shared/domain/alarms/evaluateThing.ts";
import type { AlarmRule } from "../../../../shared/domain/alarms/rule.ts";
import { RuleIndex } from "../../../../shared/domain/alarms/ruleIndex.ts";
import type { MetricValue } from "../../../../shared/domain/ingest/types.ts";
import type { DeviceRecord } from "../../../../shared/ports/deviceRegistry.ts";
import { offlineRule, rateRule, thresholdRule } from "../../../support/alarmRules.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const s = (seconds: number) => T0 + seconds * 1000;

type Step = readonly [seconds: number, value: MetricValue];

/** Feeds one sample per message and returns the transitions as `FROM→TO@seconds`. */
function run(
  rule: AlarmRule,
  steps: readonly Step[],
  options: { device?: DeviceRecord; now?: (seconds: number) => number; start?: ThingAlarms } = {},
) {
  const rules = new RuleIndex({ version: "1", rules: [rule] }).forThing("oven-3", options.device);
  let doc = options.start ?? emptyThing("oven-3");
  const transitions: string[] = [];
  const reasons: string[] = [];
  let late = 0;
  let duplicates = 0;
  for (const [seconds, value] of steps) {
    const metric = rule.kind === "offline" ? "temperature" : rule.metric;
    const now = options.now ? options.now(seconds) : s(seconds);
    const evaluation = evaluateTelemetry(
      doc,
      { receivedAt: now, samples: [{ time: s(seconds), metrics: { [metric]: value } }] },
      { rules, device: options.device, now },
    );
    doc = evaluation.doc;
    late += evaluation.late.length;
    duplicates += evaluation.duplicates;
    for (const t of evaluation.transitions) {
      transitions.push(`${t.from}→${t.to}@${(t.at - T0) / 1000}`);
      reasons.push(t.reason);
    }
  }
  return { transitions, reasons, doc, late, duplicates };
}

describe("threshold alarms", () => {
  it.each([
    { name: "a value exactly at a > threshold does not raise", op: ">", value: 250, expected: [] },
    { name: "a value exactly at a >= threshold raises", op: ">=", value: 250, expected: ["NORMAL→ACTIVE@1"] },
    { name: "a value exactly at a < threshold does not raise", op: "<", value: 250, expected: [] },
    { name: "a value exactly at a <= threshold raises", op: "<=", value: 250, expected: ["NORMAL→ACTIVE@1"] },
    { name: "== matches equal numbers", op: "==", value: 250, expected: ["NORMAL→ACTIVE@1"] },
    { name: "!= does not match equal numbers", op: "!=", value: 250, expected: [] },
  ] as const)("$name", ({ op, value, expected }) => {
    const rule = thresholdRule({ condition: { op, value } });

    expect(run(rule, [[1, 250]]).transitions).toEqual(expected);
  });

  it("raises and clears, with a reason operators can read", () => {
    const result = run(thresholdRule(), [
      [1, 200],
      [2, 262.4],
      [3, 270],
      [4, 249],
    ]);

    expect(result.transitions).toEqual(["NORMAL→ACTIVE@2", "ACTIVE→NORMAL@4"]);
    expect(result.reasons).toEqual(["temperature 262.4 > 250", "temperature 249 no longer > 250"]);
  });

  it("compares strings and booleans with == and !=, and ignores them for ordering operators", () => {
    expect(
      run(thresholdRule({ metric: "mode", condition: { op: "==", value: "FAULT" } }), [
        [1, "AUTO"],
        [2, "FAULT"],
      ]).transitions,
    ).toEqual(["NORMAL→ACTIVE@2"]);
    expect(
      run(thresholdRule({ metric: "running", condition: { op: "!=", value: true } }), [
        [1, true],
        [2, false],
      ]).transitions,
    ).toEqual(["NORMAL→ACTIVE@2"]);
    expect(
      run(thresholdRule(), [
        [1, "hot"],
        [2, true],
      ]).transitions,
    ).toEqual([]);
  });

  it("raises inside and outside ranges, bounds included in inside", () => {
    const outside = thresholdRule({ condition: { op: "outside", low: 10, high: 20 } });
    const inside = thresholdRule({ condition: { op: "inside", low: 10, high: 20 } });

    expect(
      run(outside, [
        [1, 10],
        [2, 20],
        [3, 20.5],
        [4, 15],
      ]).transitions,
    ).toEqual(["NORMAL→ACTIVE@3", "ACTIVE→NORMAL@4"]);
    expect(
      run(inside, [
        [1, 9],
        [2, 10],
        [3, 21],
      ]).transitions,
    ).toEqual(["NORMAL→ACTIVE@2", "ACTIVE→NORMAL@3"]);
  });

  it("raises only after the condition has held for `for`, by event time", () => {
    const rule = thresholdRule({ forMs: 60_000 });

    const result = run(rule, [
      [0, 260],
      [30, 260],
      [59, 260],
      [60, 261],
    ]);

    expect(result.transitions).toEqual(["NORMAL→ACTIVE@60"]);
    expect(result.reasons).toEqual(["temperature 261 > 250 for 60s"]);
  });

  it("restarts the pending period when one sample does not breach", () => {
    const rule = thresholdRule({ forMs: 60_000 });

    expect(
      run(rule, [
        [0, 260],
        [40, 240],
        [50, 260],
        [100, 260],
        [110, 260],
      ]).transitions,
    ).toEqual(["NORMAL→ACTIVE@110"]);
  });

  it("counts a gap in the data as held: `for` completes on the first breaching sample after it", () => {
    const rule = thresholdRule({ forMs: 60_000 });

    // No samples between 10 s and 600 s: nothing showed the condition ending, so it held.
    expect(
      run(rule, [
        [0, 260],
        [10, 260],
        [600, 260],
      ]).transitions,
    ).toEqual(["NORMAL→ACTIVE@600"]);
  });

  it("needs `count` consecutive breaching samples, and both `for` and `count` when both are set", () => {
    expect(
      run(thresholdRule({ count: 3 }), [
        [1, 260],
        [2, 260],
        [3, 240],
        [4, 260],
        [5, 260],
        [6, 260],
      ]).transitions,
    ).toEqual(["NORMAL→ACTIVE@6"]);
    expect(
      run(thresholdRule({ count: 2, forMs: 10_000 }), [
        [0, 260],
        [1, 260],
        [5, 260],
        [10, 260],
      ]).transitions,
    ).toEqual(["NORMAL→ACTIVE@10"]);
  });

  it("holds ACTIVE inside the hysteresis band and clears only on the clear condition", () => {
    const rule = thresholdRule({ clear: { op: "<", value: 240 } });

    const result = run(rule, [
      [1, 251],
      [2, 245],
      [3, 240],
      [4, 239.9],
      [5, 245],
    ]);

    expect(result.transitions).toEqual(["NORMAL→ACTIVE@1", "ACTIVE→NORMAL@4"]);
    expect(result.reasons[1]).toBe("temperature 239.9 < 240");
  });

  it("takes the threshold from the device's attribute, or the default when the device lacks it", () => {
    const rule = thresholdRule({ condition: { op: ">", value: { attribute: "maxTemp", default: 250 } } });
    const rated = { thingName: "oven-3", attributes: { maxTemp: 300 } };
    const ratedAsText = { thingName: "oven-3", attributes: { maxTemp: "300" } };
    const unrated = { thingName: "oven-3", attributes: { other: 1 } };

    expect(run(rule, [[1, 280]], { device: rated }).transitions).toEqual([]);
    expect(run(rule, [[1, 301]], { device: rated }).reasons).toEqual(["temperature 301 > 300"]);
    expect(run(rule, [[1, 280]], { device: ratedAsText }).transitions).toEqual([]);
    expect(run(rule, [[1, 280]], { device: unrated }).transitions).toEqual(["NORMAL→ACTIVE@1"]);
    expect(run(rule, [[1, 280]]).transitions).toEqual(["NORMAL→ACTIVE@1"]);
  });

  it("latches: ACTIVE becomes LATCHED on clearing and may become ACTIVE again", () => {
    const rule = thresholdRule({ latch: true });

    expect(
      run(rule, [
        [1, 260],
        [2, 240],
        [3, 241],
        [4, 260],
      ]).transitions,
    ).toEqual(["NORMAL→ACTIVE@1", "ACTIVE→LATCHED@2", "LATCHED→ACTIVE@4"]);
  });

  it("treats a sample not newer than the last evaluated one as late or duplicate, never as a transition", () => {
    const result = run(thresholdRule(), [
      [10, 240],
      [5, 300],
      [10, 300],
      [11, 241],
    ]);

    expect(result.transitions).toEqual([]);
    expect(result.late).toBe(1);
    expect(result.duplicates).toBe(1);
  });

  it("orders the samples of one message by time before evaluating them", () => {
    const rules = new RuleIndex({ version: "1", rules: [thresholdRule()] }).forThing("oven-3", undefined);
    const evaluation = evaluateTelemetry(
      emptyThing("oven-3"),
      {
        receivedAt: s(10),
        samples: [
          { time: s(3), metrics: { temperature: 240 } },
          { time: s(1), metrics: { temperature: 240 } },
          { time: s(2), metrics: { temperature: 260 } },
        ],
      },
      { rules, device: undefined, now: s(10) },
    );

    expect(evaluation.transitions.map((t) => `${t.from}→${t.to}@${(t.at - T0) / 1000}`)).toEqual([
      "NORMAL→ACTIVE@2",
      "ACTIVE→NORMAL@3",
    ]);
    expect(evaluation.late).toEqual([]);
  });
});

describe("schedules", () => {
  const berlinWeekdays = {
    days: ["mon", "tue", "wed", "thu", "fri"] as const,
    fromMinute: 6 * 60,
    toMinute: 22 * 60,
    tz: "Europe/Berlin",
  };

  it("raises only inside active hours, judged in the schedule's time zone", () => {
    const rule = thresholdRule({ schedule: { ...berlinWeekdays, days: [...berlinWeekdays.days] } });
    // Wednesday 2026-11-25: 05:59 in Berlin is 04:59 UTC; 06:00 is 05:00 UTC.
    const at = (iso: string) => (Date.parse(iso) - T0) / 1000;

    const result = run(rule, [
      [at("2026-11-25T04:59:00Z"), 260],
      [at("2026-11-25T05:00:00Z"), 260],
    ]);

    expect(result.transitions).toEqual([`NORMAL→ACTIVE@${at("2026-11-25T05:00:00Z")}`]);
  });

  it("follows the daylight-saving change: 06:00 local is 05:00 UTC in March before it and 04:00 UTC after", () => {
    const rule = thresholdRule({
      schedule: { days: ["sat", "sun", "mon"], fromMinute: 6 * 60, toMinute: 22 * 60, tz: "Europe/Berlin" },
    });
    const at = (iso: string) => (Date.parse(iso) - T0) / 1000;

    // Clocks go forward on Sunday 2026-03-29 at 02:00 CET.
    const saturday = run(rule, [
      [at("2026-03-28T04:30:00Z"), 260],
      [at("2026-03-28T05:00:00Z"), 260],
    ]);
    const monday = run(rule, [
      [at("2026-03-30T03:59:00Z"), 260],
      [at("2026-03-30T04:00:00Z"), 260],
    ]);

    expect(saturday.transitions).toEqual([`NORMAL→ACTIVE@${at("2026-03-28T05:00:00Z")}`]);
    expect(monday.transitions).toEqual([`NORMAL→ACTIVE@${at("2026-03-30T04:00:00Z")}`]);
  });

  it("still clears an ACTIVE alarm outside active hours", () => {
    const rule = thresholdRule({
      schedule: { days: ["wed"], fromMinute: 6 * 60, toMinute: 7 * 60, tz: "UTC" },
    });
    const at = (iso: string) => (Date.parse(iso) - T0) / 1000;

    expect(
      run(rule, [
        [at("2026-11-25T06:30:00Z"), 260],
        [at("2026-11-25T08:00:00Z"), 240],
      ]).transitions,
    ).toEqual([`NORMAL→ACTIVE@${at("2026-11-25T06:30:00Z")}`, `ACTIVE→NORMAL@${at("2026-11-25T08:00:00Z")}`]);
  });

  it("handles windows across midnight as part of the day they start on", () => {
    const rule = thresholdRule({
      schedule: { days: ["tue"], fromMinute: 22 * 60, toMinute: 6 * 60, tz: "UTC" },
    });
    const at = (iso: string) => (Date.parse(iso) - T0) / 1000;

    // Tuesday 23:00 and Wednesday 05:00 are in; Wednesday 23:00 is not.
    expect(run(rule, [[at("2026-11-24T23:00:00Z"), 260]]).transitions).toHaveLength(1);
    expect(run(rule, [[at("2026-11-25T05:00:00Z"), 260]]).transitions).toHaveLength(1);
    expect(run(rule, [[at("2026-11-25T23:00:00Z"), 260]]).transitions).toHaveLength(0);
  });
});

describe("rate alarms", () => {
  it("raises on the change per minute over the window and needs two points", () => {
    const rule = rateRule({ condition: { op: ">", value: 10 } });

    const result = run(rule, [
      [0, 100],
      [60, 105],
      [120, 125],
      [180, 126],
    ]);

    // 0→60 s: 5/min; 0→120 s: 12.5/min; 0→180 s: 26/3 ≈ 8.67/min.
    expect(result.transitions).toEqual(["NORMAL→ACTIVE@120", "ACTIVE→NORMAL@180"]);
    expect(result.reasons[0]).toBe("pressure rate 12.5/min > 10");
  });

  it("forgets points older than the window", () => {
    const rule = rateRule({ windowMs: 60_000, condition: { op: ">", value: 10 } });

    // Over 0..600 s the climb is slow, but within the last minute it is 20/min.
    expect(
      run(rule, [
        [0, 0],
        [540, 5],
        [600, 25],
      ]).transitions,
    ).toEqual(["NORMAL→ACTIVE@600"]);
  });
});

describe("offline alarms", () => {
  const rule = offlineRule({ afterMs: 5 * 60_000, graceMs: 30_000 });
  const rules = () =>
    new RuleIndex({ version: "1", rules: [rule, thresholdRule()] }).forThing("oven-3", undefined);
  const tick = (doc: ThingAlarms, seconds: number) =>
    evaluateTick(doc, { rules: rules(), device: undefined, now: s(seconds) });
  const connectivity = (doc: ThingAlarms, connected: boolean, seconds: number, now = seconds) =>
    evaluateConnectivity(
      doc,
      { connected, since: s(seconds) },
      { rules: rules(), device: undefined, now: s(now) },
    );
  const telemetry = (doc: ThingAlarms, seconds: number, temperature = 20) =>
    evaluateTelemetry(
      doc,
      { receivedAt: s(seconds), samples: [{ time: s(seconds), metrics: { temperature } }] },
      { rules: rules(), device: undefined, now: s(seconds) },
    );

  it("raises after no telemetry for `after`, and clears when telemetry returns", () => {
    let doc = telemetry(emptyThing("oven-3"), 0).doc;

    expect(tick(doc, 299).transitions).toEqual([]);
    const raised = tick(doc, 300);
    expect(raised.transitions.map((t) => [t.from, t.to, t.reason])).toEqual([
      ["NORMAL", "ACTIVE", "no telemetry for 5m"],
    ]);
    doc = raised.doc;
    expect(telemetry(doc, 400).transitions.map((t) => [t.ruleId, t.to])).toEqual([["offline", "NORMAL"]]);
  });

  it("does not page for a reconnect within the grace period", () => {
    let doc = telemetry(emptyThing("oven-3"), 0).doc;
    doc = connectivity(doc, false, 10).doc;
    expect(tick(doc, 39).transitions).toEqual([]);
    doc = connectivity(doc, true, 35, 39).doc;

    expect(tick(doc, 60).transitions).toEqual([]);
  });

  it("raises when disconnected for longer than the grace period", () => {
    let doc = telemetry(emptyThing("oven-3"), 0).doc;
    doc = connectivity(doc, false, 10).doc;

    const raised = tick(doc, 40);

    expect(raised.transitions.map((t) => [t.to, t.reason])).toEqual([["ACTIVE", "disconnected for 30s"]]);
    expect(connectivity(raised.doc, true, 50).transitions.map((t) => [t.from, t.to])).toEqual([
      ["ACTIVE", "NORMAL"],
    ]);
  });

  it("ignores a lifecycle event older than the one already applied", () => {
    let doc = connectivity(emptyThing("oven-3"), false, 20).doc;
    doc = connectivity(doc, true, 10, 25).doc;

    expect(doc.connectivity).toEqual({ connected: false, since: s(20) });
  });

  it("inhibits other alarms of an offline thing: its first message back does not raise them", () => {
    let doc = telemetry(emptyThing("oven-3"), 0).doc;
    doc = tick(doc, 300).doc;

    const back = telemetry(doc, 310, 400);
    const next = telemetry(back.doc, 320, 400);

    expect(back.transitions.map((t) => [t.ruleId, t.to])).toEqual([["offline", "NORMAL"]]);
    expect(next.transitions.map((t) => [t.ruleId, t.to])).toEqual([["oven-overheat", "ACTIVE"]]);
  });

  it("ends a snooze on the sweep once its time has come", () => {
    const snoozed: ThingAlarms = {
      ...emptyThing("oven-3"),
      lastTelemetryAt: s(0),
      alarms: {
        "oven-overheat": {
          ruleId: "oven-overheat",
          state: "SNOOZED",
          since: s(0),
          snoozedUntil: s(100),
          breaching: true,
        },
      },
    };

    expect(tick(snoozed, 99).transitions).toEqual([]);
    expect(tick(snoozed, 101).transitions.map((t) => [t.from, t.to, t.at - T0, t.reason])).toEqual([
      ["SNOOZED", "NORMAL", 100_000, "snooze ended"],
    ]);
  });
});

describe("snoozed and disabled alarms under telemetry", () => {
  const start = (state: "SNOOZED" | "DISABLED"): ThingAlarms => ({
    ...emptyThing("oven-3"),
    alarms: {
      "oven-overheat": {
        ruleId: "oven-overheat",
        state,
        since: s(0),
        breaching: false,
        ...(state === "SNOOZED" ? { snoozedUntil: s(60) } : {}),
      },
    },
  });

  it("keeps a snoozed alarm quiet until the snooze ends, then evaluates again", () => {
    const result = run(
      thresholdRule(),
      [
        [10, 300],
        [50, 300],
        [70, 300],
      ],
      { start: start("SNOOZED") },
    );

    expect(result.transitions).toEqual(["SNOOZED→NORMAL@60", "NORMAL→ACTIVE@70"]);
  });

  it("keeps a disabled alarm quiet whatever the data", () => {
    expect(
      run(
        thresholdRule(),
        [
          [10, 300],
          [20, 100],
          [30, 300],
        ],
        { start: start("DISABLED") },
      ).transitions,
    ).toEqual([]);
  });
});
