import { describe, expect, it } from "vitest";
import { plainJson } from "../../../../shared/domain/notifications/plainJson.ts";
import { ALARM_EVENTS } from "./alarmEvents.ts";

describe("plainJson", () => {
  it("wraps the detail as EventBridge does, timed by the transition", () => {
    const detail = ALARM_EVENTS["offline-raised"]();
    expect(plainJson(detail)).toEqual({
      "detail-type": "Alarm State Change",
      source: "plantwatch",
      time: "2026-11-25T03:00:00.000Z",
      detail,
    });
  });

  it("adds the alarm's page as url when the deployment has a console", () => {
    const detail = ALARM_EVENTS["threshold-raised"]();
    expect(plainJson(detail, { consoleUrl: "https://console.example.com" }).url).toBe(
      "https://console.example.com/alarms/oven-overheat%3Aoven-3",
    );
    expect(plainJson(detail, {})).not.toHaveProperty("url");
  });
});
