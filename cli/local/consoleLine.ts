import { type AlarmEventDetail, isReminder } from "../../shared/domain/alarms/alarmEvent.ts";
import { oneLine } from "../../shared/domain/notifications/text.ts";
import {
  needsAction,
  outcomeOf,
  reasonOf,
  stateChange,
  tagOf,
} from "../../shared/domain/notifications/vocabulary.ts";
import { type OutputStyle, type Paint, paint } from "../format/table.ts";

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
  if (needsAction(outcome) || isReminder(detail)) {
    const { severity } = detail.rule;
    return severity === "critical" || severity === "major" ? "red" : "yellow";
  }
  return outcome === "resolved" ? "green" : "grey";
}
