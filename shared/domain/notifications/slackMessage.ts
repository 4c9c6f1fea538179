import type { AlarmEventDetail } from "../alarms/alarmEvent.ts";
import { ackCommandFor, alarmUrl, type NotificationContext } from "./notificationContext.ts";
import { headline } from "./subject.ts";
import { lines, oneLine, truncate } from "./text.ts";
import { humanTime } from "./times.ts";
import { emojiOf, nextStep, reasonOf, stateChange, tagOf, triggerText, whereOf } from "./vocabulary.ts";

export interface SlackText {
  readonly type: "mrkdwn" | "plain_text";
  readonly text: string;
  readonly emoji?: true;
}

export type SlackBlock =
  | { readonly type: "header"; readonly text: SlackText }
  | { readonly type: "section"; readonly text: SlackText; readonly fields?: readonly SlackText[] }
  | { readonly type: "context"; readonly elements: readonly SlackText[] };

/** An incoming-webhook message: `text` is what notifications and old clients show. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** Block Kit limits, in characters: header text, section text, one field, and the `text` we send. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const TEXT_MAX = 300;

/**
 * Slack parses `&`, `<` and `>` in every text object (links, mentions such as `<!channel>`, dates);
 * anything from the event or the configuration goes through here so it shows as written.
 */
export function escapeSlack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Escaped, and at most `max` characters once escaped (cut before escaping, so no entity is split). */
function escaped(text: string, max: number): string {
  let cut = truncate(text, max);
  for (let result = escapeSlack(cut); ; result = escapeSlack(cut)) {
    if (result.length <= max) return result;
    cut = truncate(cut, cut.length - (result.length - max));
  }
}

function field(label: string, value: string): SlackText {
  const prefix = `*${label}*\n`;
  return { type: "mrkdwn", text: `${prefix}${escaped(value, FIELD_MAX - prefix.length)}` };
}

/** Slack shows the time in each reader's own zone; the fallback is the plant's. */
function slackDate(iso: string, timeZone: string | undefined): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  const fallback = escapeSlack(humanTime(iso, timeZone)).replaceAll("|", "/");
  return Number.isFinite(seconds)
    ? `<!date^${seconds}^{date_short_pretty} {time_secs}|${fallback}>`
    : fallback;
}

function slackLink(url: string, label: string): string {
  return `<${escapeSlack(url).replaceAll("|", "%7C")}|${label}>`;
}

/**
 * Slack incoming-webhook JSON: the fallback `text` (emoji and headline), then a header (emoji,
 * tag, thing, state), a section with the rule's name and reason and the facts as fields, a section
 * with what to do, and a context line with the alarm id, the rule and the alarm's page. Block Kit
 * has no colour (only legacy attachments have the colour bar, and Slack may collapse those), so
 * the emoji carries severity and state: 🔴 critical, 🟠 major, 🟡 minor, ⚠️ warning, 🔵 info while
 * the alarm needs an operator; 👀 acknowledged, ✅ resolved, 💤 snoozed, 🔕 disabled, 🔔 enabled.
 */
export function slackMessage(detail: AlarmEventDetail, context: NotificationContext = {}): SlackMessage {
  const emoji = emojiOf(detail);
  const { rule, device, state, trigger, actor } = detail;
  const where = whereOf(detail, " / ");
  const note = actor?.note === undefined ? [] : lines(actor.note);
  const step = nextStep(detail);
  const url = alarmUrl(context, detail.alarmId);
  const fields = [
    field("State", stateChange(detail)),
    field("Severity", rule.severity),
    field("Thing", oneLine(device.thingName)),
    ...(where === undefined ? [] : [field("Site / line", where)]),
    { type: "mrkdwn", text: `*Since*\n${slackDate(state.timestamp, context.timeZone)}` } as const,
    ...(trigger ? [field("Trigger", triggerText(trigger))] : []),
    ...(actor ? [field("By", oneLine(actor.id))] : []),
    ...(note.length > 0 ? [field("Note", note.join("\n"))] : []),
  ];
  const todo = step.acknowledge
    ? `${escapeSlack(step.advice)}\n\`${escaped(oneLine(ackCommandFor(context, detail.alarmId)), 500)}\``
    : escapeSlack(step.advice);
  const about = [
    `Alarm \`${escaped(oneLine(detail.alarmId), 300)}\``,
    `rule \`${escaped(oneLine(rule.id), 100)}\` (${rule.kind})`,
    ...(url === undefined ? [] : [slackLink(url, "Open the alarm page")]),
  ];
  return {
    text: `${emoji} ${escapeSlack(headline(detail, TEXT_MAX))}`,
    blocks: [
      {
        type: "header",
        text: {
          type: "plain_text",
          text: escaped(`${emoji} ${tagOf(detail)}: ${oneLine(device.thingName)} ${state.value}`, HEADER_MAX),
          emoji: true,
        },
      },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `*${escaped(oneLine(rule.name), 500)}*\n${escaped(reasonOf(detail), SECTION_MAX - 510)}`,
        },
        fields,
      },
      { type: "section", text: { type: "mrkdwn", text: todo } },
      { type: "context", elements: [{ type: "mrkdwn", text: about.join(" · ") }] },
    ],
  };
}
