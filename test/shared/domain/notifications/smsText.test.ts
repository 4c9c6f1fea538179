import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alarmUrl } from "../../../../shared/domain/notifications/notificationContext.ts";
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

  it("ends with the alarm's page in place of its id when the deployment has a console", () => {
    expect(
      smsText(ALARM_EVENTS["threshold-raised"](), {
        timeZone: "Europe/Berlin",
        consoleUrl: "https://plantwatch.example.com/",
      }),
    ).toBe(
      "[CRITICAL] oven-3 ACTIVE: temperature 262.4 >... (plant-1/line-2) at 13:03 CET https://plantwatch.example.com/alarms/oven-overheat%3Aoven-3",
    );
  });

  it("drops the reason rather than the link, and the link rather than cut it", () => {
    const detail = ALARM_EVENTS["threshold-raised"]();
    const page = (base: string) => `${base}/alarms/oven-overheat%3Aoven-3`;
    const roomForNoReason = `https://${"c".repeat(60)}.example.com`;
    expect(smsText(detail, { consoleUrl: roomForNoReason })).toBe(
      `[CRITICAL] oven-3 ACTIVE ${page(roomForNoReason)}`,
    );
    const tooLong = `https://${"c".repeat(120)}.example.com`;
    expect(smsText(detail, { consoleUrl: tooLong })).toBe(
      "[CRITICAL] oven-3 ACTIVE: temperature 262.4 > 250 for 60s (plant-1/line-2) at 12:03 UTC. Alarm oven-overheat:oven-3",
    );
  });

  it("keeps a link whole or leaves it out, within its limit, for any event and console", () => {
    fc.assert(
      fc.property(
        arbitraryDetail,
        fc.webUrl({ withQueryParameters: false, withFragments: false }),
        (detail, consoleUrl) => {
          const text = smsText(detail, { consoleUrl });
          const page = alarmUrl({ consoleUrl }, detail.alarmId) ?? "";
          expect(text.endsWith(` ${page}`) || !text.includes("/alarms/")).toBe(true);
          expect(text.length).toBeLessThanOrEqual(
            PRINTABLE_ASCII.test(text) ? SMS_MAX_LENGTH : SMS_MAX_LENGTH_UNICODE,
          );
        },
      ),
      PROPERTY_OPTIONS,
    );
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
