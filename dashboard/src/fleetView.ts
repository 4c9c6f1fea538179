import type { DeviceView } from "../../shared/contracts/operatorApi.ts";
import { h, renderKeyed, setText } from "./dom.ts";
import { ago } from "./format.ts";
import type { DashboardStore } from "./store.ts";

/** Without lifecycle events, a thing heard from this recently counts as online. */
const RECENT_MS = 2 * 60_000;

type Status = "online" | "offline" | "unknown";

/** The fleet overview: every registered device, its connectivity, when last heard from, open alarms. */
export class FleetView {
  readonly #store: DashboardStore;
  readonly #body: HTMLTableSectionElement;
  readonly #summary: HTMLElement;
  readonly #rows = new Map<string, HTMLTableRowElement>();

  constructor(root: HTMLElement, store: DashboardStore) {
    this.#store = store;
    this.#summary = h("p", { class: "summary", "data-testid": "fleet-summary" });
    this.#body = h("tbody");
    root.append(
      this.#summary,
      h(
        "table",
        { class: "grid", "data-testid": "fleet" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Device"),
            h("th", { scope: "col" }, "Site / line"),
            h("th", { scope: "col" }, "Status"),
            h("th", { scope: "col" }, "Last seen"),
            h("th", { scope: "col" }, "Open alarms"),
          ),
        ),
        this.#body,
      ),
    );
  }

  render(): void {
    const store = this.#store;
    const devices = [...store.devices.values()].sort((a, b) => a.thingName.localeCompare(b.thingName));
    let online = 0;
    let alarmed = 0;
    renderKeyed(
      this.#body,
      this.#rows,
      devices,
      (device) => device.thingName,
      (device) => this.#createRow(device.thingName),
      (row, device) => {
        const status = this.#statusOf(device);
        const open = store.openAlarmsOf(device.thingName).length;
        if (status === "online") online++;
        if (open > 0) alarmed++;
        const [, where, state, seen, alarms] = row.cells;
        setText(
          where as HTMLElement,
          device.provisioned === false
            ? "not provisioned"
            : [device.site, device.line].filter(Boolean).join(" / ") || "—",
        );
        setText(state as HTMLElement, status);
        (state as HTMLElement).className = `status status-${status}`;
        setText(seen as HTMLElement, this.#lastSeenOf(device));
        setText(alarms as HTMLElement, String(open));
        (alarms as HTMLElement).className = open > 0 ? "alarm-count has-alarms" : "alarm-count";
        row.setAttribute("aria-selected", String(device.thingName === store.selectedThing));
      },
    );
    setText(this.#summary, `${devices.length} devices · ${online} online · ${alarmed} with open alarms`);
  }

  #createRow(thingName: string): HTMLTableRowElement {
    const button = h("button", { type: "button", class: "link", "data-testid": "select-device" }, thingName);
    button.addEventListener("click", () => this.#store.select(thingName));
    return h(
      "tr",
      { "data-testid": "device-row", "data-thing": thingName },
      h("th", { scope: "row" }, button),
      h("td"),
      h("td"),
      h("td", { class: "nowrap" }),
      h("td"),
    ) as HTMLTableRowElement;
  }

  #statusOf(device: DeviceView): Status {
    if (device.connectivity !== undefined) return device.connectivity.connected ? "online" : "offline";
    const last = this.#lastHeard(device);
    if (last === undefined) return "unknown";
    return Date.now() - last < RECENT_MS ? "online" : "offline";
  }

  #lastHeard(device: DeviceView): number | undefined {
    const live = this.#store.lastTelemetry.get(device.thingName);
    const registry = device.lastSeen === undefined ? undefined : Date.parse(device.lastSeen);
    if (live === undefined) return registry;
    return registry === undefined ? live : Math.max(live, registry);
  }

  #lastSeenOf(device: DeviceView): string {
    const last = this.#lastHeard(device);
    return last === undefined ? "never" : ago(last);
  }
}
