/**
 * C3 alarm rules, version 1, in their compiled form: durations in milliseconds, defaults applied.
 * The authored form (YAML/JSON, durations like "60s") is `AlarmRuleDocument` in
 * `shared/contracts/alarmRules.ts`; `compileRule` turns one into the other.
 */

export const SEVERITIES = ["critical", "major", "minor", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RULE_KINDS = ["threshold", "rate", "offline"] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const COMPARISON_OPS = [">", ">=", "<", "<=", "==", "!="] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];
export const RANGE_OPS = ["inside", "outside"] as const;
export type RangeOp = (typeof RANGE_OPS)[number];

/** A threshold: a literal, or a device-registry attribute with a default when the device lacks it. */
export type Threshold = number | string | boolean | { readonly attribute: string; readonly default: number };

export type Condition =
  | { readonly op: ComparisonOp; readonly value: Threshold }
  | { readonly op: RangeOp; readonly low: Threshold; readonly high: Threshold };

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Active hours: the rule raises alarms only inside them (clearing works at any time). */
export interface Schedule {
  readonly days: readonly Weekday[];
  /** Minutes after local midnight; `from > to` spans midnight. */
  readonly fromMinute: number;
  readonly toMinute: number;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  readonly tz: string;
}

export interface RuleMatch {
  /** Globs on the thing name (`*` any run, `?` one character); absent means every thing. */
  readonly things?: readonly string[];
  readonly site?: string;
  readonly line?: string;
  readonly model?: string;
}

export interface Notify {
  /** Re-notify every this many ms while ACTIVE and unacknowledged. */
  readonly repeatMs?: number;
  readonly escalate?: { readonly afterMs: number; readonly severity: Severity };
}

interface RuleCommon {
  readonly id: string;
  readonly name: string;
  readonly severity: Severity;
  readonly match: RuleMatch;
  readonly latch: boolean;
  readonly notify?: Notify;
  readonly schedule?: Schedule;
  readonly description?: string;
}

interface SampleRuleCommon extends RuleCommon {
  readonly metric: string;
  readonly condition: Condition;
  /** Hysteresis: what must hold to clear; absent means "the condition no longer holds". */
  readonly clear?: Condition;
  /** The condition must hold continuously (every sample, by event time) this long before ACTIVE. */
  readonly forMs: number;
  /** The condition must hold for this many consecutive samples before ACTIVE. */
  readonly count: number;
}

export interface ThresholdRule extends SampleRuleCommon {
  readonly kind: "threshold";
}

/** The condition applies to the metric's change per minute over `windowMs`. */
export interface RateRule extends SampleRuleCommon {
  readonly kind: "rate";
  readonly windowMs: number;
}

export interface OfflineRule extends RuleCommon {
  readonly kind: "offline";
  /** ACTIVE after no telemetry for this long (by receive time). */
  readonly afterMs?: number;
  /** ACTIVE after a disconnect (C1 lifecycle) lasting longer than this. */
  readonly graceMs: number;
}

export type AlarmRule = ThresholdRule | RateRule | OfflineRule;

export const RULE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const DEFAULT_OFFLINE_GRACE_MS = 30_000;
