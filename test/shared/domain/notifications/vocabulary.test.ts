import { describe, expect, it } from "vitest";
import type { AlarmStateName } from "../../../../shared/domain/alarms/alarmState.ts";
import {
  actorName,
  emojiOf,
  nextStep,
  outcomeOf,
  tagOf,
} from "../../../../shared/domain/notifications/vocabulary.ts";
import { ALARM_EVENTS } from "./alarmEvents.ts";

const raised = ALARM_EVENTS["threshold-raised"]();
const inState = (value: AlarmStateName, previous: AlarmStateName) => ({
  ...raised,
  state: { ...raised.state, value, previous },
});

describe("outcomeOf", () => {
  it.each([
    ["ACTIVE", "NORMAL", "raised", "CRITICAL", "🔴"],
    ["LATCHED", "ACTIVE", "latched", "CRITICAL", "🔴"],
    ["ACKNOWLEDGED", "ACTIVE", "acknowledged", "ACK", "👀"],
    ["NORMAL", "ACKNOWLEDGED", "resolved", "RESOLVED", "✅"],
    ["NORMAL", "LATCHED", "resolved", "RESOLVED", "✅"],
    ["NORMAL", "DISABLED", "enabled", "ENABLED", "🔔"],
    ["SNOOZED", "NORMAL", "snoozed", "SNOOZED", "💤"],
    ["DISABLED", "ACTIVE", "disabled", "DISABLED", "🔕"],
  ] as const)("calls %s from %s %s, tagged %s with %s", (value, previous, outcome, tag, emoji) => {
    const detail = inState(value, previous);
    expect(outcomeOf(detail)).toBe(outcome);
    expect(tagOf(detail)).toBe(tag);
    expect(emojiOf(detail)).toBe(emoji);
  });

  it("tags and colours alarms that need an operator by severity", () => {
    const rule = (severity: "major" | "minor" | "warning" | "info") => ({
      ...raised,
      rule: { ...raised.rule, severity },
    });
    expect(["major", "minor", "warning", "info"].map((s) => tagOf(rule(s as "major")))).toEqual([
      "MAJOR",
      "MINOR",
      "WARNING",
      "INFO",
    ]);
    expect(["major", "minor", "warning", "info"].map((s) => emojiOf(rule(s as "major")))).toEqual([
      "🟠",
      "🟡",
      "⚠️",
      "🔵",
    ]);
  });
});

describe("nextStep", () => {
  it("asks to acknowledge only what waits for an operator", () => {
    const asks = (["ACTIVE", "LATCHED", "ACKNOWLEDGED", "NORMAL", "SNOOZED", "DISABLED"] as const).map(
      (value) => nextStep(inState(value, "ACTIVE")).acknowledge,
    );
    expect(asks).toEqual([true, true, false, false, false, false]);
  });

  it("points an offline alarm at power and network", () => {
    expect(nextStep(ALARM_EVENTS["offline-raised"]()).advice).toMatch(
      /^Check the device's power and network/,
    );
  });

  it("says who is on an acknowledged alarm", () => {
    expect(nextStep(ALARM_EVENTS.acknowledged()).advice).toMatch(/^ana is on it\./);
  });
});

describe("actorName", () => {
  it.each([
    ["arn:aws:iam::123456789012:user/ana", "ana"],
    ["arn:aws:iam::123456789012:user/ops/night/ana", "ana"],
    ["arn:aws:sts::123456789012:assumed-role/Operator/ana@example.com", "ana@example.com"],
    ["arn:aws:iam::123456789012:root", "root"],
    ["local:ana", "ana"],
    ["local:root", "root"],
    ["local:DOMAIN\\ana", "DOMAIN\\ana"],
    ["local:", "local:"],
    ["localhost:ana", "localhost:ana"],
    ["ana", "ana"],
    ["jürgen\nbob", "jürgen bob"],
  ])("names %s as %s", (id, name) => {
    expect(actorName(id)).toBe(name);
  });
});
