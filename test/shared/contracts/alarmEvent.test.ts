import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromJSONSchema } from "zod";
import {
  type alarmEventDetailSchema,
  alarmEventKey,
  checkAlarmEventDetail,
  type MutuallyAssignable,
} from "../../../shared/contracts/alarmEvent.ts";
import type { AlarmEventDetail } from "../../../shared/domain/alarms/alarmEvent.ts";

/** The C5 example of the design, verbatim. */
const DESIGN_EXAMPLE = {
  version: "1",
  alarmId: "oven-overheat:oven-3",
  rule: { id: "oven-overheat", name: "Oven temperature too high", severity: "critical", kind: "threshold" },
  device: { thingName: "oven-3", site: "plant-1", line: "line-2" },
  state: {
    value: "ACTIVE",
    previous: "NORMAL",
    reason: "temperature 262.4 > 250 for 60s",
    timestamp: "2026-11-25T12:03:10.000Z",
  },
  trigger: { metric: "temperature", value: 262.4, sampleTime: "2026-11-25T12:03:09.500Z" },
  actor: { id: "arn:aws:iam::...:user/ana", note: "checking burner" },
} as const;

const { reason: _, ...stateWithoutReason } = DESIGN_EXAMPLE.state;
const INVALID: [string, unknown, string][] = [
  ["without state.reason", { ...DESIGN_EXAMPLE, state: stateWithoutReason }, "state.reason"],
  [
    "with an unknown state value",
    { ...DESIGN_EXAMPLE, state: { ...DESIGN_EXAMPLE.state, value: "ALARMED" } },
    "state.value",
  ],
  ["of another version", { ...DESIGN_EXAMPLE, version: "2" }, "version"],
  [
    "with an unknown severity",
    { ...DESIGN_EXAMPLE, rule: { ...DESIGN_EXAMPLE.rule, severity: "high" } },
    "rule.severity",
  ],
  [
    "with a local time",
    { ...DESIGN_EXAMPLE, state: { ...DESIGN_EXAMPLE.state, timestamp: "2026-11-25 12:03" } },
    "state.timestamp",
  ],
  [
    "with a null trigger value",
    { ...DESIGN_EXAMPLE, trigger: { ...DESIGN_EXAMPLE.trigger, value: null } },
    "trigger.value",
  ],
  ["without a device", { ...DESIGN_EXAMPLE, device: undefined }, "device"],
];

const publishedSchema = () =>
  fromJSONSchema(
    JSON.parse(readFileSync(new URL("../../../schemas/alarm-event-v1.schema.json", import.meta.url), "utf8")),
  );

describe("alarmEventDetailSchema", () => {
  it("accepts the C5 example of the design", () => {
    expect(checkAlarmEventDetail(DESIGN_EXAMPLE)).toEqual({ ok: true, detail: DESIGN_EXAMPLE });
  });

  it("accepts a detail with neither trigger nor actor, and a string or boolean trigger value", () => {
    const { trigger: _trigger, actor: _actor, ...bare } = DESIGN_EXAMPLE;

    expect(checkAlarmEventDetail(bare).ok).toBe(true);
    for (const value of ["AUTO", false]) {
      expect(checkAlarmEventDetail({ ...bare, trigger: { ...DESIGN_EXAMPLE.trigger, value } }).ok).toBe(true);
    }
  });

  it.each(INVALID)("refuses a detail %s, naming the path", (_, detail, path) => {
    const checked = checkAlarmEventDetail(detail);

    expect(checked.ok).toBe(false);
    expect(checked.ok ? "" : checked.problems).toContain(`${path}: `);
  });

  it("refuses an alarmId that is not `{rule.id}:{device.thingName}`", () => {
    const checked = checkAlarmEventDetail({ ...DESIGN_EXAMPLE, alarmId: "oven-overheat:oven-4" });

    expect(checked).toEqual({
      ok: false,
      problems: "alarmId: alarmId must be `{rule.id}:{device.thingName}`",
    });
  });

  it("drops fields the contract does not define", () => {
    const checked = checkAlarmEventDetail({ ...DESIGN_EXAMPLE, internal: { version: 7 } });

    expect(checked).toEqual({ ok: true, detail: DESIGN_EXAMPLE });
  });

  it("agrees with AlarmEventDetail at compile time, and the check would catch a drift", () => {
    true satisfies MutuallyAssignable<
      ReturnType<ReturnType<typeof alarmEventDetailSchema>["parse"]>,
      AlarmEventDetail
    >;
    type Drifted = Omit<AlarmEventDetail, "trigger"> & { trigger?: { metric: string; value: number } };
    // @ts-expect-error a trigger value narrower than the contract's is a drift
    true satisfies MutuallyAssignable<Drifted, AlarmEventDetail>;
    // @ts-expect-error so is a missing field
    true satisfies MutuallyAssignable<Omit<AlarmEventDetail, "device">, AlarmEventDetail>;

    expect(true).toBe(true);
  });
});

describe("schemas/alarm-event-v1.schema.json", () => {
  it("accepts the C5 example of the design", () => {
    expect(publishedSchema().safeParse(DESIGN_EXAMPLE).success).toBe(true);
  });

  it.each(INVALID)("refuses a detail %s", (_, detail) => {
    expect(publishedSchema().safeParse(detail).success).toBe(false);
  });
});

describe("alarmEventKey", () => {
  const detail = DESIGN_EXAMPLE as AlarmEventDetail;

  it("is the alarm id, the new state and the transition time", () => {
    expect(alarmEventKey(detail)).toBe("oven-overheat:oven-3|ACTIVE|2026-11-25T12:03:10.000Z");
  });

  it("is the same for a re-sent transition, whatever else the detail carries", () => {
    const resent = {
      ...detail,
      state: { ...detail.state, reason: "re-sent" },
    };

    expect(alarmEventKey(resent)).toBe(alarmEventKey(detail));
  });

  it("differs between transitions of one alarm", () => {
    const keys = new Set([
      alarmEventKey(detail),
      alarmEventKey({ ...detail, state: { ...detail.state, value: "ACKNOWLEDGED", previous: "ACTIVE" } }),
      alarmEventKey({ ...detail, state: { ...detail.state, timestamp: "2026-11-25T12:09:00.000Z" } }),
      alarmEventKey({ ...detail, alarmId: "oven-overheat:oven-4", device: { thingName: "oven-4" } }),
    ]);

    expect(keys.size).toBe(4);
  });
});
