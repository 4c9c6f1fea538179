import type { AlarmView } from "../../shared/contracts/operatorApi.ts";
import { ALARM_STATES } from "../../shared/domain/alarms/alarmState.ts";
import { SEVERITIES, type Severity } from "../../shared/domain/alarms/rule.ts";
import { AlarmActions } from "./alarmActions.ts";
import type { OperatorApiClient } from "./api.ts";
import { h, renderKeyed, select, setText } from "./dom.ts";
import { isOpen, sinceText, stateText } from "./format.ts";
import type { Navigation } from "./navigation.ts";
import type { DashboardStore } from "./store.ts";

const SEVERITY_ORDER = new Map<Severity, number>(SEVERITIES.map((severity, index) => [severity, index]));

interface AlarmRow {
  readonly row: HTMLTableRowElement;
  readonly severity: HTMLElement;
  readonly name: HTMLElement;
  readonly state: HTMLElement;
  readonly since: HTMLElement;
}

/**
 * The alarm console: current alarm instances, filtered by state, severity and site, with the C4
 * actions. A row is updated from the action's response and from live alarm events; the alarm's name
 * links to its page.
 */
export class AlarmConsole {
  readonly #store: DashboardStore;
  readonly #api: OperatorApiClient;
  readonly #navigation: Navigation;
  readonly #body: HTMLTableSectionElement;
  readonly #count: HTMLElement;
  readonly #state: HTMLSelectElement;
  readonly #severity: HTMLSelectElement;
  readonly #site: HTMLSelectElement;
  readonly #rows = new Map<string, HTMLTableRowElement>();
  readonly #parts = new WeakMap<HTMLTableRowElement, AlarmRow>();

  constructor(root: HTMLElement, store: DashboardStore, api: OperatorApiClient, navigation: Navigation) {
    this.#store = store;
    this.#api = api;
    this.#navigation = navigation;
    this.#state = select("filter-state", [
      ["open", "open (not normal or disabled)"],
      ["", "any state"],
      ...ALARM_STATES.map((state): [string, string] => [state, state]),
    ]);
    this.#severity = select("filter-severity", [
      ["", "any severity"],
      ...SEVERITIES.map((severity): [string, string] => [severity, severity]),
    ]);
    this.#site = select("filter-site", [["", "any site"]]);
    for (const filter of [this.#state, this.#severity, this.#site]) {
      filter.addEventListener("change", () => this.render());
    }
    this.#count = h("span", { class: "muted", "data-testid": "alarm-count" });
    this.#body = h("tbody");
    root.append(
      h(
        "div",
        { class: "filters" },
        h("label", {}, "State ", this.#state),
        h("label", {}, "Severity ", this.#severity),
        h("label", {}, "Site ", this.#site),
        this.#count,
      ),
      h(
        "table",
        { class: "grid alarms", "data-testid": "alarm-console" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Severity", "Alarm", "Thing", "State", "Since", "Actions"].map((title) =>
              h("th", { scope: "col" }, title),
            ),
          ),
        ),
        this.#body,
      ),
    );
  }

  render(): void {
    this.#updateSites();
    const state = this.#state.value;
    const severity = this.#severity.value;
    const site = this.#site.value;
    const alarms = [...this.#store.alarms.values()]
      .filter(
        (alarm) =>
          (state === "" || (state === "open" ? isOpen(alarm.state) : alarm.state === state)) &&
          (severity === "" || alarm.rule.severity === severity) &&
          (site === "" || alarm.device.site === site),
      )
      .sort(
        (a, b) =>
          (SEVERITY_ORDER.get(a.rule.severity) ?? 9) - (SEVERITY_ORDER.get(b.rule.severity) ?? 9) ||
          Date.parse(b.since) - Date.parse(a.since) ||
          a.alarmId.localeCompare(b.alarmId),
      );
    renderKeyed(
      this.#body,
      this.#rows,
      alarms,
      (alarm) => alarm.alarmId,
      (alarm) => this.#createRow(alarm),
      (row, alarm) => this.#updateRow(row, alarm),
    );
    setText(this.#count, `${alarms.length} of ${this.#store.alarms.size} alarms`);
  }

  #updateSites(): void {
    const sites = new Set<string>();
    for (const device of this.#store.devices.values()) if (device.site) sites.add(device.site);
    for (const alarm of this.#store.alarms.values()) if (alarm.device.site) sites.add(alarm.device.site);
    const known = new Set([...this.#site.options].map((option) => option.value));
    for (const site of [...sites].sort()) {
      if (!known.has(site)) this.#site.append(h("option", { value: site }, site));
    }
  }

  #createRow(alarm: AlarmView): HTMLTableRowElement {
    const severity = h("span", { class: "severity" });
    const name = h("span");
    const state = h("span", { class: "state", "data-testid": "alarm-state" });
    const since = h("span", { "data-testid": "alarm-since" });
    const history = h("button", { type: "button", class: "link", "data-testid": "alarm-history" }, "History");
    history.addEventListener("click", () => this.#store.selectAlarm(alarm.alarmId));
    const actions = new AlarmActions(
      alarm.alarmId,
      this.#api,
      (result) => this.#store.putAlarm(result),
      history,
    );
    const page = this.#navigation.link(
      { kind: "alarm", alarmId: alarm.alarmId },
      { class: "alarm-link", "data-testid": "alarm-link" },
      name,
    );
    // The labels stand in for the column headers when the table is laid out as cards (phone width).
    const row = h(
      "tr",
      { "data-testid": "alarm-row", "data-alarm-id": alarm.alarmId },
      h("td", { "data-label": "Severity" }, severity),
      h("td", { "data-label": "Alarm" }, page, h("div", { class: "muted small" }, alarm.alarmId)),
      h("td", { class: "nowrap", "data-label": "Thing" }, alarm.thingName),
      h("td", { "data-label": "State" }, state),
      h("td", { "data-label": "Since" }, since),
      h("td", { class: "actions-cell" }, actions.element),
    );
    this.#parts.set(row, { row, severity, name, state, since });
    return row;
  }

  #updateRow(row: HTMLTableRowElement, alarm: AlarmView): void {
    const parts = this.#parts.get(row);
    if (parts === undefined) return;
    const severity = alarm.escalatedTo ?? alarm.rule.severity;
    setText(parts.severity, severity);
    parts.severity.className = `severity severity-${severity}`;
    setText(parts.name, alarm.rule.name);
    setText(parts.state, stateText(alarm));
    parts.state.className = `state state-${alarm.state}`;
    row.dataset.state = alarm.state;
    setText(parts.since, sinceText(alarm));
    row.setAttribute("aria-selected", String(alarm.alarmId === this.#store.selectedAlarm));
  }
}
