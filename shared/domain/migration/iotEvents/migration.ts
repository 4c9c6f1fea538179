import type { AlarmRuleDocument } from "../../../contracts/alarmRules.ts";
import type { Severity } from "../../alarms/rule.ts";
import type { Finding } from "./collectSources.ts";

/** A line of the report about one place in the source: what was decided, or what is left to do. */
export interface Note {
  /** The JSON path in the source file the note is about. */
  readonly path: string;
  readonly text: string;
}

/** A note's path as shown: the top level of a `describe-alarm-model` output has none. */
export function shownPath(path: string): string {
  return path === "" ? "(top level)" : path;
}

/**
 * - `whole`: the rule does what the alarm model did (steps outside the rules file may remain, `todo`);
 * - `partial`: the rule is written, but something the alarm model did is not carried (`leftOut`);
 * - `refused`: no rule; `leftOut` says why.
 */
export type AlarmStatus = "whole" | "partial" | "refused";

export interface AlarmMigration {
  readonly file: string;
  readonly resource: string;
  /** The alarm model's path in the file (empty for a `describe-alarm-model` output). */
  readonly path: string;
  readonly status: AlarmStatus;
  /** The rule written, unless refused. */
  readonly rule?: AlarmRuleDocument;
  /** How each part of the alarm model became part of the rule. */
  readonly decisions: readonly Note[];
  /** What someone must do outside the rules file (notifications, device names, attributes). */
  readonly todo: readonly Note[];
  /** What is not carried over (partial) or why there is no rule (refused). */
  readonly leftOut: readonly Note[];
}

export interface MigrationOptions {
  /** `Input.path.to.value` (the input property without `$input.`) → metric name. */
  readonly metricMap: ReadonlyMap<string, string>;
  /** IoT Events severity → plantwatch severity, over the default table. */
  readonly severityMap: ReadonlyMap<number, Severity>;
  /** Thing-name globs every rule matches; absent: every thing. */
  readonly things?: readonly string[];
}

export interface Migration {
  readonly alarms: readonly AlarmMigration[];
  /** Whole resources or files that cannot become rules (detector models, ...). */
  readonly refused: readonly Finding[];
  /** Inputs found: what becomes of them. */
  readonly inputs: readonly Finding[];
  /** Resources of other services in the templates. */
  readonly ignored: readonly Finding[];
  /** True only when every alarm model became a rule that does all it did, and nothing was refused. */
  readonly whole: boolean;
}
