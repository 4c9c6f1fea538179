import { type AlarmEventDetail, isReminder } from "../alarms/alarmEvent.ts";
import { format } from "../alarms/condition.ts";
import type { Severity } from "../alarms/rule.ts";
import { oneLine } from "./text.ts";

/**
 * What a transition means to an operator, from the new state (and, for NORMAL, the old one):
 * the one place every channel takes its tag, emoji, colour and advice from.
 */
export type Outcome = "raised" | "latched" | "acknowledged" | "resolved" | "snoozed" | "disabled" | "enabled";

export function outcomeOf(detail: AlarmEventDetail): Outcome {
  switch (detail.state.value) {
    case "ACTIVE":
      return "raised";
    case "LATCHED":
      return "latched";
    case "ACKNOWLEDGED":
      return "acknowledged";
    case "SNOOZED":
      return "snoozed";
    case "DISABLED":
      return "disabled";
    case "NORMAL":
      return detail.state.previous === "DISABLED" ? "enabled" : "resolved";
  }
}

/** Raised and latched alarms wait for an operator; every other outcome is news. */
export function needsAction(outcome: Outcome): outcome is "raised" | "latched" {
  return outcome === "raised" || outcome === "latched";
}

const TAGS: Record<Exclude<Outcome, "raised" | "latched">, string> = {
  acknowledged: "ACK",
  resolved: "RESOLVED",
  snoozed: "SNOOZED",
  disabled: "DISABLED",
  enabled: "ENABLED",
};

/**
 * For an `Alarm Reminder`: `REMINDER 2`, or `ESCALATED from major` (the severity the rule has;
 * `rule.severity` is already the escalated one). Undefined for a transition.
 */
export function reminderLabel(detail: AlarmEventDetail): string | undefined {
  if (!isReminder(detail)) return undefined;
  const { kind, number, escalatedFrom } = detail.reminder;
  return kind === "escalate" && escalatedFrom !== undefined
    ? `ESCALATED from ${escalatedFrom}`
    : `REMINDER ${number}`;
}

/**
 * `CRITICAL` while the alarm needs an operator (`CRITICAL REMINDER 2`, `CRITICAL ESCALATED from
 * major` for a reminder), else what happened: `ACK`, `RESOLVED`, ...
 */
export function tagOf(detail: AlarmEventDetail): string {
  const outcome = outcomeOf(detail);
  if (!needsAction(outcome)) return TAGS[outcome];
  const label = reminderLabel(detail);
  const severity = detail.rule.severity.toUpperCase();
  return label === undefined ? severity : `${severity} ${label}`;
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: "🔴",
  major: "🟠",
  minor: "🟡",
  warning: "⚠️",
  info: "🔵",
};

const OUTCOME_EMOJI: Record<Exclude<Outcome, "raised" | "latched">, string> = {
  acknowledged: "👀",
  resolved: "✅",
  snoozed: "💤",
  disabled: "🔕",
  enabled: "🔔",
};

export function emojiOf(detail: AlarmEventDetail): string {
  const outcome = outcomeOf(detail);
  return needsAction(outcome) ? SEVERITY_EMOJI[detail.rule.severity] : OUTCOME_EMOJI[outcome];
}

/** `plant-1/line-2`, `plant-1`, `line-2`, or undefined when the device has neither. */
export function whereOf(detail: AlarmEventDetail, separator = "/"): string | undefined {
  const where = [detail.device.site, detail.device.line]
    .map((name) => (name === undefined ? "" : oneLine(name)))
    .filter((name) => name !== "");
  return where.length === 0 ? undefined : where.join(separator);
}

/** The engine's reason on one line; the rule's name when the reason is empty. */
export function reasonOf(detail: AlarmEventDetail): string {
  return oneLine(detail.state.reason) || oneLine(detail.rule.name);
}

/** `temperature = 262.4`; strings quoted as the reasons quote them. */
export function triggerText(trigger: NonNullable<AlarmEventDetail["trigger"]>): string {
  return `${oneLine(trigger.metric)} = ${oneLine(format(trigger.value))}`;
}

export function stateChange(detail: AlarmEventDetail, arrow = "→"): string {
  // A reminder is not a change: say what it still is.
  if (isReminder(detail)) return `${detail.state.value}, not acknowledged`;
  return `${detail.state.previous} ${arrow} ${detail.state.value}`;
}

/** How the local stack names its operator: `local:{os user}`. */
const LOCAL_ACTOR_PREFIX = "local:";

/**
 * Who acted, as a colleague would say it: the last part of an IAM ARN (`user/ana` → `ana`,
 * `assumed-role/Operator/ana` → `ana`), the user of a local stack's id (`local:root` → `root`),
 * any other id as it is.
 */
export function actorName(id: string): string {
  const name = oneLine(id);
  if (name.startsWith(LOCAL_ACTOR_PREFIX)) return name.slice(LOCAL_ACTOR_PREFIX.length) || name;
  if (!name.startsWith("arn:")) return name;
  const resource = name.split(":").slice(5).join(":");
  return resource.split("/").at(-1) || name;
}

/** What the reader should do now, in one sentence, and whether that is to acknowledge. */
export function nextStep(detail: AlarmEventDetail): {
  readonly advice: string;
  readonly acknowledge: boolean;
} {
  const by = detail.actor ? actorName(detail.actor.id) : "An operator";
  switch (outcomeOf(detail)) {
    case "raised":
      return {
        advice:
          detail.rule.kind === "offline"
            ? "Check the device's power and network, and acknowledge the alarm so others know you are on it:"
            : "Acknowledge it so others know you are on it:",
        acknowledge: true,
      };
    case "latched":
      return {
        advice: "The condition has cleared, but this rule latches: acknowledge it to re-arm the alarm:",
        acknowledge: true,
      };
    case "acknowledged":
      return {
        advice: `${by} is on it. No action needed; the alarm returns to NORMAL when the condition clears.`,
        acknowledge: false,
      };
    case "resolved":
      return { advice: "No action needed: the alarm is back to NORMAL and armed again.", acknowledge: false };
    case "snoozed":
      return {
        advice: "No notifications until the snooze ends; then the rule is evaluated again.",
        acknowledge: false,
      };
    case "disabled":
      return { advice: "This alarm will not raise again until it is enabled.", acknowledge: false };
    case "enabled":
      return { advice: "The alarm is evaluated again from now on.", acknowledge: false };
  }
}
