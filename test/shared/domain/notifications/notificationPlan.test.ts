import { describe, expect, it } from "vitest";
import { checkAlarmNotificationDetail } from "../../../../shared/contracts/alarmNotification.ts";
import type { AlarmEventDetail } from "../../../../shared/domain/alarms/alarmEvent.ts";
import type { AlarmStateName } from "../../../../shared/domain/alarms/alarmState.ts";
import { emailBody } from "../../../../shared/domain/notifications/emailBody.ts";
import {
  MAX_NOTIFICATION_DETAIL_BYTES,
  planNotification,
  tellsOperators,
} from "../../../../shared/domain/notifications/notificationPlan.ts";
import { smsText } from "../../../../shared/domain/notifications/smsText.ts";
import { subject } from "../../../../shared/domain/notifications/subject.ts";
import { teamsMessage } from "../../../../shared/domain/notifications/teamsMessage.ts";
import { ALARM_EVENTS } from "./alarmEvents.ts";

const raised = ALARM_EVENTS["threshold-raised"]();
const CONTEXT = { consoleUrl: "https://plantwatch.example.com", timeZone: "Europe/Berlin" };

function transition(previous: AlarmStateName, value: AlarmStateName): AlarmEventDetail {
  return { ...raised, state: { ...raised.state, previous, value } };
}

const utf8Length = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");

describe("tellsOperators", () => {
  it.each([
    ["NORMAL", "ACTIVE", true],
    ["SNOOZED", "ACTIVE", true],
    ["ACTIVE", "LATCHED", true],
    ["ACTIVE", "ACKNOWLEDGED", true],
    ["ACTIVE", "SNOOZED", true],
    ["LATCHED", "SNOOZED", true],
    ["ACTIVE", "NORMAL", true],
    ["ACKNOWLEDGED", "NORMAL", true],
    ["LATCHED", "NORMAL", true],
    ["SNOOZED", "NORMAL", true],
    ["ACTIVE", "DISABLED", true],
    ["ACKNOWLEDGED", "DISABLED", true],
    ["NORMAL", "SNOOZED", false],
    ["NORMAL", "DISABLED", false],
    ["DISABLED", "NORMAL", false],
  ] as const)("%s → %s: %s", (previous, value, expected) => {
    expect(tellsOperators(transition(previous, value))).toBe(expected);
  });

  it("tells of every reminder", () => {
    expect(tellsOperators(ALARM_EVENTS["repeat-reminder"]())).toBe(true);
    expect(tellsOperators(ALARM_EVENTS.escalated())).toBe(true);
  });
});

describe("planNotification", () => {
  it("pages for a critical alarm, with the channel's texts and filterable attributes", () => {
    const plan = planNotification(raised, CONTEXT);
    expect(plan).toMatchObject({
      eventKey: "oven-overheat:oven-3|ACTIVE|2026-11-25T12:03:09.500Z",
      kind: "transition",
      channel: "page",
    });
    expect(plan.topicMessage).toEqual({
      channel: "page",
      subject: subject(raised),
      texts: {
        default: emailBody(raised, CONTEXT),
        email: emailBody(raised, CONTEXT),
        sms: smsText(raised, CONTEXT),
      },
      attributes: {
        severity: "critical",
        state: "ACTIVE",
        alarmId: "oven-overheat:oven-3",
        kind: "transition",
      },
    });
  });

  it("sends a minor alarm to the notify topic", () => {
    const plan = planNotification(ALARM_EVENTS["unicode-raised"](), CONTEXT);
    expect(plan.channel).toBe("notify");
    expect(plan.topicMessage?.channel).toBe("notify");
    expect(plan.webhookEvent.channel).toBe("notify");
  });

  it("makes no topic message for housekeeping, but still a webhook event", () => {
    const plan = planNotification(transition("DISABLED", "NORMAL"), CONTEXT);
    expect(plan.topicMessage).toBeUndefined();
    expect(plan.webhookEvent.payloads.pagerduty).toEqual({
      event_action: "resolve",
      dedup_key: "oven-overheat:oven-3",
    });
  });

  it("builds a valid Alarm Notification with each vendor's body and no secret or channel", () => {
    const { webhookEvent } = planNotification(raised, CONTEXT);
    expect(checkAlarmNotificationDetail(webhookEvent)).toEqual({ ok: true });
    expect(webhookEvent).toMatchObject({
      version: "1",
      alarmId: "oven-overheat:oven-3",
      eventKey: "oven-overheat:oven-3|ACTIVE|2026-11-25T12:03:09.500Z",
      kind: "transition",
      severity: "critical",
      channel: "page",
      state: "ACTIVE",
      thingName: "oven-3",
      site: "plant-1",
      line: "line-2",
    });
    expect(webhookEvent).not.toHaveProperty("replayTo");
    const { slack, teams, pagerduty, json } = webhookEvent.payloads;
    expect(Object.keys(slack).sort()).toEqual(["blocks", "text"]);
    expect(teams).toEqual(teamsMessage(raised, CONTEXT));
    expect(pagerduty).not.toHaveProperty("routing_key");
    expect(pagerduty).toMatchObject({ event_action: "trigger", dedup_key: "oven-overheat:oven-3" });
    expect(json).toEqual({
      "detail-type": "Alarm State Change",
      source: "plantwatch",
      time: raised.state.timestamp,
      detail: raised,
      url: "https://plantwatch.example.com/alarms/oven-overheat%3Aoven-3",
    });
  });

  it("marks reminders as such, with the escalated severity and its own key", () => {
    const escalated = ALARM_EVENTS.escalated();
    const plan = planNotification(escalated, CONTEXT);
    expect(plan).toMatchObject({ kind: "escalate", channel: "page" });
    expect(plan.eventKey).toBe("oven-overheat:oven-3|ACTIVE|2026-11-25T13:03:12.000Z|reminder-2");
    expect(plan.topicMessage?.attributes).toMatchObject({ kind: "escalate", severity: "critical" });
    expect(plan.webhookEvent).toMatchObject({ kind: "escalate", severity: "critical" });
    expect(plan.webhookEvent.payloads.json["detail-type"]).toBe("Alarm Reminder");
    expect(planNotification(ALARM_EVENTS["repeat-reminder"](), CONTEXT).kind).toBe("repeat");
  });

  it("keeps the event under EventBridge's 256 KB with the longest names", () => {
    const longest = ALARM_EVENTS["long-names"]();
    const { webhookEvent } = planNotification(longest, CONTEXT);
    expect(utf8Length(webhookEvent)).toBeLessThanOrEqual(MAX_NOTIFICATION_DETAIL_BYTES);
    expect(utf8Length(webhookEvent.payloads.teams)).toBeLessThanOrEqual(28 * 1024);
  });

  it("cuts unbounded texts when the whole event would be too large, keeping every payload", () => {
    const wide = "炉温过高🔥".repeat(20_000);
    const huge: AlarmEventDetail = {
      ...ALARM_EVENTS.acknowledged(),
      state: { ...ALARM_EVENTS.acknowledged().state, reason: wide },
      actor: { id: "arn:aws:iam::123456789012:user/ana", note: wide },
    };
    expect(utf8Length(huge)).toBeGreaterThan(256 * 1024);
    const { webhookEvent } = planNotification(huge, CONTEXT);
    expect(utf8Length(webhookEvent)).toBeLessThanOrEqual(MAX_NOTIFICATION_DETAIL_BYTES);
    expect(checkAlarmNotificationDetail(webhookEvent)).toEqual({ ok: true });
    expect(webhookEvent.payloads.json.detail.actor?.note?.length).toBeLessThanOrEqual(1000);
    expect(webhookEvent.payloads.json.detail.alarmId).toBe(huge.alarmId);
  });
});
