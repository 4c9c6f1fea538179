import type { AlarmEventDetail } from "../alarms/alarmEvent.ts";
import { ackCommandFor, alarmUrl, type NotificationContext } from "./notificationContext.ts";
import { lines, oneLine, truncate } from "./text.ts";
import { humanTime } from "./times.ts";
import {
  emojiOf,
  needsAction,
  nextStep,
  type Outcome,
  outcomeOf,
  reasonOf,
  stateChange,
  tagOf,
  triggerText,
  whereOf,
} from "./vocabulary.ts";

/** The Adaptive Card elements used here (schema 1.4). */
export interface TextRun {
  readonly type: "TextRun";
  readonly text: string;
  readonly weight?: "Bolder";
  readonly size?: "Medium" | "Large";
  readonly fontType?: "Monospace";
}
export type CardElement =
  | {
      readonly type: "RichTextBlock";
      readonly inlines: readonly TextRun[];
      readonly spacing?: "None" | "Medium";
    }
  | {
      readonly type: "Container";
      readonly style: ContainerStyle;
      readonly bleed: true;
      readonly items: readonly CardElement[];
    };
type ContainerStyle = "attention" | "warning" | "good" | "accent" | "emphasis";

export interface TeamsMessage {
  readonly type: "message";
  readonly attachments: readonly [
    {
      readonly contentType: "application/vnd.microsoft.card.adaptive";
      readonly content: {
        readonly $schema: "http://adaptivecards.io/schemas/adaptive-card.json";
        readonly type: "AdaptiveCard";
        readonly version: "1.4";
        readonly body: readonly CardElement[];
        readonly actions?: readonly {
          readonly type: "Action.OpenUrl";
          readonly title: string;
          readonly url: string;
        }[];
        readonly msteams: { readonly width: "Full" };
      };
    },
  ];
}

/**
 * Teams refuses messages over 28 KB (UTF-8, with its own envelope). Texts are cut to 1000 code units
 * and a note to 8 lines; should an event of long, wide characters still be too big, every text is
 * cut shorter again until the message fits.
 */
const MESSAGE_MAX_BYTES = 27_000;
const TEXT_MAX = 1000;
const TEXT_MIN = 60;
const NOTE_LINES_MAX = 8;

function styleOf(detail: AlarmEventDetail, outcome: Outcome): ContainerStyle {
  if (!needsAction(outcome)) return outcome === "resolved" || outcome === "enabled" ? "good" : "emphasis";
  const severity = detail.rule.severity;
  if (severity === "critical" || severity === "major") return "attention";
  return severity === "info" ? "accent" : "warning";
}

const line = (inlines: readonly TextRun[], spacing?: "None" | "Medium"): CardElement => ({
  type: "RichTextBlock",
  inlines,
  ...(spacing === undefined ? {} : { spacing }),
});

/** A card has no blank text runs; at most `NOTE_LINES_MAX` lines, the rest joined on the last. */
function atMostLines(all: readonly string[]): readonly string[] {
  if (all.length <= NOTE_LINES_MAX) return all;
  return [...all.slice(0, NOTE_LINES_MAX - 1), all.slice(NOTE_LINES_MAX - 1).join(" / ")];
}

function cardBody(detail: AlarmEventDetail, context: NotificationContext, textMax: number): CardElement[] {
  const run = (text: string, style: Omit<TextRun, "type" | "text"> = {}): TextRun => ({
    type: "TextRun",
    text: truncate(text, textMax),
    ...style,
  });
  const fact = (label: string, value: string): CardElement =>
    line([run(`${label}: `, { weight: "Bolder" }), run(value)], "None");
  const { rule, device, state, trigger, actor } = detail;
  const where = whereOf(detail, " / ");
  const note = atMostLines(actor?.note === undefined ? [] : lines(actor.note).filter((text) => text !== ""));
  const step = nextStep(detail);
  return [
    {
      type: "Container",
      style: styleOf(detail, outcomeOf(detail)),
      bleed: true,
      items: [
        line([
          run(`${emojiOf(detail)} ${tagOf(detail)}: ${oneLine(device.thingName)} ${state.value}`, {
            weight: "Bolder",
            size: "Large",
          }),
        ]),
      ],
    },
    line([run(oneLine(rule.name), { weight: "Bolder", size: "Medium" })]),
    line([run(reasonOf(detail))], "None"),
    line([run("State: ", { weight: "Bolder" }), run(stateChange(detail))], "Medium"),
    fact("Severity", rule.severity),
    fact("Thing", oneLine(device.thingName)),
    ...(where === undefined ? [] : [fact("Site / line", where)]),
    fact("Since", humanTime(state.timestamp, context.timeZone)),
    ...(trigger ? [fact("Trigger", triggerText(trigger))] : []),
    ...(actor ? [fact("By", oneLine(actor.id))] : []),
    ...note.map((text, index) => (index === 0 ? fact("Note", text) : line([run(text)], "None"))),
    line([run(step.advice)], "Medium"),
    ...(step.acknowledge
      ? [line([run(oneLine(ackCommandFor(context, detail.alarmId)), { fontType: "Monospace" })], "None")]
      : []),
    fact("Alarm id", oneLine(detail.alarmId)),
  ];
}

function message(body: readonly CardElement[], url: string | undefined): TeamsMessage {
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body,
          ...(url === undefined
            ? {}
            : { actions: [{ type: "Action.OpenUrl", title: "Open the alarm page", url }] }),
          msteams: { width: "Full" },
        },
      },
    ],
  };
}

/**
 * A Teams webhook message with one Adaptive Card (1.4): a coloured band (attention for critical
 * and major, warning for minor and warning, accent for info while the alarm needs an operator; good
 * when resolved or enabled; emphasis otherwise) with emoji, tag, thing and state; the rule's name
 * and the reason; the facts; what to do; a button to the alarm's page when there is a console.
 * Every text from the event is a `TextRun` in a `RichTextBlock`, which Adaptive Cards never read as
 * markdown, so a rule named `[x](https://evil)` shows as written instead of as a link.
 */
export function teamsMessage(detail: AlarmEventDetail, context: NotificationContext = {}): TeamsMessage {
  const url = alarmUrl(context, detail.alarmId);
  const utf8 = new TextEncoder();
  for (let textMax = TEXT_MAX; ; textMax = Math.max(TEXT_MIN, Math.floor(textMax / 2))) {
    const result = message(cardBody(detail, context, textMax), url);
    if (textMax === TEXT_MIN || utf8.encode(JSON.stringify(result)).length <= MESSAGE_MAX_BYTES)
      return result;
  }
}
