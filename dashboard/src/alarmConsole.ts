import type { AlarmView } from "../../shared/contracts/operatorApi.ts";
import { ALARM_STATES } from "../../shared/domain/alarms/alarmState.ts";
import { SEVERITIES, type Severity } from "../../shared/domain/alarms/rule.ts";
import type { AlarmActionSegment, OperatorApiClient } from "./api.ts";
import { h, renderKeyed, setText } from "./dom.ts";
import { isOpen, shortTime } from "./format.ts";
import type { DashboardStore } from "./store.ts";

const SNOOZE_CHOICES = ["15m", "1h", "4h", "1d"] as const;
const SEVERITY_ORDER = new Map<Severity, number>(SEVERITIES.map((severity, index) => [severity, index]));

interface AlarmRow {
  readonly row: HTMLTableRowElement;
  readonly severity: HTMLElement;
  readonly name: HTMLElement;
  readonly state: HTMLElement;
  readonly since: HTMLElement;
  readonly error: HTMLElement;
  readonly buttons: readonly HTMLButtonElement[];
}

/**
 * The alarm console: current alarm instances, filtered by state, severity and site, with the C4
 * actions. A row is updated from the action's response and from live alarm events; the C7 error
 * message is shown in the row when an action is refused.
 */
export class AlarmConsole {
  readonly #store: DashboardStore;
  readonly #api: OperatorApiClient;
  readonly #body: HTMLTableSectionElement;
  readonly #count: HTMLElement;
  readonly #state: HTMLSelectElement;
  readonly #severity: HTMLSelectElement;
  readonly #site: HTMLSelectElement;
  readonly #rows = new Map<string, HTMLTableRowElement>();
  readonly #parts = new WeakMap<HTMLTableRowElement, AlarmRow>();

  constructor(root: HTMLElement, store: DashboardStore, api: OperatorApiClient) {
    this.#store = store;
    this.#api = api;
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
    const since = h("span");
    const note = h("input", {
      type: "text",
      class: "note",
      placeholder: "note (optional)",
      maxlength: 1000,
      "aria-label": `Note for ${alarm.alarmId}`,
      "data-testid": "alarm-note",
    });
    const duration = select(
      "snooze-duration",
      SNOOZE_CHOICES.map((choice): [string, string] => [choice, choice]),
    );
    duration.setAttribute("aria-label", `Snooze duration for ${alarm.alarmId}`);
    const error = h("p", { class: "error", role: "alert", "data-testid": "alarm-error" });
    const button = (label: string, action: AlarmActionSegment) => {
      const element = h("button", { type: "button", "data-testid": `alarm-${action}` }, label);
      element.addEventListener("click", () => void this.#act(alarm.alarmId, action, note, duration));
      return element;
    };
    const history = h("button", { type: "button", class: "link", "data-testid": "alarm-history" }, "History");
    history.addEventListener("click", () => this.#store.selectAlarm(alarm.alarmId));
    const buttons = [
      button("Acknowledge", "acknowledge"),
      button("Snooze", "snooze"),
      button("Reset", "reset"),
    ];
    const row = h(
      "tr",
      { "data-testid": "alarm-row", "data-alarm-id": alarm.alarmId },
      h("td", {}, severity),
      h("td", {}, name, h("div", { class: "muted small" }, alarm.alarmId)),
      h("td", { class: "nowrap" }, alarm.thingName),
      h("td", {}, state),
      h("td", {}, since),
      h("td", { class: "actions" }, note, duration, ...buttons, history, error),
    );
    this.#parts.set(row, { row, severity, name, state, since, error, buttons });
    return row;
  }

  #updateRow(row: HTMLTableRowElement, alarm: AlarmView): void {
    const parts = this.#parts.get(row);
    if (parts === undefined) return;
    const severity = alarm.escalatedTo ?? alarm.rule.severity;
    setText(parts.severity, severity);
    parts.severity.className = `severity severity-${severity}`;
    setText(parts.name, alarm.rule.name);
    setText(parts.state, alarm.state + (alarm.silencedBy ? " (silenced)" : ""));
    parts.state.className = `state state-${alarm.state}`;
    row.dataset.state = alarm.state;
    setText(
      parts.since,
      alarm.state === "SNOOZED" && alarm.snoozedUntil
        ? `until ${shortTime(alarm.snoozedUntil)}`
        : shortTime(alarm.since),
    );
    row.setAttribute("aria-selected", String(alarm.alarmId === this.#store.selectedAlarm));
  }

  async #act(
    alarmId: string,
    action: AlarmActionSegment,
    note: HTMLInputElement,
    duration: HTMLSelectElement,
  ): Promise<void> {
    const parts = this.#parts.get(this.#rows.get(alarmId) as HTMLTableRowElement);
    if (parts === undefined) return;
    setText(parts.error, "");
    for (const button of parts.buttons) button.disabled = true;
    try {
      const text = note.value.trim();
      const result = await this.#api.act(alarmId, action, {
        ...(text === "" ? {} : { note: text }),
        ...(action === "snooze" ? { duration: duration.value } : {}),
      });
      note.value = "";
      this.#store.putAlarm(result.alarm);
    } catch (error) {
      setText(parts.error, (error as Error).message);
    } finally {
      for (const button of parts.buttons) button.disabled = false;
    }
  }
}

function select(testId: string, options: readonly (readonly [string, string])[]): HTMLSelectElement {
  return h(
    "select",
    { "data-testid": testId },
    ...options.map(([value, label]) => h("option", { value }, label)),
  );
}
