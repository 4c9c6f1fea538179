import type { MetricValue } from "../../domain/ingest/types.ts";
import { shorten } from "./influxHttp.ts";

/**
 * Reading InfluxDB's answer to a refused write (400 or 422) back onto the lines of the request.
 * Each version words it its own way; these are the forms that name the refused lines:
 * - 1.x/2.x parse errors: `unable to parse '<line>': <reason>`, one per bad line, joined by `\n`;
 * - 1.x/2.x type conflicts: `field type conflict: input field "<f>" on measurement "<m>" is type <t>,
 *   already exists as type <u> dropped=<n>`: only the first conflict is named, `n` counts them all;
 * - 3.x: `{"error": "...", "data": [{"line_number": <1-based>, "original_line": ..., "error_message": ...}]}`.
 * Anything else (e.g. 1.x refusing a whole request whose lines conflict among themselves with
 * a bare `field type conflict`, or points beyond the retention policy) names no line: the caller
 * halves the request until each refusal is down to one line.
 */
export interface WriteEntry {
  readonly line: string;
  readonly metrics: Readonly<Record<string, MetricValue>>;
}

/** Messages that blame the deployment, not a line: the database/bucket or its retention policy is missing. */
const CONFIGURATION_PROBLEM =
  /database not found|retention policy not found|bucket .*not found|database is required/i;

export function isConfigurationProblem(message: string): boolean {
  return CONFIGURATION_PROBLEM.test(message);
}

/** The refused lines of `entries` (by index) with InfluxDB's reason for each; empty when none is named. */
export function refusedLines(
  body: string,
  message: string,
  entries: readonly WriteEntry[],
): Map<number, string> {
  const refused = fromLineNumbers(body, entries);
  if (refused.size > 0) return refused;
  for (const [index, reason] of fromParseErrors(message, entries)) refused.set(index, reason);
  for (const [index, reason] of fromTypeConflict(message, entries)) refused.set(index, reason);
  return refused;
}

function fromLineNumbers(body: string, entries: readonly WriteEntry[]): Map<number, string> {
  const refused = new Map<number, string>();
  let data: unknown;
  try {
    data = (JSON.parse(body) as { data?: unknown }).data;
  } catch {
    return refused;
  }
  if (!Array.isArray(data)) return refused;
  for (const item of data as { line_number?: unknown; original_line?: unknown; error_message?: unknown }[]) {
    const index = typeof item?.line_number === "number" ? item.line_number - 1 : -1;
    const entry = entries[index];
    // A line number that does not point at the quoted line is not trusted: halving finds it instead.
    if (!entry) continue;
    if (typeof item.original_line === "string" && !entry.line.startsWith(item.original_line)) continue;
    refused.set(index, shorten(typeof item.error_message === "string" ? item.error_message : "refused"));
  }
  return refused;
}

function fromParseErrors(message: string, entries: readonly WriteEntry[]): Map<number, string> {
  const refused = new Map<number, string>();
  if (!message.includes("unable to parse '")) return refused;
  entries.forEach((entry, index) => {
    const quoted = `unable to parse '${entry.line}': `;
    const at = message.indexOf(quoted);
    if (at < 0) return;
    const rest = message.slice(at + quoted.length);
    const reason = rest.split("\n", 1)[0]?.replace(/ dropped=\d+$/, "") ?? "";
    refused.set(index, `unable to parse the line: ${shorten(reason)}`);
  });
  return refused;
}

const TYPE_CONFLICT =
  /input field "((?:[^"\\]|\\.)*)" on measurement "(?:[^"\\]|\\.)*" is type (\w+), already exists as type (\w+)/;

function fromTypeConflict(message: string, entries: readonly WriteEntry[]): Map<number, string> {
  const refused = new Map<number, string>();
  const match = TYPE_CONFLICT.exec(message);
  if (!match) return refused;
  const [conflict, field, incoming] = match as unknown as [string, string, string];
  entries.forEach((entry, index) => {
    const value = entry.metrics[field];
    if (value !== undefined && influxType(value) === incoming)
      refused.set(index, `field type conflict: ${conflict}`);
  });
  return refused;
}

/** The type InfluxDB gives a value as `toLine` writes it. */
function influxType(value: MetricValue): string {
  return typeof value === "number" ? "float" : typeof value === "boolean" ? "boolean" : "string";
}
