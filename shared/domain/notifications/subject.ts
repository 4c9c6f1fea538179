import type { AlarmEventDetail } from "../alarms/alarmEvent.ts";
import { fitLine, oneLine, toAscii } from "./text.ts";
import { reasonOf, tagOf, whereOf } from "./vocabulary.ts";

/**
 * SNS's `Subject`: "UTF-8 text with no line breaks or control characters, and less than 100
 * characters long" says the Publish reference today; older references and the SNS receiver of
 * Amazon Managed Prometheus say printable ASCII, and SNS replaces any other subject with "Error -
 * contains non printable ASCII characters". We keep to both: at most 99 printable ASCII characters.
 */
export const SUBJECT_MAX_LENGTH = 99;

export interface HeadlineStyle {
  readonly ellipsis: string;
  readonly dash: string;
  /** Applied to every text taken from the event, before the line is fitted. */
  readonly text: (text: string) => string;
}

const UNICODE: HeadlineStyle = { ellipsis: "…", dash: "—", text: oneLine };
const ASCII: HeadlineStyle = { ellipsis: "...", dash: "-", text: toAscii };

/**
 * `[CRITICAL] oven-3 ACTIVE — temperature 262.4 > 250 for 60s (plant-1/line-2)` within `max`:
 * when too long, the reason gives way first (to 24 characters), then the site/line, then the thing
 * name (to 24), each cut on a grapheme boundary with an ellipsis. Tag and state are never cut.
 */
export function headline(detail: AlarmEventDetail, max: number, style: HeadlineStyle = UNICODE): string {
  const where = whereOf(detail);
  return fitLine(
    [
      { text: `[${tagOf(detail)}] ` },
      { text: style.text(detail.device.thingName) || "?", yields: 3, min: 24 },
      { text: ` ${detail.state.value} ${style.dash} ` },
      { text: style.text(reasonOf(detail)) || "?", yields: 1, min: 24 },
      ...(where === undefined
        ? []
        : [{ text: style.text(where), before: " (", after: ")", yields: 2, min: 12, droppable: true }]),
    ],
    max,
    style.ellipsis,
  );
}

/**
 * The e-mail subject (SNS `Subject`): the headline in printable ASCII, at most `SUBJECT_MAX_LENGTH`
 * characters. Accents are dropped and other scripts show as `?`; the body has every name as written.
 */
export function subject(detail: AlarmEventDetail): string {
  return headline(detail, SUBJECT_MAX_LENGTH, ASCII);
}
