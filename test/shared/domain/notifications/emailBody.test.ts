import { describe, expect, it } from "vitest";
import { emailBody } from "../../../../shared/domain/notifications/emailBody.ts";
import { ALARM_EVENTS } from "./alarmEvents.ts";

const raised = ALARM_EVENTS["threshold-raised"]();

describe("emailBody", () => {
  it("tells the time in UTC by default and in the plant's zone when given", () => {
    expect(emailBody(raised)).toContain(
      "\nSince\n  Wed 25 Nov 2026 12:03:09 UTC\n  2026-11-25T12:03:09.500Z\n",
    );
    expect(emailBody(raised, { timeZone: "America/Chicago" })).toContain(
      "  Wed 25 Nov 2026 06:03:09 GMT-6 (America/Chicago)\n",
    );
  });

  it("falls back to UTC, and says so, for a time zone that does not exist", () => {
    expect(emailBody(raised, { timeZone: "Mars/Olympus_Mons" })).toContain(
      '  Wed 25 Nov 2026 12:03:09 UTC (time zone "Mars/Olympus_Mons" is unknown)\n',
    );
  });

  it("gives the acknowledge command, the deployment's own when it has one", () => {
    expect(emailBody(raised)).toContain("\n    npx plantwatch alarms ack oven-overheat:oven-3\n");
    expect(emailBody(raised, { ackCommand: (id) => `pw ack ${id} --profile night` })).toContain(
      "\n    pw ack oven-overheat:oven-3 --profile night\n",
    );
  });

  it("links the alarm page only when there is a console", () => {
    expect(emailBody(raised)).not.toContain("Alarm page");
    expect(emailBody(raised, { consoleUrl: "https://plantwatch.example.com//" })).toContain(
      "  Alarm page and history: https://plantwatch.example.com/alarms/oven-overheat%3Aoven-3\n",
    );
  });

  it("says who acted and keeps the lines of their note aligned", () => {
    expect(emailBody(ALARM_EVENTS.acknowledged())).toContain(
      [
        "Who",
        "  By:       arn:aws:iam::123456789012:user/ana",
        "  Note:     checking burner 2",
        "            back in 10 min, do not restart the line",
      ].join("\n"),
    );
    expect(emailBody(raised)).not.toContain("\nWho\n");
  });

  it("keeps event text from adding lines or control characters", () => {
    const hostile = {
      ...raised,
      rule: { ...raised.rule, name: "Oven\r\nBcc: attacker@example.com\u0007" },
      state: { ...raised.state, reason: "line one\nline two\u202E" },
    };
    const body = emailBody(hostile);
    expect(body).toContain(
      "CRITICAL alarm raised: Oven Bcc: attacker@example.com on oven-3\nline one line two\n",
    );
    expect(body).not.toMatch(/[^\P{Cc}\n]|\u202e/u);
  });
});
