import type { TelemetryView } from "../../shared/contracts/operatorApi.ts";
import { formatTable, type OutputStyle, shortTime } from "./table.ts";

/** How `plantwatch query` shows a series: a summary with a sparkline, a table, or CSV. */

const BARS = "▁▂▃▄▅▆▇█";
const SPARKLINE_WIDTH = 60;

/** Values as bars, averaged down to at most `width` characters; a flat series is a flat line. */
export function sparkline(values: readonly number[], width = SPARKLINE_WIDTH): string {
  if (values.length === 0) return "";
  const buckets = Math.min(width, values.length);
  const averages: number[] = [];
  for (let bucket = 0; bucket < buckets; bucket++) {
    const slice = values.slice(
      Math.floor((bucket * values.length) / buckets),
      Math.floor(((bucket + 1) * values.length) / buckets),
    );
    averages.push(slice.reduce((sum, value) => sum + value, 0) / slice.length);
  }
  const low = Math.min(...averages);
  const span = Math.max(...averages) - low;
  return averages
    .map((value) => BARS[span === 0 ? 0 : Math.round(((value - low) / span) * (BARS.length - 1))] ?? "")
    .join("");
}

function number(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** `temperature of oven-3, 2026-…Z to 2026-…Z, 1m buckets: 60 points, min 70 avg 72.5 max 80  ▁▃▅█`. */
export function formatTelemetrySummary(view: TelemetryView): string {
  const heading = `${view.metric} of ${view.thingName}, ${shortTime(view.from)} to ${shortTime(view.to)}${
    view.step === undefined ? "" : `, ${view.step} buckets`
  }`;
  if (view.points.length === 0) return `${heading}: no points\n`;
  const values = view.points.map((point) => point.value);
  const low = Math.min(...view.points.map((point) => point.min ?? point.value));
  const high = Math.max(...view.points.map((point) => point.max ?? point.value));
  const average = values.reduce((sum, value) => sum + value, 0) / values.length;
  return `${heading}: ${view.points.length} point(s), min ${number(low)} avg ${number(average)} max ${number(high)}  ${sparkline(values)}\n`;
}

export function formatTelemetryTable(view: TelemetryView, style: OutputStyle): string {
  const bucketed = view.step !== undefined;
  return formatTable(
    bucketed ? ["TIME", "AVG", "MIN", "MAX", "COUNT"] : ["TIME", "VALUE"],
    view.points.map((point) =>
      bucketed
        ? [
            shortTime(point.time),
            number(point.value),
            point.min === undefined ? "-" : number(point.min),
            point.max === undefined ? "-" : number(point.max),
            point.count === undefined ? "-" : String(point.count),
          ]
        : [shortTime(point.time), number(point.value)],
    ),
    style,
  );
}

/** RFC 4180 CSV with a header; full precision and ISO times, for spreadsheets and scripts. */
export function formatTelemetryCsv(view: TelemetryView): string {
  const bucketed = view.step !== undefined;
  const rows = view.points.map((point) =>
    bucketed
      ? [point.time, point.value, point.min ?? "", point.max ?? "", point.count ?? ""].join(",")
      : [point.time, point.value].join(","),
  );
  return `${[bucketed ? "time,value,min,max,count" : "time,value", ...rows].join("\n")}\n`;
}
