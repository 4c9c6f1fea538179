import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALARM_STATES, type AlarmStateName } from "../../../../shared/domain/alarms/alarmState.ts";
import { SEVERITIES } from "../../../../shared/domain/alarms/rule.ts";
import {
  PAGERDUTY_SUMMARY_MAX_LENGTH,
  pagerDutyEvent,
} from "../../../../shared/domain/notifications/pagerDutyEvent.ts";
import { ALARM_EVENTS } from "./alarmEvents.ts";
import { arbitraryDetail, PROPERTY_OPTIONS } from "./arbitraryDetail.ts";

const raised = ALARM_EVENTS["threshold-raised"]();
const routingKey = "R0UT1NGKEY";

/** The table in pagerDutyEvent.ts, restated. */
const EXPECTED_ACTION: Record<AlarmStateName, string> = {
  ACTIVE: "trigger",
  LATCHED: "trigger",
  ACKNOWLEDGED: "acknowledge",
  SNOOZED: "acknowledge",
  NORMAL: "resolve",
  DISABLED: "resolve",
};

describe("pagerDutyEvent", () => {
  it.each(ALARM_STATES)("maps %s to its event action, keyed by the alarm id", (value) => {
    const event = pagerDutyEvent({ ...raised, state: { ...raised.state, value } }, { routingKey });
    expect(event.event_action).toBe(EXPECTED_ACTION[value]);
    expect(event.dedup_key).toBe("oven-overheat:oven-3");
    expect(event.routing_key).toBe(routingKey);
  });

  it("sends only the key on acknowledge and resolve", () => {
    expect(pagerDutyEvent(ALARM_EVENTS.acknowledged(), { routingKey })).toEqual({
      routing_key: routingKey,
      event_action: "acknowledge",
      dedup_key: "oven-overheat:oven-3",
    });
    expect(Object.keys(pagerDutyEvent(ALARM_EVENTS["threshold-cleared"](), { routingKey }))).toEqual([
      "routing_key",
      "event_action",
      "dedup_key",
    ]);
  });

  it("describes a trigger for the responder", () => {
    expect(pagerDutyEvent(raised, { routingKey })).toEqual({
      routing_key: routingKey,
      event_action: "trigger",
      dedup_key: "oven-overheat:oven-3",
      payload: {
        summary:
          "Oven temperature too high: oven-3 ACTIVE — temperature 262.4 > 250 for 60s (plant-1/line-2)",
        source: "oven-3",
        severity: "critical",
        timestamp: "2026-11-25T12:03:09.500Z",
        component: "plant-1/line-2",
        group: "oven-overheat",
        class: "threshold",
        custom_details: raised,
      },
      client: "plantwatch",
    });
  });

  it.each([
    ["critical", "critical"],
    ["major", "error"],
    ["minor", "warning"],
    ["warning", "warning"],
    ["info", "info"],
  ] as const)("maps severity %s to %s", (severity, expected) => {
    const event = pagerDutyEvent({ ...raised, rule: { ...raised.rule, severity } }, { routingKey });
    expect(event.event_action === "trigger" && event.payload.severity).toBe(expected);
  });

  it("covers every severity", () => {
    expect(SEVERITIES).toHaveLength(5);
  });

  it("keeps a C5 alarm id within PagerDuty's 255-character dedup key", () => {
    expect(pagerDutyEvent(ALARM_EVENTS["long-names"](), { routingKey }).dedup_key).toHaveLength(192);
  });

  it("keys every event by its alarm id and keeps the summary within 1024 characters", () => {
    fc.assert(
      fc.property(arbitraryDetail, (detail) => {
        const event = pagerDutyEvent(detail, { routingKey, consoleUrl: "https://plantwatch.example.com" });
        expect(event.dedup_key).toBe(detail.alarmId);
        expect(event.event_action).toBe(EXPECTED_ACTION[detail.state.value]);
        if (event.event_action === "trigger") {
          expect(event.payload.summary.length).toBeLessThanOrEqual(PAGERDUTY_SUMMARY_MAX_LENGTH);
          expect(event.payload.summary).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
          expect(event.payload.custom_details).toBe(detail);
        }
      }),
      PROPERTY_OPTIONS,
    );
  });
});
