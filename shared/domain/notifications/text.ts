/**
 * Text shaping shared by every channel. Lengths are UTF-16 code units (`string.length`): never fewer
 * than the code points or graphemes a service might count instead, so a limit kept here is kept there.
 */
import { lazy } from "../../lazy.ts";

/** Built on first use: a segmenter loads ICU's break rules, ~9 ms that a cold start need not pay. */
const graphemes = lazy(() => new Intl.Segmenter("en", { granularity: "grapheme" }));

/** With the `u` flag a well-formed pair is one code point, so this matches only lone surrogates. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu;
/** Bidirectional controls: they can make a message read differently from what it says. */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
/** Control characters (C0, DEL, C1), line and paragraph separators, and any other white space. */
const BREAK_OR_SPACE = /[\p{Cc}\u2028\u2029\s]+/gu;

/** Lone surrogates as U+FFFD (they cannot be encoded), bidirectional controls removed. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD").replace(BIDI_CONTROL, "");
}

/** One line: no control characters or line breaks, runs of white space as one space, trimmed. */
export function oneLine(text: string): string {
  return wellFormed(text).replace(BREAK_OR_SPACE, " ").trim();
}

/** Several lines (an operator's note): line breaks kept, blank lines at the ends dropped, runs of them as one. */
export function lines(text: string): string[] {
  const all = wellFormed(text)
    .split(/\r\n|[\r\n\u2028\u2029]/u)
    .map(oneLine);
  const first = all.findIndex((line) => line !== "");
  if (first < 0) return [];
  const last = all.findLastIndex((line) => line !== "");
  return all.slice(first, last + 1).filter((line, index, kept) => line !== "" || kept[index - 1] !== "");
}

/**
 * At most `max` code units, cut after the last whole grapheme that fits with the ellipsis (never
 * inside a surrogate pair, a combining sequence or an emoji sequence).
 */
export function truncate(text: string, max: number, ellipsis = "…"): string {
  if (text.length <= max) return text;
  const room = max - ellipsis.length;
  if (room < 0) return "";
  let kept = "";
  for (const { segment } of graphemes().segment(text)) {
    if (kept.length + segment.length > room) break;
    kept += segment;
  }
  return `${kept.trimEnd()}${ellipsis}`;
}

/** A piece of a line that has to fit a length. */
export interface Part {
  readonly text: string;
  /** Kept around `text`, and dropped with it. */
  readonly before?: string;
  readonly after?: string;
  /** When the line is too long, parts give way in this order (1 first); absent: never cut. */
  readonly yields?: number;
  /** Shortest `text` may be cut to; a part that would have to be shorter is dropped, if `droppable`. */
  readonly min?: number;
  readonly droppable?: boolean;
}

/**
 * Joins the parts within `max` code units: the parts that yield first are cut (with an ellipsis)
 * down to their minimum or dropped, in order, until the whole fits; a line still too long is cut
 * at its end.
 */
export function fitLine(parts: readonly Part[], max: number, ellipsis = "…"): string {
  const state = parts.map((part) => ({ part, text: part.text, kept: true }));
  const lengthOf = () =>
    state.reduce(
      (sum, { part, text, kept }) =>
        kept ? sum + (part.before ?? "").length + text.length + (part.after ?? "").length : sum,
      0,
    );
  const yielding = state
    .filter(({ part }) => part.yields !== undefined)
    .sort((a, b) => (a.part.yields ?? 0) - (b.part.yields ?? 0));
  for (const entry of yielding) {
    const excess = lengthOf() - max;
    if (excess <= 0) break;
    const min = Math.max(entry.part.min ?? 0, ellipsis.length + 1);
    const target = entry.text.length - excess;
    if (target >= min) entry.text = truncate(entry.text, target, ellipsis);
    else if (entry.part.droppable) entry.kept = false;
    else entry.text = truncate(entry.text, min, ellipsis);
  }
  const line = state
    .filter(({ kept }) => kept)
    .map(({ part, text }) => `${part.before ?? ""}${text}${part.after ?? ""}`)
    .join("");
  return truncate(line, max, ellipsis);
}

/** Letters NFKD does not take apart, and typography with a plain ASCII spelling. */
const ASCII_SPELLING: Readonly<Record<string, string>> = {
  ß: "ss",
  Æ: "AE",
  æ: "ae",
  Ø: "O",
  ø: "o",
  Œ: "OE",
  œ: "oe",
  Đ: "D",
  đ: "d",
  Ł: "L",
  ł: "l",
  Þ: "Th",
  þ: "th",
  "–": "-",
  "—": "-",
  "‘": "'",
  "’": "'",
  "‚": ",",
  "“": '"',
  "”": '"',
  "„": '"',
  "«": '"',
  "»": '"',
  "•": "*",
  "×": "x",
};
const SPELLED = new RegExp(`[${Object.keys(ASCII_SPELLING).join("")}]`, "gu");
const COMBINING_MARK = /\p{M}/gu;
/** Anything left outside printable ASCII: scripts without a Latin spelling, emoji, symbols. */
const NOT_PRINTABLE_ASCII = /[^ -~]+/gu;

/**
 * One line of printable ASCII: accents dropped (`Überhitzung` → `Uberhitzung`), compatibility forms
 * and typography spelled out (`…` → `...`, `—` → `-`), and each run of anything else as one `?`.
 */
export function toAscii(text: string): string {
  return oneLine(text)
    .replace(SPELLED, (character) => ASCII_SPELLING[character] ?? "?")
    .normalize("NFKD")
    .replace(COMBINING_MARK, "")
    .replace(NOT_PRINTABLE_ASCII, "?")
    .replace(/ {2,}/g, " ")
    .trim();
}
