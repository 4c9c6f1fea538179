import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  SMS_MAX_LENGTH,
  SMS_MAX_LENGTH_UNICODE,
  smsText,
} from "../../../../shared/domain/notifications/smsText.ts";
import { ALARM_EVENTS } from "./alarmEvents.ts";
import { arbitraryDetail, PROPERTY_OPTIONS } from "./arbitraryDetail.ts";

const PRINTABLE_ASCII = /^[ -~]*$/u;

describe("smsText", () => {
  it("gives the essentials in one ASCII line", () => {
    expect(smsText(ALARM_EVENTS["threshold-raised"](), { timeZone: "Europe/Berlin" })).toBe(
      "[CRITICAL] oven-3 ACTIVE: temperature 262.4 > 250 for 60s (plant-1/line-2) at 13:03 CET. Alarm oven-overheat:oven-3",
    );
  });

  it("tells the time in UTC by default", () => {
    expect(smsText(ALARM_EVENTS["offline-raised"]())).toContain(" at 03:00 UTC.");
  });

  it("adds no character outside ASCII of its own, so the event's text decides the encoding", () => {
    for (const make of Object.values(ALARM_EVENTS)) {
      const detail = make();
      const own = smsText({
        ...detail,
        rule: { ...detail.rule, name: "x" },
        device: { thingName: "t", site: "s", line: "l" },
        state: { ...detail.state, reason: "r" },
        alarmId: "a:t",
      });
      expect(own).toMatch(PRINTABLE_ASCII);
    }
  });

  it("drops time, place and id before it cuts the thing's name", () => {
    const text = smsText(ALARM_EVENTS["long-names"]());
    expect(text).toMatch(
      /^\[WARNING\] press-line-north-hydraulic-unit-.*\.\.\. ACTIVE: status "E-STOP: p\.\.\.$/,
    );
    expect(text.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
  });

  it("keeps to two UCS-2 parts when the text is not ASCII", () => {
    const text = smsText(ALARM_EVENTS["unicode-raised"]());
    expect(text).not.toMatch(PRINTABLE_ASCII);
    expect(text.length).toBeLessThanOrEqual(SMS_MAX_LENGTH_UNICODE);
  });

  it("stays one line within its limit for any event", () => {
    fc.assert(
      fc.property(arbitraryDetail, (detail) => {
        const text = smsText(detail);
        expect(text).not.toMatch(/[\p{Cc}\u2028\u2029\uD800-\uDFFF]/u);
        expect(text.length).toBeLessThanOrEqual(
          PRINTABLE_ASCII.test(text) ? SMS_MAX_LENGTH : SMS_MAX_LENGTH_UNICODE,
        );
      }),
      PROPERTY_OPTIONS,
    );
  });
});
