import type { KpiAlarmFacts, KpiFacts, KpiRuleFacts } from "../../contracts/kpis.ts";
import { SEVERITIES, type Severity } from "../alarms/rule.ts";

const NO_ALARMS: KpiAlarmFacts = {
  raised: 0,
  bySeverity: {},
  acknowledged: 0,
  acknowledgeMs: 0,
  cleared: 0,
  clearMs: 0,
  inAlarmMs: 0,
  byRule: [],
};

const NO_FACTS: KpiFacts = {
  plannedMs: 0,
  runMs: 0,
  stopMs: 0,
  unknownMs: 0,
  stops: 0,
  longestStopMs: 0,
  partsTotal: null,
  partsGood: null,
  idealMs: null,
  alarms: NO_ALARMS,
};

/**
 * Facts of several devices (or of adjacent ranges of one) together: times, counts and parts add up;
 * the longest stop is the longest of them. A counter that one device lacks makes the sum null, so
 * a line never shows the quality of only its counting machines as if it were the line's.
 */
export function sumFacts(all: readonly KpiFacts[]): KpiFacts {
  if (all.length === 0) return NO_FACTS;
  const add = (pick: (f: KpiFacts) => number) => all.reduce((sum, f) => sum + pick(f), 0);
  const addNullable = (pick: (f: KpiFacts) => number | null) =>
    all.some((f) => pick(f) === null) ? null : all.reduce((sum, f) => sum + (pick(f) ?? 0), 0);
  return {
    plannedMs: add((f) => f.plannedMs),
    runMs: add((f) => f.runMs),
    stopMs: add((f) => f.stopMs),
    unknownMs: add((f) => f.unknownMs),
    stops: add((f) => f.stops),
    longestStopMs: Math.max(...all.map((f) => f.longestStopMs)),
    partsTotal: addNullable((f) => f.partsTotal),
    partsGood: addNullable((f) => f.partsGood),
    idealMs: addNullable((f) => f.idealMs),
    alarms: sumAlarmFacts(all.map((f) => f.alarms)),
  };
}

function sumAlarmFacts(all: readonly KpiAlarmFacts[]): KpiAlarmFacts {
  const add = (pick: (f: KpiAlarmFacts) => number) => all.reduce((sum, f) => sum + pick(f), 0);
  const bySeverity: Partial<Record<Severity, number>> = {};
  for (const severity of SEVERITIES) {
    const count = add((f) => f.bySeverity[severity] ?? 0);
    if (count > 0) bySeverity[severity] = count;
  }
  const byRule = new Map<string, KpiRuleFacts>();
  for (const rule of all.flatMap((f) => f.byRule)) {
    const seen = byRule.get(rule.ruleId);
    byRule.set(
      rule.ruleId,
      seen === undefined
        ? rule
        : { ...seen, raised: seen.raised + rule.raised, inAlarmMs: seen.inAlarmMs + rule.inAlarmMs },
    );
  }
  return {
    raised: add((f) => f.raised),
    bySeverity,
    acknowledged: add((f) => f.acknowledged),
    acknowledgeMs: add((f) => f.acknowledgeMs),
    cleared: add((f) => f.cleared),
    clearMs: add((f) => f.clearMs),
    inAlarmMs: add((f) => f.inAlarmMs),
    byRule: rankRules([...byRule.values()]),
  };
}

/** Most time in alarm first, then most raised, then by id: a stable order for the top 5. */
export function rankRules(rules: readonly KpiRuleFacts[]): KpiRuleFacts[] {
  return [...rules].sort(
    (a, b) => b.inAlarmMs - a.inAlarmMs || b.raised - a.raised || a.ruleId.localeCompare(b.ruleId),
  );
}
