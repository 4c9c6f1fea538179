import Table from "cli-table3";
import type { CliIo } from "../io.ts";

/** How human output looks: colour only on a terminal, and never with NO_COLOR set (no-color.org). */
export interface OutputStyle {
  readonly colour: boolean;
}

export function outputStyle(io: CliIo, env: NodeJS.ProcessEnv = process.env): OutputStyle {
  const disabled = (env.NO_COLOR !== undefined && env.NO_COLOR !== "") || env.TERM === "dumb";
  return { colour: io.interactive && !disabled };
}

const ANSI = { bold: [1, 22], red: [31, 39], yellow: [33, 39], green: [32, 39], grey: [90, 39] } as const;
export type Paint = keyof typeof ANSI;

export function paint(style: OutputStyle, colour: Paint, text: string): string {
  if (!style.colour) return text;
  const [open, close] = ANSI[colour];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

const NO_BORDERS = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: "  ",
};

/** Columns separated by two spaces, upper-case headings, no borders: easy to read and to grep. */
export function formatTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  style: OutputStyle,
): string {
  const table = new Table({
    head: head.map((heading) => paint(style, "bold", heading)),
    chars: NO_BORDERS,
    style: { "padding-left": 0, "padding-right": 0, head: [], border: [] },
  });
  table.push(...rows.map((row) => [...row]));
  return `${table
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")}\n`;
}

/** `Key  value` lines, keys aligned; rows with an undefined value are left out. */
export function formatFields(fields: readonly (readonly [string, string | undefined])[]): string {
  const present = fields.filter((field): field is readonly [string, string] => field[1] !== undefined);
  const width = Math.max(0, ...present.map(([key]) => key.length));
  return present.map(([key, value]) => `${`${key}`.padEnd(width)}  ${value}\n`).join("");
}

/** ISO times to the second, `T` kept: sortable and unambiguous (UTC, as the API returns them). */
export function shortTime(iso: string | undefined): string {
  if (iso === undefined) return "-";
  return iso.replace(/\.\d+Z$/, "Z");
}

export function orDash(value: string | number | undefined): string {
  return value === undefined || value === "" ? "-" : String(value);
}
