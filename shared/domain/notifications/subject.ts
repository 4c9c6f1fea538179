import type { AlarmEventDetail } from "../alarms/alarmEvent.ts";
import { fitLine, oneLine } from "./text.ts";
import { reasonOf, tagOf, whereOf } from "./vocabulary.ts";

/**
 * SNS: "Subjects must be UTF-8 text with no line breaks or control characters, and less than 100
 * characters long." Counted in UTF-16 code units, which is never fewer than SNS's characters.
 */
export const SUBJECT_MAX_LENGTH = 99;

/**
 * `[CRITICAL] oven-3 ACTIVE — temperature 262.4 > 250 for 60s (plant-1/line-2)` within `max`:
 * when too long, the reason gives way first (to 24 characters), then the site/line, then the thing
 * name (to 24), each cut on a grapheme boundary with an ellipsis. Tag and state are never cut.
 */
export function headline(detail: AlarmEventDetail, max: number, ellipsis = "…", dash = "—"): string {
  const where = whereOf(detail);
  return fitLine(
    [
      { text: `[${tagOf(detail)}] ` },
      { text: oneLine(detail.device.thingName) || "?", yields: 3, min: 24 },
      { text: ` ${detail.state.value} ${dash} ` },
      { text: reasonOf(detail), yields: 1, min: 24 },
      ...(where === undefined
        ? []
        : [{ text: where, before: " (", after: ")", yields: 2, min: 12, droppable: true }]),
    ],
    max,
    ellipsis,
  );
}

/** The e-mail subject: one line, at most `SUBJECT_MAX_LENGTH` code units. */
export function subject(detail: AlarmEventDetail): string {
  return headline(detail, SUBJECT_MAX_LENGTH);
}
