import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CardElement,
  type TeamsMessage,
  teamsMessage,
} from "../../../../shared/domain/notifications/teamsMessage.ts";
import { ALARM_EVENTS } from "./alarmEvents.ts";
import { arbitraryDetail, PROPERTY_OPTIONS } from "./arbitraryDetail.ts";

const raised = ALARM_EVENTS["threshold-raised"]();

function card(message: TeamsMessage) {
  return message.attachments[0].content;
}

function elements(body: readonly CardElement[]): CardElement[] {
  return body.flatMap((element) =>
    element.type === "Container" ? [element, ...elements(element.items)] : [element],
  );
}

describe("teamsMessage", () => {
  it("is a message with one Adaptive Card 1.4", () => {
    const message = teamsMessage(raised);
    expect(message.type).toBe("message");
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card(message)).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
  });

  it.each([
    ["critical", "ACTIVE", "attention"],
    ["major", "ACTIVE", "attention"],
    ["minor", "ACTIVE", "warning"],
    ["warning", "LATCHED", "warning"],
    ["info", "ACTIVE", "accent"],
    ["critical", "NORMAL", "good"],
    ["critical", "ACKNOWLEDGED", "emphasis"],
    ["critical", "SNOOZED", "emphasis"],
  ] as const)("colours a %s alarm that is %s with %s", (severity, value, style) => {
    const detail = { ...raised, rule: { ...raised.rule, severity }, state: { ...raised.state, value } };
    expect(card(teamsMessage(detail)).body[0]).toMatchObject({ type: "Container", style });
  });

  it("puts event text only in text runs, which Teams never reads as markdown", () => {
    const detail = { ...raised, rule: { ...raised.rule, name: "[click](https://evil.example) **now**" } };
    const body = elements(card(teamsMessage(detail)).body);
    expect(body.every((element) => element.type === "RichTextBlock" || element.type === "Container")).toBe(
      true,
    );
    expect(JSON.stringify(body)).toContain('"text":"[click](https://evil.example) **now**"');
  });

  it("has a button to the alarm page only when there is a console", () => {
    expect(card(teamsMessage(raised)).actions).toBeUndefined();
    expect(card(teamsMessage(raised, { consoleUrl: "https://plantwatch.example.com/" })).actions).toEqual([
      {
        type: "Action.OpenUrl",
        title: "Open the alarm page",
        url: "https://plantwatch.example.com/alarms/oven-overheat%3Aoven-3",
      },
    ]);
  });

  it("stays below Teams' 28 KB for any event, without control characters", () => {
    fc.assert(
      fc.property(arbitraryDetail, (detail) => {
        const json = JSON.stringify(teamsMessage(detail, { consoleUrl: "https://plantwatch.example.com" }));
        expect(Buffer.byteLength(json)).toBeLessThanOrEqual(27_000);
        const runs = elements(card(JSON.parse(json)).body).flatMap((e) =>
          e.type === "RichTextBlock" ? e.inlines : [],
        );
        for (const run of runs) expect(run.text).not.toMatch(/[\p{Cc}\u2028\u2029\uD800-\uDFFF]/u);
      }),
      PROPERTY_OPTIONS,
    );
  });
});
