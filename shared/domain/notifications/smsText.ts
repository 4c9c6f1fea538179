import type { AlarmEventDetail } from "../alarms/alarmEvent.ts";
import { alarmUrl, type NotificationContext } from "./notificationContext.ts";
import { fitLine, oneLine, type Part } from "./text.ts";
import { clockTime } from "./times.ts";
import { reasonOf, tagOf, whereOf } from "./vocabulary.ts";

/**
 * One SMS, not a chain of them. SNS fits "160 GSM characters, 140 ASCII characters, or 70 UCS-2
 * characters" in one message and splits longer text at word boundaries. Our own words are ASCII, so
 * a text of ASCII alone is one message at 140. A single other character (an umlaut in a rule's
 * value, an emoji in a note) sends the whole text as UCS-2, 67 code units per part once split: 134
 * keeps it to two parts, which is as short as a useful unicode alert gets (70 would leave room for
 * little more than the thing's name).
 */
export const SMS_MAX_LENGTH = 140;
export const SMS_MAX_LENGTH_UNICODE = 134;

/** Anything but printable ASCII (control characters never reach here). */
const NON_ASCII = /[^ -~]/u;

/**
 * `[CRITICAL] oven-3 ACTIVE: temperature 262.4 > 250 for 60s (plant-1/line-2) at 13:03 CET. Alarm
 * oven-overheat:oven-3` on one line. With a console, the alarm's page takes the alarm id's place
 * (the link carries the id, and it is what a phone can open). When too long, the reason gives way
 * first (to 20 characters), then the time, the site/line and the alarm id are dropped, then the
 * thing name is cut (to 20). A link is never cut (half a URL opens nothing): when it still does not
 * fit, the reason is dropped for it; a link that fits in no way gives the text without a console.
 */
export function smsText(
  detail: AlarmEventDetail,
  context: Pick<NotificationContext, "timeZone" | "consoleUrl"> = {},
): string {
  const where = whereOf(detail);
  const link = alarmUrl(context, detail.alarmId);
  const reason: Part = { text: reasonOf(detail), before: ": ", yields: 1, min: 20 };
  const line = (max: number, reasonPart: Part, linked: boolean) =>
    fitLine(
      [
        { text: `[${tagOf(detail)}] ` },
        { text: oneLine(detail.device.thingName) || "?", yields: 5, min: 20 },
        { text: ` ${detail.state.value}` },
        reasonPart,
        ...(where === undefined
          ? []
          : [{ text: where, before: " (", after: ")", yields: 3, droppable: true }]),
        {
          text: clockTime(detail.state.timestamp, context.timeZone),
          before: " at ",
          yields: 2,
          droppable: true,
        },
        linked && link !== undefined
          ? { text: link, before: " ", yields: 7, min: link.length, droppable: true }
          : { text: oneLine(detail.alarmId), before: ". Alarm ", yields: 4, droppable: true },
      ],
      max,
      "...",
    );
  const text = (max: number) => {
    if (link === undefined) return line(max, reason, false);
    const candidates = [
      line(max, reason, true),
      line(max, { ...reason, yields: 6, min: Number.POSITIVE_INFINITY, droppable: true }, true),
    ];
    return candidates.find((candidate) => candidate.endsWith(` ${link}`)) ?? line(max, reason, false);
  };
  const ascii = text(SMS_MAX_LENGTH);
  return NON_ASCII.test(ascii) ? text(SMS_MAX_LENGTH_UNICODE) : ascii;
}
