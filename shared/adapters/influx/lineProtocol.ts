import { INFLUX_MEASUREMENT, SERIES_DIMENSIONS } from "../../contracts/storageLayout.ts";
import type { MetricValue } from "../../domain/ingest/types.ts";
import type { SeriesPoint } from "../../ports/seriesStore.ts";

/**
 * InfluxDB line protocol, written by hand for the one shape plantwatch stores:
 * `telemetry,device=<thing>[,line=<line>][,site=<site>] <metric>=<value>[,...] <epoch ms>`.
 * Escaping follows the line-protocol reference: the measurement escapes comma and space; tag keys,
 * tag values and field keys escape comma, equals sign and space; string field values escape `"` and `\`.
 */
export type LineOrProblem = { readonly line: string } | { readonly problem: string };

/** Line breaks end a line: the reference allows them in no tag value and no field value. */
const LINE_BREAK = /[\r\n]/;

export function escapeMeasurement(name: string): string {
  return name.replace(/[, ]/g, "\\$&");
}

/** For tag keys, tag values and field keys. */
export function escapeKey(text: string): string {
  return text.replace(/[,= ]/g, "\\$&");
}

export function quoteString(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

/**
 * The point as one line, or why it cannot be one. The tags are in key order (InfluxDB's canonical
 * form, cheapest to parse); an absent or empty site or line is left out (empty tag values are not
 * allowed). Numbers are always written without the `i` suffix, so InfluxDB types every numeric
 * metric as a float for good and a metric that reports `3` and later `3.5` never conflicts.
 */
export function toLine(point: SeriesPoint, measurement: string = INFLUX_MEASUREMENT): LineOrProblem {
  if (!Number.isSafeInteger(point.time))
    return { problem: `time ${point.time} is not an integer of epoch ms` };
  const [device, site, line] = SERIES_DIMENSIONS;
  const tags: [string, string | undefined][] = [
    [device, point.thingName],
    [line, point.line],
    [site, point.site],
  ];
  let text = escapeMeasurement(measurement);
  for (const [key, value] of tags.sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (value === undefined || value === "") {
      if (key === device) return { problem: "the thing name (tag device) is empty" };
      continue;
    }
    const problem = tagValueProblem(value);
    if (problem !== undefined) return { problem: `tag ${key} ${JSON.stringify(value)} ${problem}` };
    text += `,${escapeKey(key)}=${escapeKey(value)}`;
  }

  const fields: string[] = [];
  for (const name in point.metrics) {
    const keyProblem = name === "" ? "is empty" : tagValueProblem(name);
    if (keyProblem !== undefined) return { problem: `metric name ${JSON.stringify(name)} ${keyProblem}` };
    const value = fieldValue(point.metrics[name] as MetricValue);
    if ("problem" in value) return { problem: `metric ${JSON.stringify(name)}: ${value.problem}` };
    fields.push(`${escapeKey(name)}=${value.text}`);
  }
  if (fields.length === 0) return { problem: "a point needs at least one metric" };
  return { line: `${text} ${fields.join(",")} ${point.time}` };
}

/**
 * Why a tag value or field key cannot be written faithfully. A backslash is refused: InfluxDB 1.x
 * keeps `\\` as two characters where 2.x reads it as an escaped backslash, and a trailing one
 * would escape the separator after it, so no spelling round-trips on every version.
 */
function tagValueProblem(text: string): string | undefined {
  if (LINE_BREAK.test(text)) return "contains a line break, which line protocol cannot carry";
  if (text.includes("\\")) return "contains a backslash, which line protocol cannot carry unambiguously";
  return undefined;
}

function fieldValue(value: MetricValue): { readonly text: string } | { readonly problem: string } {
  switch (typeof value) {
    case "number":
      // `String` never adds an `i` and gives the shortest text that reads back as the same double.
      return Number.isFinite(value)
        ? { text: String(value) }
        : { problem: `${value} is not a finite number` };
    case "boolean":
      return { text: value ? "true" : "false" };
    case "string":
      // Escaping it as `\n` would store a backslash and an `n`: InfluxDB has no escape for it.
      return LINE_BREAK.test(value)
        ? { problem: "the string contains a line break, which line protocol cannot carry" }
        : { text: quoteString(value) };
    default:
      return { problem: `values of type ${typeof value} cannot be stored` };
  }
}
