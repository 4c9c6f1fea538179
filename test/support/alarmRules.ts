import type { OfflineRule, RateRule, ThresholdRule } from "../../shared/domain/alarms/rule.ts";

/** Compiled rules with the defaults a rule file would give, for domain tests. */
export function thresholdRule(overrides: Partial<ThresholdRule> = {}): ThresholdRule {
  return {
    id: "oven-overheat",
    name: "Oven temperature too high",
    severity: "critical",
    match: {},
    latch: false,
    kind: "threshold",
    metric: "temperature",
    condition: { op: ">", value: 250 },
    forMs: 0,
    count: 1,
    ...overrides,
  };
}

export function rateRule(overrides: Partial<RateRule> = {}): RateRule {
  return {
    id: "pressure-climb",
    name: "Pressure climbing fast",
    severity: "major",
    match: {},
    latch: false,
    kind: "rate",
    metric: "pressure",
    condition: { op: ">", value: 10 },
    windowMs: 5 * 60_000,
    forMs: 0,
    count: 1,
    ...overrides,
  };
}

export function offlineRule(overrides: Partial<OfflineRule> = {}): OfflineRule {
  return {
    id: "offline",
    name: "Machine offline",
    severity: "major",
    match: {},
    latch: false,
    kind: "offline",
    afterMs: 5 * 60_000,
    graceMs: 30_000,
    ...overrides,
  };
}
