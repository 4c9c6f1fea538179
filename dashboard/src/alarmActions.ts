import type { AlarmView } from "../../shared/contracts/operatorApi.ts";
import type { AlarmActionSegment, OperatorApiClient } from "./api.ts";
import { h, select, setText } from "./dom.ts";

const SNOOZE_CHOICES = ["15m", "1h", "4h", "1d"] as const;

/**
 * The C4 actions on one alarm as the console's row and the alarm's page both offer them: a note,
 * a snooze duration, Acknowledge / Snooze / Reset, and the C7 error message when one is refused.
 * The buttons are disabled while an action is under way, so a double tap sends one.
 */
export class AlarmActions {
  readonly element: HTMLElement;
  readonly #alarmId: string;
  readonly #api: OperatorApiClient;
  readonly #onResult: (alarm: AlarmView) => void;
  readonly #note: HTMLInputElement;
  readonly #duration: HTMLSelectElement;
  readonly #buttons: readonly HTMLButtonElement[];
  readonly #error: HTMLElement;

  /** `extras` (a History button) go after the action buttons, before the error. */
  constructor(
    alarmId: string,
    api: OperatorApiClient,
    onResult: (alarm: AlarmView) => void,
    ...extras: Node[]
  ) {
    this.#alarmId = alarmId;
    this.#api = api;
    this.#onResult = onResult;
    this.#note = h("input", {
      type: "text",
      class: "note",
      placeholder: "note (optional)",
      maxlength: 1000,
      "aria-label": `Note for ${alarmId}`,
      "data-testid": "alarm-note",
    });
    this.#duration = select(
      "snooze-duration",
      SNOOZE_CHOICES.map((choice): [string, string] => [choice, choice]),
    );
    this.#duration.setAttribute("aria-label", `Snooze duration for ${alarmId}`);
    this.#error = h("p", { class: "error", role: "alert", "data-testid": "alarm-error" });
    const button = (label: string, action: AlarmActionSegment) => {
      const element = h("button", { type: "button", "data-testid": `alarm-${action}` }, label);
      element.addEventListener("click", () => void this.#act(action));
      return element;
    };
    this.#buttons = [
      button("Acknowledge", "acknowledge"),
      button("Snooze", "snooze"),
      button("Reset", "reset"),
    ];
    this.element = h(
      "div",
      { class: "actions" },
      this.#note,
      this.#duration,
      ...this.#buttons,
      ...extras,
      this.#error,
    );
  }

  async #act(action: AlarmActionSegment): Promise<void> {
    setText(this.#error, "");
    for (const button of this.#buttons) button.disabled = true;
    try {
      const text = this.#note.value.trim();
      const result = await this.#api.act(this.#alarmId, action, {
        ...(text === "" ? {} : { note: text }),
        ...(action === "snooze" ? { duration: this.#duration.value } : {}),
      });
      this.#note.value = "";
      this.#onResult(result.alarm);
    } catch (error) {
      setText(this.#error, (error as Error).message);
    } finally {
      for (const button of this.#buttons) button.disabled = false;
    }
  }
}
