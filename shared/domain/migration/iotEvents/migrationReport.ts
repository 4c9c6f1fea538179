import type { Finding } from "./collectSources.ts";
import { type AlarmMigration, type Migration, type Note, shownPath } from "./migration.ts";

/** Where a note is: `file: path` (the path alone would not say which file). */
function at(file: string, path: string): string {
  return path === "" ? file : `${file}: ${path}`;
}

/** Under an alarm's heading, which names the file: the JSON path alone. */
function noteLines(title: string, notes: readonly Note[]): string[] {
  if (notes.length === 0) return [];
  return [`  ${title}:`, ...notes.map((note) => `    - ${shownPath(note.path)}: ${note.text}`)];
}

function findingLines(title: string, findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  return [
    "",
    `${title}:`,
    ...findings.map(
      (finding) => `  - ${at(finding.file, finding.path)} (${finding.resource}): ${finding.message}`,
    ),
  ];
}

function alarmLines(alarm: AlarmMigration): string[] {
  const rule = alarm.rule === undefined ? "no rule" : `rule ${alarm.rule.id}`;
  return [
    "",
    `${alarm.status.toUpperCase()}  ${alarm.resource} (${at(alarm.file, alarm.path)}) → ${rule}`,
    ...noteLines("decided", alarm.decisions),
    ...noteLines("to do", alarm.todo),
    ...noteLines(alarm.status === "refused" ? "refused" : "not carried over", alarm.leftOut),
  ];
}

/** The summary line: the counts, and whether the migration is whole (exit 0) or not (exit 1). */
function summaryLine(migration: Migration): string {
  const count = (status: AlarmMigration["status"]) =>
    migration.alarms.filter((alarm) => alarm.status === status).length;
  const rules = migration.alarms.length - count("refused");
  const parts = [
    `${migration.alarms.length} alarm model(s): ${count("whole")} whole, ${count("partial")} partial, ${count("refused")} refused`,
    `${rules} rule(s) written`,
    `${migration.refused.length} other resource(s) refused`,
  ];
  const todo = migration.alarms.reduce((sum, alarm) => sum + alarm.todo.length, 0);
  return `${parts.join("; ")}. ${
    migration.whole
      ? `The migration is whole${todo > 0 ? `; ${todo} step(s) to do outside the rules file` : ""}.`
      : "The migration is NOT whole: see what is refused or not carried over above."
  }`;
}

/** The migration report for people: per alarm model, each decision, each step to do, what is left out. */
export function formatMigrationReport(migration: Migration): string {
  const lines = [
    "plantwatch import iot-events: migration report",
    ...migration.alarms.flatMap(alarmLines),
    ...findingLines("Refused", migration.refused),
    ...findingLines("Inputs", migration.inputs),
    ...findingLines("Not IoT Events, not migrated", migration.ignored),
    "",
    summaryLine(migration),
  ];
  return `${lines.join("\n")}\n`;
}

/** The report for programs (`--json`): the migration as it is, version 1. */
export function migrationReportJson(migration: Migration): string {
  return `${JSON.stringify({ version: "1", ...migration }, null, 2)}\n`;
}
