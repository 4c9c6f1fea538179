import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AlarmEventDetail } from "../../../../shared/domain/alarms/alarmEvent.ts";
import type { AlarmStateName } from "../../../../shared/domain/alarms/alarmState.ts";
import { SUBJECT_MAX_LENGTH, subject } from "../../../../shared/domain/notifications/subject.ts";
import { ALARM_EVENTS } from "./alarmEvents.ts";
import { arbitraryDetail, PROPERTY_OPTIONS } from "./arbitraryDetail.ts";

const raised = ALARM_EVENTS["threshold-raised"]();

function inState(value: AlarmStateName, previous: AlarmStateName, reason: string): AlarmEventDetail {
  return { ...raised, state: { ...raised.state, value, previous, reason } };
}

describe("subject", () => {
  it("reads like the design's example", () => {
    expect(subject(raised)).toBe(
      "[CRITICAL] oven-3 ACTIVE - temperature 262.4 > 250 for 60s (plant-1/line-2)",
    );
  });

  it.each([
    ["ACTIVE", "NORMAL", "[CRITICAL] oven-3 ACTIVE - r (plant-1/line-2)"],
    ["LATCHED", "ACTIVE", "[CRITICAL] oven-3 LATCHED - r (plant-1/line-2)"],
    ["ACKNOWLEDGED", "ACTIVE", "[ACK] oven-3 ACKNOWLEDGED - r (plant-1/line-2)"],
    ["NORMAL", "ACTIVE", "[RESOLVED] oven-3 NORMAL - r (plant-1/line-2)"],
    ["NORMAL", "SNOOZED", "[RESOLVED] oven-3 NORMAL - r (plant-1/line-2)"],
    ["NORMAL", "DISABLED", "[ENABLED] oven-3 NORMAL - r (plant-1/line-2)"],
    ["SNOOZED", "ACTIVE", "[SNOOZED] oven-3 SNOOZED - r (plant-1/line-2)"],
    ["DISABLED", "NORMAL", "[DISABLED] oven-3 DISABLED - r (plant-1/line-2)"],
  ] as const)("tags %s (from %s)", (value, previous, expected) => {
    expect(subject(inState(value, previous, "r"))).toBe(expected);
  });

  it("names the site or the line alone, or neither", () => {
    const { line: _, ...siteOnly } = raised.device;
    expect(subject({ ...raised, device: siteOnly })).toMatch(/\(plant-1\)$/);
    expect(subject({ ...raised, device: { thingName: "oven-3", line: "line-2" } })).toMatch(/\(line-2\)$/);
    expect(subject({ ...raised, device: { thingName: "oven-3" } })).toMatch(/for 60s$/);
  });

  it("falls back to the rule's name when the reason is empty", () => {
    expect(subject(inState("ACTIVE", "NORMAL", " "))).toBe(
      "[CRITICAL] oven-3 ACTIVE - Oven temperature too high (plant-1/line-2)",
    );
  });

  it("cuts a long reason first and keeps tag, thing and state whole", () => {
    const long = inState("ACTIVE", "NORMAL", `status "${"Überhitzung 過熱 🔥 ".repeat(20)}" != "OK"`);
    const text = subject({
      ...long,
      device: { thingName: "ofen-3-grosse", site: "werk-süd", line: "linie-7" },
    });
    expect(text).toBe(
      '[CRITICAL] ofen-3-grosse ACTIVE - status "Uberhitzung ? ? Uberhitzung ? ? Ube... (werk-sud/linie-7)',
    );
    expect(text.length).toBeLessThanOrEqual(SUBJECT_MAX_LENGTH);
  });

  it("spells names in ASCII, as SNS requires of a subject", () => {
    const text = subject({
      ...inState("ACTIVE", "NORMAL", "Temperatur „zu hoch“ – 300 °C… Straße Æbeltoft 炉温过高 👩‍🔧"),
      device: { thingName: "ofen-1", site: "Łódź", line: "Ørsted" },
    });
    expect(text).toBe(
      '[CRITICAL] ofen-1 ACTIVE - Temperatur "zu hoch" - 300 ?C... Strasse AEbeltoft ? ? (Lodz/Orsted)',
    );
  });

  it("says which reminder it is, or that the alarm was escalated", () => {
    expect(subject(ALARM_EVENTS["repeat-reminder"]())).toMatch(/^\[CRITICAL REMINDER 2\] oven-3 ACTIVE - /);
    expect(subject(ALARM_EVENTS.escalated())).toMatch(/^\[CRITICAL ESCALATED from major\] oven-3 ACTIVE - /);
  });

  it("stays one line of at most 99 printable ASCII characters", () => {
    fc.assert(
      fc.property(arbitraryDetail, (detail) => {
        const text = subject(detail);
        expect(text.length).toBeLessThanOrEqual(SUBJECT_MAX_LENGTH);
        expect(text).toMatch(/^[ -~]+$/);
        expect(text.startsWith(`[`)).toBe(true);
        expect(text).toContain(` ${detail.state.value} - `);
      }),
      PROPERTY_OPTIONS,
    );
  });
});
