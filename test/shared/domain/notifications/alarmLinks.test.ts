import { describe, expect, it } from "vitest";
import { planNotification } from "../../../../shared/domain/notifications/notificationPlan.ts";
import { ALARM_EVENTS, type AlarmEventCase } from "./alarmEvents.ts";

const CONSOLE = "https://d111111abcdef8.cloudfront.net";
/** `{console}/alarms/{alarmId}`, the id percent-encoded (its `:` too), as the console routes it. */
const PAGE = `${CONSOLE}/alarms/oven-overheat%3Aoven-3`;

/** The six channels of one alarm event as the notify function sends them, each as text. */
function channels(name: AlarmEventCase, consoleUrl?: string) {
  const plan = planNotification(ALARM_EVENTS[name](), {
    timeZone: "Europe/Berlin",
    ...(consoleUrl === undefined ? {} : { consoleUrl }),
  });
  const texts = plan.topicMessage?.texts;
  if (texts === undefined) throw new Error(`${name} is not sent to e-mail and SMS subscribers`);
  const { slack, teams, pagerduty, json } = plan.webhookEvent.payloads;
  return {
    email: texts.email,
    sms: texts.sms,
    slack: JSON.stringify(slack),
    teams: JSON.stringify(teams),
    pagerduty: JSON.stringify(pagerduty),
    json: JSON.stringify(json),
  };
}

/** Every alarm with the oven's id that e-mail and SMS subscribers hear of. */
const OVEN_CASES = [
  "threshold-raised",
  "threshold-cleared",
  "acknowledged",
  "latched",
  "repeat-reminder",
  "escalated",
] as const satisfies readonly AlarmEventCase[];

describe("links to the alarm's page", () => {
  describe.each(OVEN_CASES)("%s", (name) => {
    it.each(["email", "sms", "slack", "teams", "json"] as const)(
      "are in the %s message when the deployment has a console",
      (channel) => {
        expect(channels(name, CONSOLE)[channel]).toContain(PAGE);
      },
    );

    it("are in the PagerDuty event when it opens an incident", () => {
      const { pagerduty } = channels(name, CONSOLE);
      // Acknowledge and resolve carry only the key: PagerDuty ignores anything else on them, and
      // the incident keeps the link of the trigger that opened it.
      if (JSON.parse(pagerduty).event_action === "trigger") expect(pagerduty).toContain(PAGE);
      else
        expect(JSON.parse(pagerduty)).toEqual({
          event_action: expect.any(String),
          dedup_key: "oven-overheat:oven-3",
        });
    });

    it.each(["email", "sms", "slack", "teams", "pagerduty", "json"] as const)(
      "are not in the %s message when it has none",
      (channel) => {
        // Teams cards name their schema by URL, so look for the page, not for any link.
        expect(channels(name)[channel]).not.toMatch(/\/alarms\/|cloudfront/);
      },
    );
  });

  it("end the SMS, whole, within one message", () => {
    const { sms } = channels("threshold-raised", `${CONSOLE}/`);
    expect(sms.endsWith(` ${PAGE}`)).toBe(true);
    expect(sms.length).toBeLessThanOrEqual(140);
  });

  it("are a field of their own in the plain JSON body", () => {
    const { json } = channels("acknowledged", CONSOLE);
    expect(JSON.parse(json)).toMatchObject({ "detail-type": "Alarm State Change", url: PAGE });
    expect(JSON.parse(channels("acknowledged").json)).not.toHaveProperty("url");
  });
});
