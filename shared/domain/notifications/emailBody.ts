import { type AlarmEventDetail, type AlarmReminderDetail, isReminder } from "../alarms/alarmEvent.ts";
import { ackCommandFor, alarmUrl, type NotificationContext } from "./notificationContext.ts";
import { lines, oneLine, truncate } from "./text.ts";
import { humanTime } from "./times.ts";
import {
  actorName,
  nextStep,
  type Outcome,
  outcomeOf,
  reasonOf,
  reminderLabel,
  stateChange,
  triggerText,
} from "./vocabulary.ts";

const INDENT = "  ";
const LABEL_WIDTH = 10;

/** `  Label:    value`, further lines of the value aligned under its first. */
function row(label: string, value: string | readonly string[]): string[] {
  const [first = "", ...rest] = typeof value === "string" ? [value] : value;
  const pad = " ".repeat(INDENT.length + LABEL_WIDTH);
  return [`${INDENT}${`${label}:`.padEnd(LABEL_WIDTH)}${first}`, ...rest.map((line) => `${pad}${line}`)];
}

function section(title: string, rows: readonly string[]): string[] {
  return rows.length === 0 ? [] : ["", title, ...rows];
}

function headlineOf(detail: AlarmEventDetail, outcome: Outcome): string {
  const by = detail.actor ? ` by ${actorName(detail.actor.id)}` : "";
  const severity = detail.rule.severity.toUpperCase();
  const what: Record<Outcome, string> = {
    raised: `${severity} alarm raised`,
    latched: `${severity} alarm latched (condition cleared, waiting for acknowledgement)`,
    acknowledged: `Alarm acknowledged${by}`,
    resolved: `Alarm resolved${by}`,
    snoozed: `Alarm snoozed${by}`,
    disabled: `Alarm disabled${by}`,
    enabled: `Alarm enabled${by}`,
  };
  const label = reminderLabel(detail);
  const headline =
    label === undefined ? what[outcome] : `${label}: ${severity} alarm still active, not acknowledged`;
  const rule = truncate(oneLine(detail.rule.name), 80);
  return `${headline}: ${rule} on ${truncate(oneLine(detail.device.thingName), 64)}`;
}

/** When it happened; for a reminder, when the alarm became ACTIVE (the reminder's own time is now). */
function since(detail: AlarmEventDetail, context: NotificationContext): string[] {
  const at = isReminder(detail) ? detail.reminder.activeSince : detail.state.timestamp;
  return [`${INDENT}${humanTime(at, context.timeZone)}`, `${INDENT}${at}`];
}

/** `reminder 2; ACTIVE since ...`, or `escalated from major to critical (reminder 2); ACTIVE since ...`. */
function reminderRow(detail: AlarmReminderDetail, context: NotificationContext): string {
  const { kind, number, escalatedFrom, activeSince } = detail.reminder;
  const which =
    kind === "escalate" && escalatedFrom !== undefined
      ? `escalated from ${escalatedFrom} to ${detail.rule.severity} (reminder ${number})`
      : `reminder ${number}`;
  return `${which}; ACTIVE since ${humanTime(activeSince, context.timeZone)}`;
}

/**
 * The plain-text e-mail: a headline (rule and thing names cut to 80 and 64 characters; the rows
 * below have them whole) and the reason, then what, where, since when, who (for
 * operator actions), what to do (with the acknowledge command while the alarm waits for an
 * operator, and the alarm's page when the deployment has a console), and the alarm id. A reminder
 * says so in its headline and in a `Reminder` row. Lines are not wrapped, so commands and ids copy whole.
 */
export function emailBody(detail: AlarmEventDetail, context: NotificationContext = {}): string {
  const outcome = outcomeOf(detail);
  const { rule, device, state, trigger, actor } = detail;
  const step = nextStep(detail);
  const url = alarmUrl(context, detail.alarmId);
  const optional = (label: string, value: string | undefined) =>
    value === undefined || oneLine(value) === "" ? [] : row(label, oneLine(value));
  const note = actor?.note === undefined ? [] : lines(actor.note);

  const body = [
    headlineOf(detail, outcome),
    reasonOf(detail),
    ...section("What", [
      ...row("Rule", `${oneLine(rule.name)} (${oneLine(rule.id)}, ${rule.kind} rule)`),
      ...row("Severity", rule.severity),
      ...row("State", stateChange(detail)),
      ...row("Reason", oneLine(state.reason) || "(none given)"),
      ...(trigger ? row("Trigger", `${triggerText(trigger)} (sample at ${trigger.sampleTime})`) : []),
      ...(isReminder(detail) ? row("Reminder", reminderRow(detail, context)) : []),
    ]),
    ...section("Where", [
      ...row("Thing", oneLine(device.thingName)),
      ...optional("Site", device.site),
      ...optional("Line", device.line),
    ]),
    ...section("Since", since(detail, context)),
    ...section(
      "Who",
      actor ? [...row("By", oneLine(actor.id)), ...(note.length > 0 ? row("Note", note) : [])] : [],
    ),
    ...section("What to do", [
      `${INDENT}${step.advice}`,
      ...(step.acknowledge ? [`${INDENT}${INDENT}${ackCommandFor(context, detail.alarmId)}`] : []),
      ...(url === undefined ? [] : [`${INDENT}Alarm page and history: ${url}`]),
    ]),
    "",
    `Alarm id: ${oneLine(detail.alarmId)}`,
  ];
  return `${body.join("\n")}\n`;
}
