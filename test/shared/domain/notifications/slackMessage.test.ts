import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AlarmEventDetail } from "../../../../shared/domain/alarms/alarmEvent.ts";
import {
  escapeSlack,
  type SlackMessage,
  slackMessage,
} from "../../../../shared/domain/notifications/slackMessage.ts";
import { ALARM_EVENTS } from "./alarmEvents.ts";
import { arbitraryDetail, PROPERTY_OPTIONS } from "./arbitraryDetail.ts";

const raised = ALARM_EVENTS["threshold-raised"]();

/** Every text object of the message, with where it is. */
function texts(message: SlackMessage): { where: string; text: string }[] {
  return [
    { where: "text", text: message.text },
    ...message.blocks.flatMap((block, index) => {
      const objects =
        block.type === "context"
          ? block.elements
          : [block.text, ...(block.type === "section" ? (block.fields ?? []) : [])];
      return objects.map((object) => ({ where: `blocks[${index}] ${block.type}`, text: object.text }));
    }),
  ];
}

/** What is left once the controls we write on purpose are taken out: dates and the console link. */
function withoutOurControls(text: string): string {
  return text
    .replace(/<!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|[^<>|]*>/gu, "")
    .replace(/<https:\/\/plantwatch\.example\.com\/alarms\/[^<>|\s]*\|Open the alarm page>/gu, "");
}

const isEscaped = (text: string) => !/[<>]/u.test(text) && !/&(?!amp;|lt;|gt;)/u.test(text);

describe("escapeSlack", () => {
  it("escapes the three characters Slack parses, and only those", () => {
    expect(escapeSlack(`<!channel> a & b > c "d" 'e'`)).toBe(`&lt;!channel&gt; a &amp; b &gt; c "d" 'e'`);
  });
});

describe("slackMessage", () => {
  it("has a header, a section with fields and a context line", () => {
    const message = slackMessage(raised, { consoleUrl: "https://plantwatch.example.com" });
    expect(message.blocks.map((block) => block.type)).toEqual(["header", "section", "section", "context"]);
    expect(message.text).toBe(
      "🔴 [CRITICAL] oven-3 ACTIVE — temperature 262.4 &gt; 250 for 60s (plant-1/line-2)",
    );
  });

  it("escapes markup and mentions in every field that comes from the event", () => {
    const hostile: AlarmEventDetail = {
      ...raised,
      rule: { ...raised.rule, name: "<!channel> wake up & <https://evil.example|click here>" },
      device: { ...raised.device, site: "<@U123>", line: "a>b" },
      state: { ...raised.state, reason: "pressure < 3 & falling" },
      actor: { id: "<!here>", note: "see <https://evil.example>" },
    };
    const message = slackMessage(hostile, {});
    for (const { where, text } of texts(message))
      expect(isEscaped(withoutOurControls(text)), where).toBe(true);
    expect(JSON.stringify(message)).toContain(
      "&lt;!channel&gt; wake up &amp; &lt;https://evil.example|click here&gt;",
    );
  });

  it("links the alarm page, escaped, only when there is a console", () => {
    const context = (message: SlackMessage) => JSON.stringify(message.blocks.at(-1));
    expect(context(slackMessage(raised, {}))).not.toContain("Open the alarm page");
    expect(context(slackMessage(raised, { consoleUrl: "https://c.example/x?a=1&b=<2>|" }))).toContain(
      "<https://c.example/x?a=1&amp;b=&lt;2&gt;%7C/alarms/oven-overheat%3Aoven-3|Open the alarm page>",
    );
  });

  it("shows the time in each reader's zone, with the plant's as fallback", () => {
    expect(JSON.stringify(slackMessage(raised, { timeZone: "Europe/Berlin" }))).toContain(
      "<!date^1795608189^{date_short_pretty} {time_secs}|Wed 25 Nov 2026 13:03:09 CET (Europe/Berlin)>",
    );
  });

  it("escapes any event and keeps within Block Kit's limits", () => {
    fc.assert(
      fc.property(arbitraryDetail, (detail) => {
        const message = slackMessage(detail, { consoleUrl: "https://plantwatch.example.com" });
        for (const { where, text } of texts(message)) {
          expect(isEscaped(withoutOurControls(text)), `${where}: ${text}`).toBe(true);
          expect(text).not.toMatch(/[\uD800-\uDFFF]/u);
        }
        const [header, section] = message.blocks;
        expect(header?.type === "header" && header.text.text.length).toBeLessThanOrEqual(150);
        expect(section?.type === "section" && section.text.text.length).toBeLessThanOrEqual(3000);
        const fields = section?.type === "section" ? (section.fields ?? []) : [];
        expect(fields.length).toBeLessThanOrEqual(10);
        for (const field of fields) expect(field.text.length).toBeLessThanOrEqual(2000);
      }),
      PROPERTY_OPTIONS,
    );
  });
});
