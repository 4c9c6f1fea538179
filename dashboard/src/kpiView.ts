import type { KpiBucket, KpiGroupWithBuckets, KpiResponse } from "../../shared/contracts/kpis.ts";
import { API_LIMITS } from "../../shared/contracts/operatorApi.ts";
import type { KpiQuery, OperatorApiClient } from "./api.ts";
import { h, select, setText } from "./dom.ts";
import { downtimePareto, figureCards } from "./kpiFigures.ts";
import { OeeChart } from "./oeeChart.ts";
import type { DashboardStore } from "./store.ts";

const RANGES = [
  ["24h", "Last 24 hours", 24 * 3_600_000],
  ["7d", "Last 7 days", 7 * 86_400_000],
  ["31d", "Last 31 days", 31 * 86_400_000],
] as const;
const BUCKETS: readonly (readonly [KpiBucket, string])[] = [
  ["hour", "By hour"],
  ["shift", "By shift"],
  ["day", "By day"],
];

/** What a scope option selects, as its value: JSON of the query's selection fields. */
type Scope = Pick<KpiQuery, "device" | "site" | "line">;

/**
 * Equipment KPIs (C9, `GET /kpis`) for all devices, a site, a line or a device over the last day,
 * week or month: the range's figures, OEE and its factors per line as bars over the buckets, and
 * the rules that cost the most time. Read when shown and when a choice changes; the API does the
 * arithmetic, this view only shows it.
 */
export class KpiView {
  readonly #root: HTMLElement;
  readonly #store: DashboardStore;
  readonly #api: OperatorApiClient;
  readonly #scope = h("select", { "data-testid": "kpi-scope", "aria-label": "Devices" });
  readonly #range = select(
    "kpi-range",
    RANGES.map(([value, label]) => [value, label]),
  );
  readonly #bucket = select("kpi-bucket", BUCKETS);
  readonly #status = h("p", { class: "muted", role: "status", "data-testid": "kpi-status" });
  readonly #content = h("div", { class: "kpi-content" });
  readonly #charts: OeeChart[] = [];
  readonly #resizes: ResizeObserver;
  #scopesKey = "";
  /** Only the newest request's answer is shown. */
  #request = 0;

  constructor(root: HTMLElement, store: DashboardStore, api: OperatorApiClient) {
    this.#root = root;
    this.#store = store;
    this.#api = api;
    this.#range.setAttribute("aria-label", "Range");
    this.#bucket.setAttribute("aria-label", "Buckets");
    const refresh = h("button", { type: "button", "data-testid": "kpi-refresh" }, "Refresh");
    for (const control of [this.#scope, this.#range, this.#bucket]) {
      control.addEventListener("change", () => void this.load());
    }
    refresh.addEventListener("click", () => void this.load());
    this.#resizes = new ResizeObserver(() => {
      for (const chart of this.#charts) chart.resize(chartWidth(chart.element));
    });
    this.renderScopes();
    root.append(
      h("h2", { id: "kpis-title" }, "Equipment KPIs"),
      h("div", { class: "filters" }, this.#scope, this.#range, this.#bucket, refresh),
      this.#status,
      this.#content,
    );
  }

  /**
   * The scope choices from the registry: all devices, each site, each line, each device; the choice
   * is kept. A scope of more devices than one answer may compute (`API_LIMITS.maxKpiDevices`) is
   * shown but cannot be chosen, so a large fleet opens on its first line rather than on a refusal;
   * when the shown scope changes that way, the KPIs are read again.
   */
  renderScopes(): void {
    const chosen = this.#scope.value;
    const devices = [...this.#store.devices.values()];
    const key = JSON.stringify(devices.map(({ thingName, site, line }) => [thingName, site, line]).sort());
    // Rebuilt only when the registry's places change: rebuilding closes a list the operator has open.
    if (key === this.#scopesKey) return;
    this.#scopesKey = key;
    const sites = new Map<string, number>();
    const lines = new Map<string, { scope: Scope; devices: number }>();
    for (const { site, line } of devices) {
      if (site !== undefined) sites.set(site, (sites.get(site) ?? 0) + 1);
      if (line === undefined) continue;
      const lineKey = JSON.stringify({ site, line });
      const entry = lines.get(lineKey) ?? {
        scope: { ...(site === undefined ? {} : { site }), line },
        devices: 0,
      };
      lines.set(lineKey, { ...entry, devices: entry.devices + 1 });
    }
    const option = (scope: Scope, label: string, count = 1) => {
      const tooMany = count > API_LIMITS.maxKpiDevices;
      return h(
        "option",
        { value: JSON.stringify(scope), disabled: tooMany },
        tooMany ? `${label} (${count} devices: more than ${API_LIMITS.maxKpiDevices}, choose a line)` : label,
      );
    };
    const group = (label: string, options: HTMLOptionElement[]) =>
      options.length === 0 ? null : h("optgroup", { label }, ...options);
    this.#scope.replaceChildren(
      option({}, "All devices", devices.length),
      ...[
        group(
          "Sites",
          [...sites]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([site, count]) => option({ site }, `Site ${site}`, count)),
        ),
        group(
          "Lines",
          [...lines.values()]
            .sort((a, b) =>
              `${a.scope.site}/${a.scope.line}`.localeCompare(`${b.scope.site}/${b.scope.line}`),
            )
            .map(({ scope, devices: count }) =>
              option(scope, `Line ${scope.line}${scope.site === undefined ? "" : ` (${scope.site})`}`, count),
            ),
        ),
        group(
          "Devices",
          devices
            .map((device) => device.thingName)
            .sort()
            .map((device) => option({ device }, device)),
        ),
      ].filter((element) => element !== null),
    );
    const choices = [...this.#scope.options].filter((candidate) => !candidate.disabled);
    this.#scope.value =
      (choices.find((candidate) => candidate.value === chosen) ?? choices[0] ?? this.#scope.options[0])
        ?.value ?? "";
    // Before the registry is known the scope is all devices ("" or "{}"): no need to ask again for that.
    const shown = (value: string) => JSON.stringify(JSON.parse(value || "{}"));
    if (shown(this.#scope.value) !== shown(chosen) && !this.#root.hidden) void this.load();
  }

  async load(): Promise<void> {
    const request = ++this.#request;
    const query = this.#query(Date.now());
    setText(this.#status, "Loading…");
    try {
      const response = await this.#api.kpis(query);
      if (request !== this.#request) return;
      setText(this.#status, summaryOf(response));
      this.#show(response);
    } catch (error) {
      if (request !== this.#request) return;
      setText(this.#status, `Could not load the KPIs: ${(error as Error).message}`);
    }
  }

  #query(now: number): KpiQuery {
    const rangeMs = RANGES.find(([value]) => value === this.#range.value)?.[2] ?? RANGES[0][2];
    return {
      ...(JSON.parse(this.#scope.value || "{}") as Scope),
      from: new Date(now - rangeMs).toISOString(),
      to: new Date(now).toISOString(),
      bucket: this.#bucket.value as KpiBucket,
    };
  }

  #show(response: KpiResponse): void {
    for (const chart of this.#charts.splice(0)) {
      this.#resizes.unobserve(chart.element);
      chart.destroy();
    }
    const charts = h("div", { class: "charts oee-charts" });
    this.#content.replaceChildren(
      figureCards(response.selection.total),
      h("h3", {}, "OEE and its factors"),
      charts,
      downtimePareto(response.selection.total),
    );
    for (const [title, group] of chartedGroups(response)) {
      const chart = new OeeChart(title, group.buckets, response, 400);
      charts.append(chart.element);
      chart.resize(chartWidth(chart.element));
      this.#resizes.observe(chart.element);
      this.#charts.push(chart);
    }
  }
}

/** A device is charted itself; anything wider, line by line (its lines sum to it). */
function chartedGroups(response: KpiResponse): (readonly [string, KpiGroupWithBuckets])[] {
  const { selection, lines } = response;
  if (selection.thingName !== undefined || lines.length === 0) return [[nameOf(selection), selection]];
  return lines.map((line) => [nameOf(line), line]);
}

function nameOf(group: KpiGroupWithBuckets): string {
  if (group.thingName !== undefined) return group.thingName;
  if (group.line !== undefined)
    return `Line ${group.line}${group.site === undefined ? "" : ` (${group.site})`}`;
  if (group.site !== undefined) return `Site ${group.site}`;
  return "All devices";
}

function summaryOf(response: KpiResponse): string {
  const devices = `${response.selection.devices} device${response.selection.devices === 1 ? "" : "s"}`;
  return `${nameOf(response.selection)}, ${devices}; by ${response.bucket}, times in ${response.timeZone}.`;
}

function chartWidth(element: Element): number {
  return Math.max(240, Math.floor(element.clientWidth));
}
