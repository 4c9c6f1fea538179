import { type AlarmEventDetail, isReminder } from "../../shared/domain/alarms/alarmEvent.ts";
import type { Severity } from "../../shared/domain/alarms/rule.ts";
import { oneLine } from "../../shared/domain/notifications/text.ts";
import {
  needsAction,
  outcomeOf,
  reasonOf,
  stateChange,
  tagOf,
} from "../../shared/domain/notifications/vocabulary.ts";
import type { TopicMessage } from "../../shared/ports/notifier.ts";
import { type OutputStyle, type Paint, paint } from "./table.ts";

export interface ConsoleLineOptions {
  readonly style: OutputStyle;
  /** IANA zone for the clock time; default the process's. */
  readonly timeZone?: string;
  /** The silence that keeps this event from notifying anyone: the line says so, uncoloured. */
  readonly silencedBy?: string;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** `12:03:10` in the zone given (the process's by default). */
export function clockTime(at: number | string, timeZone?: string): string {
  const key = timeZone ?? "";
  let format = clocks.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      ...(timeZone === undefined ? {} : { timeZone }),
    });
    clocks.set(key, format);
  }
  return format.format(new Date(at));
}

/**
 * One alarm event on the local stack's console, with the notification texts' vocabulary:
 * `12:03:10 CRITICAL oven-3 NORMAL → ACTIVE temperature 262.4 > 250 for 60s`. The tag is coloured by
 * what the event asks of the reader: red or yellow by severity while it needs someone, green once
 * resolved, grey for the rest; a silenced event is all grey and names its silence.
 */
export function alarmConsoleLine(detail: AlarmEventDetail, options: ConsoleLineOptions): string {
  const time = clockTime(detail.state.timestamp, options.timeZone);
  const thing = oneLine(detail.device.thingName);
  const text = `${tagOf(detail)} ${thing} ${stateChange(detail)} ${reasonOf(detail)}`;
  if (options.silencedBy !== undefined) {
    return paint(options.style, "grey", `${time} ${text} (silenced by ${options.silencedBy})`);
  }
  const colour = colourOf(detail);
  const tag = paint(options.style, "bold", paint(options.style, colour, tagOf(detail)));
  return `${paint(options.style, "grey", time)} ${tag} ${thing} ${stateChange(detail)} ${reasonOf(detail)}`;
}

function colourOf(detail: AlarmEventDetail): Paint {
  const outcome = outcomeOf(detail);
  if (needsAction(outcome) || isReminder(detail)) return severityColour(detail.rule.severity);
  return outcome === "resolved" ? "green" : "grey";
}

/** Red for what must be dealt with now, yellow for the rest. */
function severityColour(severity: Severity | string): Paint {
  return severity === "critical" || severity === "major" ? "red" : "yellow";
}

/** The subject's `[TAG] ` prefix, which `headline` always writes. */
const TAGGED = /^\[([^\]]+)\] (.*)$/s;

/**
 * One e-mail/SMS notification on the local stack's console, as the console notifier receives it:
 * `12:03:10 CRITICAL oven-3 ACTIVE - temperature 262.4 > 250 for 60s (plant-1/line-2)`, the clock
 * time of its sending and the message's subject, the tag coloured as `alarmConsoleLine` colours it
 * (from the message's `state`, `kind` and `severity` attributes).
 */
export function notificationConsoleLine(
  message: TopicMessage,
  options: { readonly style: OutputStyle; readonly at: number; readonly timeZone?: string },
): string {
  const time = paint(options.style, "grey", clockTime(options.at, options.timeZone));
  const tagged = TAGGED.exec(message.subject);
  if (tagged === null) return `${time} ${message.subject}`;
  const [, tag = "", rest = ""] = tagged;
  const { state, kind, severity = "" } = message.attributes;
  const colour: Paint =
    state === "ACTIVE" || state === "LATCHED" || (kind !== undefined && kind !== "transition")
      ? severityColour(severity)
      : state === "NORMAL"
        ? "green"
        : "grey";
  return `${time} ${paint(options.style, "bold", paint(options.style, colour, tag))} ${rest}`;
}
