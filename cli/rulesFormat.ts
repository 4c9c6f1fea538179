import type { StoredRule } from "../shared/adapters/aws/dynamoDbRuleRepository.ts";
import type { AlarmRuleDocument } from "../shared/contracts/alarmRules.ts";
import { formatProblem } from "../shared/contracts/ruleProblems.ts";
import { describeFieldChange, type RuleDiff } from "../shared/domain/alarms/diffRules.ts";

/** How `plantwatch rules` shows rules and diffs: text for people (`--json` is for programs). */

function summary(document: AlarmRuleDocument): string {
  const metric = "metric" in document ? ` ${document.metric}` : "";
  return `${document.kind}${metric}, ${document.severity}: ${document.name}`;
}

/** `+` added, `~` changed (field by field), `-` deleted; rules not in the file are kept unless pruning. */
export function formatDiff(diff: RuleDiff, prune: boolean): string {
  const lines: string[] = [];
  for (const document of diff.added) lines.push(`+ ${document.id}  (${summary(document)})`);
  for (const rule of diff.changed) {
    lines.push(`~ ${rule.id}`);
    for (const change of rule.changes) lines.push(`    ${describeFieldChange(change)}`);
  }
  for (const { id } of diff.removed) {
    lines.push(prune ? `- ${id}` : `  ${id}  (not in file, kept; --prune deletes it)`);
  }
  const counts = [
    `${diff.added.length} to add`,
    `${diff.changed.length} to change`,
    `${prune ? diff.removed.length : 0} to delete`,
    `${diff.unchanged.length} unchanged`,
    ...(prune || diff.removed.length === 0 ? [] : [`${diff.removed.length} not in file (kept)`]),
  ];
  lines.push(`Plan: ${counts.join(", ")}.`);
  return `${lines.join("\n")}\n`;
}

/** One line per rule, in columns. */
export function formatRuleTable(documents: readonly AlarmRuleDocument[]): string {
  const rows = [
    ["ID", "KIND", "SEVERITY", "METRIC", "NAME"],
    ...documents.map((document) => [
      document.id,
      document.kind,
      document.severity,
      "metric" in document ? document.metric : "-",
      document.name,
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return `${rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}

/** A warning for each stored rule that is not valid (edited by hand): the functions skip it. */
export function formatInvalid(stored: readonly StoredRule[]): string {
  return stored
    .filter((rule) => !rule.valid)
    .map(
      (rule) =>
        `warning: stored rule ${rule.id} is invalid and skipped by the functions: ${
          rule.valid ? "" : rule.problems.map(formatProblem).join("; ")
        }\n`,
    )
    .join("");
}
