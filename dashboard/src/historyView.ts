import type { AlarmView, HistoryView as HistoryEntry } from "../../shared/contracts/operatorApi.ts";
import type { OperatorApiClient } from "./api.ts";
import { h, setText } from "./dom.ts";
import { shortTime } from "./format.ts";
import type { DashboardStore } from "./store.ts";

export interface AlarmHistoryOptions {
  /** The alarm to show: the one selected in the console, or the one whose page is open. */
  readonly alarmIdOf: () => string | undefined;
  /** Shown until there is an alarm to show. */
  readonly placeholder: string;
  /** Told the entries each time they are loaded (the alarm page shows the latest trigger value). */
  readonly onLoaded?: (entries: readonly HistoryEntry[]) => void;
}

/** The history (transitions, actions, late samples, reminders) of one alarm. */
export class AlarmHistoryView {
  readonly #store: DashboardStore;
  readonly #api: OperatorApiClient;
  readonly #options: AlarmHistoryOptions;
  readonly #title: HTMLElement;
  readonly #list: HTMLOListElement;
  #shown: { alarmId: string; alarm: AlarmView | undefined } | undefined;

  constructor(
    root: HTMLElement,
    store: DashboardStore,
    api: OperatorApiClient,
    options: AlarmHistoryOptions,
  ) {
    this.#store = store;
    this.#api = api;
    this.#options = options;
    this.#title = h("p", { class: "muted" }, options.placeholder);
    this.#list = h("ol", { class: "history", "data-testid": "alarm-history-list" });
    root.append(this.#title, this.#list);
  }

  /**
   * Reloads when another alarm is chosen or the chosen one changed: the store replaces an alarm's
   * view whenever anything about it changes (an action that kept its state and time, too).
   */
  async render(): Promise<void> {
    const alarmId = this.#options.alarmIdOf();
    if (alarmId === undefined) return;
    const alarm = this.#store.alarms.get(alarmId);
    if (this.#shown?.alarmId === alarmId && this.#shown.alarm === alarm) return;
    this.#shown = { alarmId, alarm };
    setText(this.#title, `History of ${alarmId}`);
    try {
      const entries = await this.#api.history(alarmId);
      if (this.#options.alarmIdOf() !== alarmId) return;
      this.#options.onLoaded?.(entries);
      this.#list.replaceChildren(...entries.toReversed().map(entryItem));
      if (entries.length === 0) this.#list.append(h("li", { class: "muted" }, "No entries."));
    } catch (error) {
      this.#list.replaceChildren(h("li", { class: "error", role: "alert" }, (error as Error).message));
    }
  }
}

function entryItem(entry: HistoryEntry): HTMLLIElement {
  const time = h("time", { datetime: entry.at }, shortTime(entry.at));
  switch (entry.kind) {
    case "transition":
      return h(
        "li",
        { "data-testid": "history-entry" },
        time,
        " ",
        h("strong", {}, `${entry.from} → ${entry.to}`),
        ` ${entry.reason}`,
        // The reason already names the actor; the note is what it adds.
        entry.actor?.note ? ` — “${entry.actor.note}”` : null,
      );
    case "action":
      return h(
        "li",
        { "data-testid": "history-entry" },
        time,
        " ",
        h("strong", {}, entry.action),
        ` by ${entry.actor.id}${entry.actor.note ? `: “${entry.actor.note}”` : ""}`,
        entry.detail ? ` (${entry.detail})` : null,
      );
    case "late":
      return h(
        "li",
        { "data-testid": "history-entry", class: "muted" },
        time,
        ` late sample ${entry.metric}=${String(entry.value)} (not newer than ${shortTime(entry.lastSampleTime)})`,
      );
    case "reminder":
      return h(
        "li",
        { "data-testid": "history-entry" },
        time,
        ` ${entry.reminder === "escalate" ? "escalated" : "reminder"} #${entry.number} (${entry.severity})`,
      );
  }
}
