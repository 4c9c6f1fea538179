import type { AlarmRule } from "../domain/alarms/rule.ts";

/** A consistent set of rules and the version that names it (changes whenever any rule does). */
export interface RuleSet {
  readonly version: string;
  readonly rules: readonly AlarmRule[];
}

/** Where running functions get the current rules; implementations cache and refresh (≤ 60 s). */
export interface RuleSource {
  current(): Promise<RuleSet>;
}
