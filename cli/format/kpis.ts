import type { KpiGroup, KpiResponse, KpiSummary, KpiValue } from "../../shared/contracts/kpis.ts";
import { formatFields, formatTable, type OutputStyle, shortTime } from "./table.ts";

const percent = (kpi: KpiValue) => (kpi.value === null ? "n/a" : `${(kpi.value * 100).toFixed(1)}%`);
const duration = (kpi: KpiValue) => (kpi.value === null ? "n/a" : hours(kpi.value));

/** `3h12m`, `1m30s`, `20s`: durations people compare at a glance. */
function hours(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600)
    return seconds % 60 === 0 ? `${seconds / 60}m` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

function nameOf(group: KpiGroup): string {
  if (group.thingName !== undefined) return group.thingName;
  if (group.line !== undefined) return `${group.site ?? "-"}/${group.line}`;
  return group.site ?? "(no line)";
}

const HEAD = [
  "GROUP",
  "AVAIL",
  "PERF",
  "QUAL",
  "OEE",
  "RUN",
  "STOP",
  "UNKNOWN",
  "STOPS",
  "MTBF",
  "MTTR",
  "ALARMS",
  "MTTA",
  "ALARM MTTR",
];

function row(name: string, summary: KpiSummary): string[] {
  const { facts } = summary;
  return [
    name,
    percent(summary.availability),
    percent(summary.performance),
    percent(summary.quality),
    percent(summary.oee),
    hours(facts.runMs),
    hours(facts.stopMs),
    hours(facts.unknownMs),
    String(facts.stops),
    duration(summary.mtbfMs),
    duration(summary.mttrMs),
    String(facts.alarms.raised),
    duration(summary.mttaMs),
    duration(summary.alarmMttrMs),
  ];
}

/** The selection, its lines and devices as one table; the selection's buckets; the top alarm rules. */
export function formatKpiReport(report: KpiResponse, style: OutputStyle): string {
  const { selection } = report;
  const header = formatFields([
    [
      "Range",
      `${shortTime(report.from)} .. ${shortTime(report.to)} (${report.bucket} buckets, ${report.timeZone})`,
    ],
    ["Devices", String(selection.devices)],
  ]);
  const rows = [
    row(`all ${selection.site ?? ""}`.trim(), selection.total),
    ...(report.lines.length > 1 ? report.lines.map((line) => row(nameOf(line), line.total)) : []),
    ...report.devices.map((device) => row(`  ${device.thingName}`, device.total)),
  ];
  const buckets = formatTable(
    [report.bucket.toUpperCase(), "AVAIL", "PERF", "QUAL", "OEE", "RUN", "STOPS"],
    selection.buckets.map((bucket) => [
      shortTime(bucket.start),
      percent(bucket.availability),
      percent(bucket.performance),
      percent(bucket.quality),
      percent(bucket.oee),
      hours(bucket.facts.runMs),
      String(bucket.facts.stops),
    ]),
    style,
  );
  const rules = selection.total.facts.alarms.byRule;
  const top =
    rules.length === 0
      ? ""
      : `\nTop alarm rules by time in alarm\n${formatTable(
          ["RULE", "SEVERITY", "RAISED", "IN ALARM"],
          rules.map((rule) => [
            rule.ruleId,
            rule.severity ?? "-",
            String(rule.raised),
            hours(rule.inAlarmMs),
          ]),
          style,
        )}`;
  const reasons = notAvailable(selection.total);
  return `${header}\n${formatTable(HEAD, rows, style)}\n${buckets}${top}${reasons}`;
}

/** Why the selection's figures are n/a: never leave a reader guessing at a blank. */
function notAvailable(summary: KpiSummary): string {
  const entries = (
    [
      ["availability", summary.availability],
      ["performance", summary.performance],
      ["quality", summary.quality],
      ["MTBF/MTTR", summary.mtbfMs],
      ["MTTA", summary.mttaMs],
    ] as const
  ).flatMap(([name, kpi]) => (kpi.value === null ? [`${name}: ${kpi.reason}`] : []));
  return entries.length === 0 ? "" : `\nn/a: ${entries.join(", ")}\n`;
}

const CSV_HEAD = [
  "level",
  "site",
  "line",
  "thing",
  "availability",
  "performance",
  "quality",
  "oee",
  "planned_ms",
  "run_ms",
  "stop_ms",
  "unknown_ms",
  "stops",
  "mtbf_ms",
  "mttr_ms",
  "parts_total",
  "parts_good",
  "alarms",
  "mtta_ms",
  "alarm_mttr_ms",
];

/** One row per group (selection, lines, devices), ratios as fractions and times in ms; empty = n/a. */
export function formatKpiCsv(report: KpiResponse): string {
  const value = (kpi: KpiValue) => (kpi.value === null ? "" : String(kpi.value));
  const csvRow = (level: string, group: KpiGroup) => {
    const { total } = group;
    const { facts } = total;
    return [
      level,
      group.site ?? "",
      group.line ?? "",
      group.thingName ?? "",
      value(total.availability),
      value(total.performance),
      value(total.quality),
      value(total.oee),
      String(facts.plannedMs),
      String(facts.runMs),
      String(facts.stopMs),
      String(facts.unknownMs),
      String(facts.stops),
      value(total.mtbfMs),
      value(total.mttrMs),
      facts.partsTotal === null ? "" : String(facts.partsTotal),
      facts.partsGood === null ? "" : String(facts.partsGood),
      String(facts.alarms.raised),
      value(total.mttaMs),
      value(total.alarmMttrMs),
    ]
      .map(csvField)
      .join(",");
  };
  return `${[
    CSV_HEAD.join(","),
    csvRow("selection", report.selection),
    ...report.lines.map((line) => csvRow("line", line)),
    ...report.devices.map((device) => csvRow("device", device)),
  ].join("\n")}\n`;
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
