import type { HistoryView as HistoryEntry } from "../../shared/contracts/operatorApi.ts";
import type { OperatorApiClient } from "./api.ts";
import { h, setText } from "./dom.ts";
import { shortTime } from "./format.ts";
import type { DashboardStore } from "./store.ts";

/** The history (transitions, actions, late samples, reminders) of the alarm selected in the console. */
export class AlarmHistoryView {
  readonly #store: DashboardStore;
  readonly #api: OperatorApiClient;
  readonly #title: HTMLElement;
  readonly #list: HTMLOListElement;
  #shown: { alarmId: string; since: string } | undefined;

  constructor(root: HTMLElement, store: DashboardStore, api: OperatorApiClient) {
    this.#store = store;
    this.#api = api;
    this.#title = h("p", { class: "muted" }, "Choose History on an alarm to see what happened to it.");
    this.#list = h("ol", { class: "history", "data-testid": "alarm-history-list" });
    root.append(this.#title, this.#list);
  }

  /** Reloads when another alarm is selected or the selected one changed state. */
  async render(): Promise<void> {
    const alarmId = this.#store.selectedAlarm;
    if (alarmId === undefined) return;
    const since = this.#store.alarms.get(alarmId)?.since ?? "";
    if (this.#shown?.alarmId === alarmId && this.#shown.since === since) return;
    this.#shown = { alarmId, since };
    setText(this.#title, `History of ${alarmId}`);
    try {
      const entries = await this.#api.history(alarmId);
      if (this.#store.selectedAlarm !== alarmId) return;
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
