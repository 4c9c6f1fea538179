import type { KpiFigures, KpiRuleFacts, KpiSummary } from "../../shared/contracts/kpis.ts";
import { h } from "./dom.ts";
import {
  countText,
  durationText,
  type KpiKind,
  kpiText,
  NOT_AVAILABLE,
  percentText,
  reasonText,
} from "./kpiFormat.ts";

const FIGURES: readonly (readonly [keyof KpiFigures, string, KpiKind])[] = [
  ["oee", "OEE", "ratio"],
  ["availability", "Availability", "ratio"],
  ["performance", "Performance", "ratio"],
  ["quality", "Quality", "ratio"],
  ["mtbfMs", "MTBF", "duration"],
  ["mttrMs", "MTTR (stops)", "duration"],
  ["mttaMs", "MTTA (alarms)", "duration"],
  ["alarmMttrMs", "MTTR (alarms)", "duration"],
];

/**
 * The range's figures as cards: the KPIs (a missing one says "not available" and why, never a
 * number), then the facts they come from, data gaps among them (unknown time, neither run nor stop).
 */
export function figureCards(summary: KpiSummary): HTMLElement {
  const { facts } = summary;
  const card = (testId: string, label: string, text: string, note = "", available = true) =>
    h(
      "div",
      { class: "figure", "data-testid": testId, "data-available": String(available) },
      h("dt", {}, label),
      h("dd", { class: "value" }, text),
      note === "" ? null : h("dd", { class: "note small muted" }, note),
    );
  return h(
    "dl",
    { class: "figures" },
    ...FIGURES.map(([key, label, kind]) =>
      card(
        `kpi-${key}`,
        label,
        kpiText(summary[key], kind),
        reasonText(summary[key]),
        summary[key].value !== null,
      ),
    ),
    card("kpi-stops", "Stops", countText(facts.stops), `${durationText(facts.stopMs)} down`),
    card("kpi-longest-stop", "Longest stop", durationText(facts.longestStopMs)),
    card("kpi-unknown", "Data gaps", durationText(facts.unknownMs), "neither run nor stop"),
    facts.partsTotal === null
      ? card("kpi-parts", "Parts", NOT_AVAILABLE, "no parts counter", false)
      : card(
          "kpi-parts",
          "Parts",
          countText(facts.partsTotal),
          facts.partsGood === null ? "" : `${countText(facts.partsGood)} good`,
        ),
    card("kpi-alarms", "Alarms raised", countText(facts.alarms.raised)),
  );
}

/**
 * Why the time was lost: the rules with the most time in alarm, longest first, each with its bar
 * (against the longest) and the running share of all time in alarm, as a Pareto chart reads.
 */
export function downtimePareto(summary: KpiSummary): HTMLElement {
  const { byRule, inAlarmMs } = summary.facts.alarms;
  const rules = byRule.toSorted((a, b) => b.inAlarmMs - a.inAlarmMs).slice(0, 5);
  const longest = rules[0]?.inAlarmMs ?? 0;
  let cumulative = 0;
  const row = (rule: KpiRuleFacts) => {
    cumulative += rule.inAlarmMs;
    const bar = h("span", { class: "pareto-bar" });
    // Through the CSSOM: the hosted console's CSP allows that, not a style attribute.
    bar.style.width = `${longest > 0 ? (rule.inAlarmMs / longest) * 100 : 0}%`;
    return h(
      "li",
      { "data-testid": "pareto-rule", "data-rule": rule.ruleId },
      h(
        "span",
        { class: "pareto-label" },
        h("span", { class: "pareto-rule" }, rule.ruleId),
        rule.severity === undefined
          ? null
          : h("span", { class: `severity severity-${rule.severity}` }, rule.severity),
      ),
      h("span", { class: "pareto-track" }, bar),
      h(
        "span",
        { class: "pareto-numbers small" },
        h("span", { "data-testid": "pareto-time" }, durationText(rule.inAlarmMs)),
        ` · ${countText(rule.raised)}× · `,
        h(
          "span",
          { "data-testid": "pareto-cumulative" },
          inAlarmMs > 0 ? `${percentText(cumulative / inAlarmMs)} cum.` : "",
        ),
      ),
    );
  };
  return h(
    "section",
    { class: "pareto", "data-testid": "pareto", "aria-labelledby": "pareto-title" },
    h("h3", { id: "pareto-title" }, "Downtime causes: rules by time in alarm"),
    rules.length === 0
      ? h("p", { class: "muted", "data-testid": "pareto-empty" }, "No alarm was raised in this range.")
      : h("ol", { class: "pareto-list" }, ...rules.map(row)),
  );
}
