import type {
  KpiFacts,
  KpiFigures,
  KpiSummary,
  KpiUnavailableReason,
  KpiValue,
} from "../../contracts/kpis.ts";

const TOP_RULES = 5;

const value = (v: number): KpiValue => ({ value: v });
const none = (reason: KpiUnavailableReason): KpiValue => ({ value: null, reason });

/**
 * The KPIs of summed facts. A missing input gives a reason, never a default: no data is not 100 %.
 * Performance is not capped (above 1 says the model's ideal cycle time is too long); quality is
 * capped at 1, as good parts sampled just before their total can run ahead of it within a bucket.
 */
export function figuresOf(facts: KpiFacts): KpiFigures {
  const known = facts.runMs + facts.stopMs;
  const availability = known > 0 ? value(facts.runMs / known) : none("no_known_planned_time");
  const performance =
    facts.partsTotal === null
      ? none("no_parts_counter")
      : facts.idealMs === null
        ? none("no_ideal_cycle")
        : facts.runMs === 0
          ? none("no_run_time")
          : value(facts.idealMs / facts.runMs);
  const quality =
    facts.partsTotal === null
      ? none("no_parts_counter")
      : facts.partsGood === null
        ? none("no_good_counter")
        : facts.partsTotal === 0
          ? none("no_parts")
          : value(Math.min(1, facts.partsGood / facts.partsTotal));
  const oee =
    availability.value !== null && performance.value !== null && quality.value !== null
      ? value(availability.value * performance.value * quality.value)
      : none("factor_not_available");
  const { alarms } = facts;
  return {
    availability,
    performance,
    quality,
    oee,
    mtbfMs: facts.stops > 0 ? value(facts.runMs / facts.stops) : none("no_stops"),
    mttrMs: facts.stops > 0 ? value(facts.stopMs / facts.stops) : none("no_stops"),
    mttaMs:
      alarms.acknowledged > 0
        ? value(alarms.acknowledgeMs / alarms.acknowledged)
        : none("no_alarms_acknowledged"),
    alarmMttrMs: alarms.cleared > 0 ? value(alarms.clearMs / alarms.cleared) : none("no_alarms_cleared"),
  };
}

/** Facts and figures for a response: the rules cut to the top five by time in alarm. */
export function summaryOf(facts: KpiFacts): KpiSummary {
  const shown = { ...facts, alarms: { ...facts.alarms, byRule: facts.alarms.byRule.slice(0, TOP_RULES) } };
  return { ...figuresOf(facts), facts: shown };
}
