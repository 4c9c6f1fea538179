import type { AlarmRuleDocument } from "../../shared/contracts/alarmRules.ts";
import { h } from "./dom.ts";
import type { DashboardStore } from "./store.ts";

/** The alarm rules (C3) as applied, one line each: what they watch and when they raise. */
export class RulesView {
  readonly #store: DashboardStore;
  readonly #body: HTMLTableSectionElement;

  constructor(root: HTMLElement, store: DashboardStore) {
    this.#store = store;
    this.#body = h("tbody");
    root.append(
      h(
        "table",
        { class: "grid", "data-testid": "rules" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Rule", "Severity", "Applies to", "Raises when"].map((title) =>
              h("th", { scope: "col" }, title),
            ),
          ),
        ),
        this.#body,
      ),
    );
  }

  render(): void {
    const rules = [...this.#store.rules].sort((a, b) => a.id.localeCompare(b.id));
    this.#body.replaceChildren(
      ...rules.map((rule) =>
        h(
          "tr",
          { "data-testid": "rule-row", "data-rule-id": rule.id },
          h("th", { scope: "row" }, rule.name, h("div", { class: "muted small" }, rule.id)),
          h("td", {}, h("span", { class: `severity severity-${rule.severity}` }, rule.severity)),
          h("td", {}, scope(rule)),
          h("td", {}, when(rule)),
        ),
      ),
    );
    if (rules.length === 0) {
      this.#body.append(h("tr", {}, h("td", { colspan: 4, class: "muted" }, "No rules applied.")));
    }
  }
}

function scope(rule: AlarmRuleDocument): string {
  const match = rule.match;
  if (match === undefined) return "every thing";
  return [
    match.things?.join(", "),
    match.site && `site ${match.site}`,
    match.line && `line ${match.line}`,
    match.model && `model ${match.model}`,
  ]
    .filter(Boolean)
    .join("; ");
}

function when(rule: AlarmRuleDocument): string {
  if (rule.kind === "offline") {
    return [rule.after && `no telemetry for ${rule.after}`, `disconnected longer than ${rule.grace ?? "30s"}`]
      .filter(Boolean)
      .join(" or ");
  }
  const condition = rule.condition;
  const threshold = (value: number | string | boolean | { attribute: string; default: number }) =>
    typeof value === "object" ? `${value.attribute} (default ${value.default})` : String(value);
  const test =
    "value" in condition
      ? `${condition.op} ${threshold(condition.value)}`
      : `${condition.op} ${threshold(condition.low)}..${threshold(condition.high)}`;
  const subject = rule.kind === "rate" ? `${rule.metric} per minute over ${rule.window}` : rule.metric;
  const hold = [rule.for && `for ${rule.for}`, rule.count && `${rule.count} samples`]
    .filter(Boolean)
    .join(", ");
  return `${subject} ${test}${hold ? ` ${hold}` : ""}${rule.latch ? " (latching)" : ""}`;
}
