/**
 * Alarm evaluation cost per sample with 10, 1,000 and 10,000 rules of which the same few match
 * the thing: the index must make the cost depend on the matching rules, not on all rules.
 * Run with `npm run bench`; prints a table and the 10,000 ÷ 10 ratio (goal ≤ 1.5).
 */
import { Bench } from "tinybench";
import type { ThingAlarms } from "../shared/domain/alarms/alarmState.ts";
import { emptyThing, evaluateTelemetry } from "../shared/domain/alarms/evaluateThing.ts";
import type { AlarmRule } from "../shared/domain/alarms/rule.ts";
import { RuleIndex } from "../shared/domain/alarms/ruleIndex.ts";
import { thresholdRule } from "../test/support/alarmRules.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const METRICS = [
  "temperature",
  "pressure",
  "vibration_rms",
  "current",
  "voltage",
  "speed",
  "humidity",
  "flow",
];

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

const bench = new Bench({ time: 1_000, warmupTime: 200 });
for (const total of [10, 1_000, 10_000]) {
  const index = new RuleIndex({ version: String(total), rules: ruleSet(total) });
  const state: { index: RuleIndex; doc: ThingAlarms; time: number } = {
    index,
    doc: emptyThing("oven-3"),
    time: T0,
  };
  bench.add(`evaluate one 8-metric sample, ${total.toLocaleString("en")} rules`, () => {
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
  });
}

await bench.run();
console.table(bench.table());
const mean = (total: number) =>
  bench.tasks.find((task) => task.name.includes(`${total.toLocaleString("en")} rules`))?.result;
const small = mean(10);
const large = mean(10_000);
if (small && large && "latency" in small && "latency" in large) {
  const ratio = large.latency.mean / small.latency.mean;
  console.log(`per-sample cost, 10,000 rules ÷ 10 rules: ${ratio.toFixed(2)} (goal ≤ 1.5)`);
}
