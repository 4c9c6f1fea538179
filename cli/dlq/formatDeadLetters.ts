import type { DeadLetter } from "../../shared/domain/deadLetters/deadLetter.ts";
import {
  describeStep,
  type PlannedMessage,
  type ReplayOutcome,
} from "../../shared/domain/deadLetters/replayDeadLetters.ts";

/** How `plantwatch dlq` shows dead letters: columns for people, `--json` for programs. */

const ERROR_WIDTH = 70;

export function formatDeadLetterTable(letters: readonly DeadLetter[], now: number): string {
  return columns([
    ["MESSAGE ID", "AGE", "KIND", "TARGET", "ERROR", "RECEIVES"],
    ...letters.map((letter) => [
      letter.messageId,
      letter.sentAt === undefined ? "?" : formatAge(now - letter.sentAt),
      letter.kind,
      shortTarget(letter.target),
      truncate(letter.error, ERROR_WIDTH),
      letter.receiveCount === undefined ? "?" : String(letter.receiveCount),
    ]),
  ]);
}

/** Every field of each dead letter, with its age; an array that parses, `[]` for an empty queue. */
export function formatDeadLetterJson(letters: readonly DeadLetter[], now: number): string {
  const entries = letters.map((letter) => ({
    ...letter,
    ...(letter.sentAt === undefined
      ? {}
      : {
          sentAt: new Date(letter.sentAt).toISOString(),
          ageSeconds: Math.floor((now - letter.sentAt) / 1000),
        }),
  }));
  return `${JSON.stringify(entries, null, 2)}\n`;
}

/** What replay is about to do, one line per message. */
export function formatPlan(planned: readonly PlannedMessage[]): string {
  return columns(
    planned.map(({ letter, plan }) => [
      letter.messageId,
      letter.kind,
      plan.action === "redrive"
        ? `re-drive: ${plan.steps.map(describeStep).join("; ")}`
        : `${plan.action}: ${plan.reason}`,
    ]),
  );
}

export function formatOutcomes(outcomes: readonly ReplayOutcome[]): string {
  return columns(
    outcomes.map((outcome) => [outcome.messageId, outcome.kind, outcome.status, outcome.detail]),
  );
}

/** "45s", "12m", "3h 5m", "2d 4h". */
export function formatAge(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** The resource part of an ARN (`function:plantwatch-dev-ingest`), which is what tells targets apart. */
export function shortTarget(target: string): string {
  return target
    .split(", ")
    .map((name) => (name.startsWith("arn:") ? name.split(":").slice(5).join(":") || name : name))
    .join(", ");
}

function truncate(text: string, width: number): string {
  const line = text.replace(/\s+/g, " ");
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

/**
 * C0 and C1 controls (ESC starts a terminal escape sequence), DEL, and the bidirectional overrides
 * and isolates that reorder what is shown: a dead letter is written by whoever sent it, and what
 * replay prints must read as what it will do.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text with every unprintable character shown as its escape (`\x1b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
  });
}

function columns(unsafeRows: readonly (readonly string[])[]): string {
  const rows = unsafeRows.map((row) => row.map(printable));
  if (rows.length === 0) return "";
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return `${rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}
