import type { SilenceView } from "../../shared/contracts/operatorApi.ts";
import type { OperatorApiClient } from "./api.ts";
import { h, setText } from "./dom.ts";
import { shortTime } from "./format.ts";
import type { DashboardStore } from "./store.ts";

/** Maintenance windows: the list, a small form to add one for some things, and removing one. */
export class SilencesView {
  readonly #store: DashboardStore;
  readonly #api: OperatorApiClient;
  readonly #body: HTMLTableSectionElement;
  readonly #error: HTMLElement;

  constructor(root: HTMLElement, store: DashboardStore, api: OperatorApiClient) {
    this.#store = store;
    this.#api = api;
    this.#body = h("tbody");
    this.#error = h("p", { class: "error", role: "alert", "data-testid": "silence-error" });
    const id = h("input", { name: "id", required: true, pattern: "[a-z0-9][a-z0-9-]{0,62}", size: 14 });
    const things = h("input", { name: "things", required: true, placeholder: "oven-*", size: 14 });
    const duration = h("input", { name: "duration", required: true, value: "1h", size: 5 });
    const comment = h("input", { name: "comment", placeholder: "why", size: 18 });
    const form = h(
      "form",
      { class: "filters", "data-testid": "silence-form" },
      h("label", {}, "Id ", id),
      h("label", {}, "Things ", things),
      h("label", {}, "For ", duration),
      h("label", {}, "Comment ", comment),
      h("button", { type: "submit" }, "Add silence"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.#run(async () => {
        await this.#api.putSilence(id.value.trim(), {
          match: {
            things: things.value
              .split(",")
              .map((glob) => glob.trim())
              .filter(Boolean),
          },
          duration: duration.value.trim(),
          ...(comment.value.trim() === "" ? {} : { comment: comment.value.trim() }),
        });
        form.reset();
        duration.value = "1h";
      });
    });
    root.append(
      form,
      this.#error,
      h(
        "table",
        { class: "grid", "data-testid": "silences" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Silence", "Matches", "From", "Until", "By", ""].map((title) =>
              h("th", { scope: "col" }, title),
            ),
          ),
        ),
        this.#body,
      ),
    );
  }

  render(): void {
    const silences = this.#store.silences;
    this.#body.replaceChildren(...silences.map((silence) => this.#row(silence)));
    if (silences.length === 0) {
      this.#body.append(h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No silences.")));
    }
  }

  #row(silence: SilenceView): HTMLTableRowElement {
    const remove = h("button", { type: "button", "aria-label": `Remove silence ${silence.id}` }, "Remove");
    remove.addEventListener("click", () => void this.#run(() => this.#api.deleteSilence(silence.id)));
    const match = [
      silence.match.things?.join(", "),
      silence.match.site && `site ${silence.match.site}`,
      silence.match.line && `line ${silence.match.line}`,
    ]
      .filter(Boolean)
      .join("; ");
    return h(
      "tr",
      { "data-testid": "silence-row", class: silence.active ? "" : "muted" },
      h(
        "th",
        { scope: "row" },
        silence.id,
        silence.comment ? h("div", { class: "muted small" }, silence.comment) : null,
      ),
      h("td", {}, match || "everything"),
      h("td", {}, shortTime(silence.startsAt)),
      h("td", {}, shortTime(silence.endsAt)),
      h("td", {}, silence.createdBy),
      h("td", {}, remove),
    );
  }

  /** A change, then the list as the API has it now (silences come with no live events). */
  async #run(change: () => Promise<unknown>): Promise<void> {
    setText(this.#error, "");
    try {
      await change();
      this.#store.silences = await this.#api.silences();
      this.#store.changed("silences");
    } catch (error) {
      setText(this.#error, (error as Error).message);
    }
  }
}
