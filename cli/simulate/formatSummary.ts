import type { ScenarioName } from "../../simulator/domain/scenarios.ts";
import type { FleetSummary } from "../../simulator/mqtt/runFleet.ts";

/** The scenarios a device plays, without the `normal` every device plays. */
export function scenarioLabel(scenarios: readonly ScenarioName[]): string {
  const special = scenarios.filter((scenario) => scenario !== "normal");
  return special.length === 0 ? "normal" : special.join(",");
}

/** Whether every message sent was acknowledged: the run's exit code is 0 exactly then. */
export function allAcknowledged(summary: FleetSummary): boolean {
  return summary.totals.failed === 0;
}

/** One row per device and a total, in columns, then a verdict line. */
export function formatSummaryTable(summary: FleetSummary): string {
  const rows = [
    ["DEVICE", "SCENARIOS", "SENT", "ACKED", "FAILED", "CONNECTIONS", "LAST ERROR"],
    ...summary.devices.map((device) => [
      device.thingName,
      scenarioLabel(device.scenarios),
      String(device.sent),
      String(device.acknowledged),
      String(device.failed),
      String(device.connections),
      device.lastError ?? "-",
    ]),
    [
      "TOTAL",
      "",
      String(summary.totals.sent),
      String(summary.totals.acknowledged),
      String(summary.totals.failed),
      "",
      "",
    ],
  ];
  const numeric = new Set([2, 3, 4, 5]);
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const table = rows
    .map((row) =>
      row
        .map((cell, column) =>
          numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
  const { sent, failed } = summary.totals;
  const verdict = allAcknowledged(summary)
    ? `All ${sent} message(s) acknowledged.`
    : `${failed} of ${sent} message(s) not acknowledged.`;
  const reproduce = `seed ${summary.seed}, ${summary.ticks} tick(s) from ${new Date(summary.startTime).toISOString()}`;
  return `${table}\n${verdict} (${reproduce}${summary.interrupted ? ", interrupted" : ""})\n`;
}

/** The summary for programs (`--json`). */
export function formatSummaryJson(summary: FleetSummary): string {
  return `${JSON.stringify(
    {
      ...summary,
      startTime: new Date(summary.startTime).toISOString(),
      allAcknowledged: allAcknowledged(summary),
    },
    null,
    2,
  )}\n`;
}
