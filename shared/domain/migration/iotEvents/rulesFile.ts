import { Document, isMap, isSeq } from "yaml";
import { type AlarmMigration, type Migration, shownPath } from "./migration.ts";

/** A comment on a generated rule: where it came from and every decision, step and gap, by path. */
function ruleComment(alarm: AlarmMigration): string {
  const lines = [
    ` from ${alarm.file}${alarm.path === "" ? "" : `: ${alarm.path}`} (${alarm.resource}), ${alarm.status}`,
    ...alarm.decisions.map((note) => `   ${shownPath(note.path)}: ${note.text}`),
    ...alarm.todo.map((note) => `   TO DO ${shownPath(note.path)}: ${note.text}`),
    ...alarm.leftOut.map((note) => `   NOT CARRIED OVER ${shownPath(note.path)}: ${note.text}`),
  ];
  return lines.join("\n");
}

/**
 * The C3 rules file (YAML) of a migration, one commented rule per alarm model that became one.
 * `rules validate` and `rules apply` read it as it is.
 */
export function renderRulesFile(migration: Migration, sources: readonly string[]): string {
  const alarms = migration.alarms.filter((alarm) => alarm.rule !== undefined);
  const document = new Document(alarms.map((alarm) => alarm.rule));
  document.commentBefore = [
    ` Alarm rules (C3) from AWS IoT Events, by \`plantwatch import iot-events\` from ${sources.join(", ")}.`,
    " Each rule's comment says how its alarm model was mapped; the migration report lists what is left to do.",
    ` ${migration.whole ? "Every alarm model was migrated whole." : "NOT every alarm model was migrated whole: see the report."}`,
    ...migration.alarms
      .filter((alarm) => alarm.rule === undefined)
      .map(
        (alarm) =>
          ` REFUSED ${alarm.file}: ${alarm.path} (${alarm.resource}): ${alarm.leftOut.at(-1)?.text ?? ""}`,
      ),
    ...migration.refused.map(
      (finding) => ` REFUSED ${finding.file}: ${finding.path} (${finding.resource}): ${finding.message}`,
    ),
  ].join("\n");
  const sequence = document.contents;
  if (isSeq(sequence)) {
    sequence.items.forEach((item, index) => {
      const alarm = alarms[index];
      if (alarm !== undefined && isMap(item)) {
        item.commentBefore = ruleComment(alarm);
      }
    });
  }
  return document.toString({ lineWidth: 0 });
}
