import type { AlarmView, HistoryView } from "../../shared/contracts/operatorApi.ts";
import { AlarmActions } from "./alarmActions.ts";
import type { OperatorApiClient } from "./api.ts";
import { h, setText } from "./dom.ts";
import { shortTime, sinceText, stateText } from "./format.ts";
import { AlarmHistoryView } from "./historyView.ts";
import type { Navigation } from "./navigation.ts";
import type { DashboardStore } from "./store.ts";

/**
 * One alarm's page (`/alarms/{alarmId}`, where notifications link): what it is, its state and since
 * when, the value that triggered it, the actions, and its history. Laid out to be read and acted on
 * at phone width, where operators open those links.
 */
export class AlarmPage {
  readonly #root: HTMLElement;
  readonly #store: DashboardStore;
  readonly #api: OperatorApiClient;
  readonly #title: HTMLElement;
  readonly #status: HTMLElement;
  readonly #details: HTMLElement;
  readonly #fields: Readonly<
    Record<"state" | "since" | "severity" | "thing" | "rule" | "value", HTMLElement>
  >;
  readonly #actions: HTMLElement;
  readonly #history: AlarmHistoryView;
  #alarmId: string | undefined;

  constructor(root: HTMLElement, store: DashboardStore, api: OperatorApiClient, navigation: Navigation) {
    this.#root = root;
    this.#store = store;
    this.#api = api;
    this.#title = h("h2", { id: "alarm-page-title", "data-testid": "alarm-page-title" });
    this.#status = h("p", { class: "muted", role: "status", "data-testid": "alarm-page-status" });
    const field = (testId: string, className = "") => h("dd", { class: className, "data-testid": testId });
    this.#fields = {
      state: field("alarm-state", "state"),
      since: field("alarm-since"),
      severity: field("alarm-severity", "severity"),
      thing: field("alarm-thing"),
      rule: field("alarm-rule"),
      value: field("alarm-value"),
    };
    const fact = (label: string, value: HTMLElement) => [h("dt", {}, label), value];
    this.#actions = h("div");
    const historyRoot = h("section", { class: "page-history", "aria-label": "History" });
    this.#details = h(
      "div",
      { hidden: true },
      h(
        "dl",
        { class: "facts" },
        ...fact("State", this.#fields.state),
        ...fact("Since", this.#fields.since),
        ...fact("Severity", this.#fields.severity),
        ...fact("Thing", this.#fields.thing),
        ...fact("Rule", this.#fields.rule),
        ...fact("Value", this.#fields.value),
      ),
      this.#actions,
      historyRoot,
    );
    this.#history = new AlarmHistoryView(historyRoot, store, api, {
      alarmIdOf: () => this.#alarmId,
      placeholder: "Loading the history…",
      onLoaded: (entries) => setText(this.#fields.value, triggerText(entries)),
    });
    root.append(
      navigation.link({ kind: "overview" }, { class: "back", "data-testid": "back" }, "← All alarms"),
      this.#title,
      this.#status,
      this.#details,
    );
  }

  /** Shows `alarmId`, reading it from the API when the alarm list has not (yet) got it. */
  show(alarmId: string): void {
    if (alarmId !== this.#alarmId) {
      this.#alarmId = alarmId;
      this.#root.dataset.alarmId = alarmId;
      setText(this.#title, alarmId);
      setText(this.#fields.value, "—");
      this.#actions.replaceChildren(
        new AlarmActions(alarmId, this.#api, (alarm) => this.#store.putAlarm(alarm)).element,
      );
      if (!this.#store.alarms.has(alarmId)) void this.#load(alarmId);
    }
    this.render();
  }

  render(): void {
    const alarmId = this.#alarmId;
    if (alarmId === undefined) return;
    const alarm = this.#store.alarms.get(alarmId);
    this.#details.hidden = alarm === undefined;
    if (alarm === undefined) {
      if (this.#status.textContent === "") setText(this.#status, `Loading ${alarmId}…`);
      return;
    }
    setText(this.#status, "");
    this.#fill(alarm);
    void this.#history.render();
  }

  #fill(alarm: AlarmView): void {
    const severity = alarm.escalatedTo ?? alarm.rule.severity;
    this.#root.dataset.state = alarm.state;
    setText(this.#title, alarm.rule.name);
    setText(this.#fields.state, stateText(alarm));
    this.#fields.state.className = `state state-${alarm.state}`;
    setText(this.#fields.since, sinceText(alarm));
    setText(this.#fields.severity, severity);
    this.#fields.severity.className = `severity severity-${severity}`;
    const place = [alarm.device.site, alarm.device.line].filter(Boolean).join(" / ");
    setText(this.#fields.thing, place === "" ? alarm.thingName : `${alarm.thingName} (${place})`);
    setText(this.#fields.rule, `${alarm.rule.id} (${alarm.rule.kind})`);
  }

  async #load(alarmId: string): Promise<void> {
    setText(this.#status, `Loading ${alarmId}…`);
    try {
      this.#store.putAlarm(await this.#api.alarm(alarmId));
    } catch (error) {
      if (this.#alarmId !== alarmId) return;
      setText(this.#status, `No alarm ${alarmId} to show: ${(error as Error).message}`);
    }
  }
}

/** The newest evaluated value behind a transition: what the sensor said when it changed state. */
function triggerText(entries: readonly HistoryView[]): string {
  for (const entry of entries.toReversed()) {
    if (entry.kind === "transition" && entry.trigger !== undefined) {
      const { metric, value, sampleTime } = entry.trigger;
      return `${metric} ${String(value)} at ${shortTime(sampleTime)}`;
    }
  }
  return "—";
}
