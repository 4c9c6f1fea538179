import { describe, expect, it } from "vitest";
import { checkAlarmEventDetail, checkAlarmReminderDetail } from "../../../../shared/contracts/alarmEvent.ts";
import { isReminder } from "../../../../shared/domain/alarms/alarmEvent.ts";
import { emailBody } from "../../../../shared/domain/notifications/emailBody.ts";
import type { NotificationContext } from "../../../../shared/domain/notifications/notificationContext.ts";
import { pagerDutyEvent } from "../../../../shared/domain/notifications/pagerDutyEvent.ts";
import { plainJson } from "../../../../shared/domain/notifications/plainJson.ts";
import { slackMessage } from "../../../../shared/domain/notifications/slackMessage.ts";
import { smsText } from "../../../../shared/domain/notifications/smsText.ts";
import { subject } from "../../../../shared/domain/notifications/subject.ts";
import { teamsMessage } from "../../../../shared/domain/notifications/teamsMessage.ts";
import { ALARM_EVENTS, type AlarmEventCase } from "./alarmEvents.ts";
import { expectGolden } from "./golden.ts";

const CONSOLE = "https://plantwatch.example.com/";
const ROUTING_KEY = "R0UT1NGKEY0F7HEPAGERDUTY5ERV1CE";

/** A different deployment for each case: with and without a console, in three time zones. */
const CONTEXTS: Record<AlarmEventCase, NotificationContext> = {
  "threshold-raised": { consoleUrl: CONSOLE, timeZone: "Europe/Berlin" },
  "threshold-cleared": { consoleUrl: CONSOLE, timeZone: "Europe/Berlin" },
  acknowledged: { consoleUrl: CONSOLE, timeZone: "Europe/Berlin" },
  latched: { timeZone: "Europe/Berlin" },
  "offline-raised": {},
  "unicode-raised": { consoleUrl: CONSOLE, timeZone: "Europe/Berlin" },
  "unicode-snoozed": { timeZone: "Asia/Tokyo" },
  "long-names": {
    consoleUrl: CONSOLE,
    timeZone: "America/Chicago",
    ackCommand: (alarmId) => `plantwatch alarms ack ${alarmId} --stack plantwatch-prod`,
  },
  "repeat-reminder": { consoleUrl: CONSOLE, timeZone: "Europe/Berlin" },
  escalated: { timeZone: "Europe/Berlin" },
};

describe.each(Object.keys(ALARM_EVENTS) as AlarmEventCase[])("notifications for %s", (name) => {
  const detail = ALARM_EVENTS[name]();
  const context = CONTEXTS[name];

  it("start from a valid C5 detail (or reminder detail)", () => {
    const check = isReminder(detail) ? checkAlarmReminderDetail : checkAlarmEventDetail;
    expect(check(detail)).toEqual({ ok: true, detail });
  });

  it("match the golden subject", () => expectGolden(`${name}.subject.txt`, subject(detail)));
  it("match the golden e-mail body", () =>
    expectGolden(`${name}.email.txt`, emailBody(detail, context).trimEnd()));
  it("match the golden SMS", () => expectGolden(`${name}.sms.txt`, smsText(detail, context)));
  it("match the golden Slack message", () =>
    expectGolden(`${name}.slack.json`, slackMessage(detail, context)));
  it("match the golden Teams card", () => expectGolden(`${name}.teams.json`, teamsMessage(detail, context)));
  it("match the golden PagerDuty event", () =>
    expectGolden(
      `${name}.pagerduty.json`,
      pagerDutyEvent(detail, {
        routingKey: ROUTING_KEY,
        ...(context.consoleUrl ? { consoleUrl: context.consoleUrl } : {}),
      }),
    ));
  it("match the golden plain JSON", () => expectGolden(`${name}.plain.json`, plainJson(detail, context)));
});
