import type { LiveEvent } from "../../shared/contracts/liveEvents.ts";
import { headline } from "../../shared/domain/notifications/subject.ts";
import { h } from "./dom.ts";

const SHOWN_MS = 12_000;
const MAX_SHOWN = 5;

type AlarmEvent = Extract<LiveEvent, { type: "alarm" }>;

/**
 * A notification for every alarm event, worded as the e-mail and chat notifications are
 * (`headline`): the newest on top, a few at a time, each for a while or until dismissed.
 */
export class Toasts {
  readonly #root: HTMLElement;
  readonly #onOpen: (alarmId: string) => void;

  constructor(root: HTMLElement, onOpen: (alarmId: string) => void) {
    this.#root = root;
    this.#onOpen = onOpen;
  }

  show(event: AlarmEvent): void {
    const { detail } = event;
    const severity = detail.rule.severity;
    const open = h("button", { type: "button", class: "link" }, "Show");
    const close = h("button", { type: "button", class: "close", "aria-label": "Dismiss" }, "×");
    const toast = h(
      "div",
      {
        class: `toast severity-${severity} state-${detail.state.value}`,
        role: "status",
        "data-testid": "toast",
        "data-alarm-id": detail.alarmId,
      },
      h("div", { class: "toast-title" }, event.detailType === "Alarm Reminder" ? "Reminder" : "Alarm"),
      h("div", { class: "toast-text" }, headline(detail, 160)),
      h("div", { class: "toast-actions" }, open, close),
    );
    const dismiss = () => toast.remove();
    open.addEventListener("click", () => {
      this.#onOpen(detail.alarmId);
      dismiss();
    });
    close.addEventListener("click", dismiss);
    setTimeout(dismiss, SHOWN_MS);
    this.#root.prepend(toast);
    while (this.#root.childElementCount > MAX_SHOWN) this.#root.lastElementChild?.remove();
  }
}
