/**
 * Alarm evaluation cost per sample with 10, 1,000 and 10,000 rules of which the same few match
 * the thing: the index must make the cost depend on the matching rules, not on all rules.
 */
import type { ThingAlarms } from "../shared/domain/alarms/alarmState.ts";
import { emptyThing, evaluateTelemetry } from "../shared/domain/alarms/evaluateThing.ts";
import type { AlarmRule } from "../shared/domain/alarms/rule.ts";
import { RuleIndex } from "../shared/domain/alarms/ruleIndex.ts";
import { thresholdRule } from "../test/support/alarmRules.ts";
import { measure } from "./measure.ts";
import type { BenchProfile } from "./profile.ts";
import { BENCH_METRICS as METRICS, BENCH_T0 as T0 } from "./workload.ts";

export interface AlarmResults {
  readonly rows: readonly {
    readonly rules: number;
    readonly microsPerSample: number;
    readonly samplesPerSecond: number;
  }[];
  /** Per-sample cost with 10,000 rules ÷ with 10 (goal ≤ 1.5). */
  readonly ratio: number;
}

const RULE_COUNTS = [10, 1_000, 10_000] as const;

/** `total` rules: four that match `oven-3`, the rest on other things (and the same metrics). */
function ruleSet(total: number): AlarmRule[] {
  const matching = METRICS.slice(0, 4).map((metric, index) =>
    thresholdRule({ id: `match-${index}`, metric, match: { things: ["oven-*"] }, forMs: 30_000 }),
  );
  const others = Array.from({ length: total - matching.length }, (_, index) =>
    thresholdRule({
      id: `other-${index}`,
      metric: METRICS[index % METRICS.length] as string,
      match: { things: [`press-${index}-*`] },
    }),
  );
  return [...matching, ...others];
}

export async function benchAlarmEvaluation(profile: BenchProfile): Promise<AlarmResults> {
  const tasks: Record<string, () => void> = {};
  for (const total of RULE_COUNTS) {
    const state: { index: RuleIndex; doc: ThingAlarms; time: number } = {
      index: new RuleIndex({ version: String(total), rules: ruleSet(total) }),
      doc: emptyThing("oven-3"),
      time: T0,
    };
    tasks[String(total)] = () => {
      state.time += 1_000;
      const metrics = Object.fromEntries(
        METRICS.map((metric, i) => [metric, 200 + ((state.time / 1000 + i) % 100)]),
      );
      const rules = state.index.forThing("oven-3", undefined);
      state.doc = evaluateTelemetry(
        state.doc,
        { receivedAt: state.time, samples: [{ time: state.time, metrics }] },
        { rules, device: undefined, now: state.time },
      ).doc;
    };
  }
  const means = await measure(tasks, profile);
  const rows = Object.entries(means).map(([rules, ms]) => ({
    rules: Number(rules),
    microsPerSample: ms * 1_000,
    samplesPerSecond: 1_000 / ms,
  }));
  const micros = (rules: number) => rows.find((row) => row.rules === rules)?.microsPerSample ?? Number.NaN;
  return { rows, ratio: micros(10_000) / micros(10) };
}
