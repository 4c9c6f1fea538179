import type { OperatorApiClient } from "./api.ts";
import { alarmBands, ruleMetrics, thresholdLines } from "./deviceRules.ts";
import { h, setText } from "./dom.ts";
import type { FrameScheduler } from "./frame.ts";
import { MetricChart } from "./metricChart.ts";
import type { DashboardStore, TelemetrySample } from "./store.ts";

/**
 * Live charts of the selected device, one per metric. Only this device's charts exist: with a fleet
 * of 100 devices the others cost nothing but their metric names.
 */
export class DeviceView {
  readonly #store: DashboardStore;
  readonly #api: OperatorApiClient;
  readonly #frames: FrameScheduler;
  readonly #title: HTMLElement;
  readonly #message: HTMLElement;
  readonly #grid: HTMLElement;
  readonly #charts = new Map<string, MetricChart>();
  readonly #dirty = new Set<MetricChart>();
  /** The `since` of each of the device's alarms when its history was last read. */
  readonly #historySeen = new Map<string, string>();
  readonly #bands = new Map<string, ReturnType<typeof alarmBands>>();
  readonly #resizes: ResizeObserver;
  #thing: string | undefined;

  constructor(root: HTMLElement, store: DashboardStore, api: OperatorApiClient, frames: FrameScheduler) {
    this.#store = store;
    this.#api = api;
    this.#frames = frames;
    this.#title = h("h2", { id: "device-title", "data-testid": "device-title" }, "Device");
    this.#message = h("p", { class: "muted", role: "status" });
    this.#grid = h("div", { class: "charts", "data-testid": "charts" });
    root.append(this.#title, this.#message, this.#grid);
    this.#resizes = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const chart = [...this.#charts.values()].find((candidate) => candidate.element === entry.target);
        chart?.resize(chartWidth(entry.target));
      }
    });
    store.onTelemetry((sample) => this.#onSample(sample));
  }

  /** The selection changed: start over with the new device's charts. */
  select(): void {
    if (this.#thing !== undefined && this.#thing === this.#store.selectedThing) return;
    for (const chart of this.#charts.values()) {
      this.#resizes.unobserve(chart.element);
      chart.destroy();
    }
    this.#charts.clear();
    this.#dirty.clear();
    this.#historySeen.clear();
    this.#bands.clear();
    this.#thing = this.#store.selectedThing;
    setText(this.#title, this.#thing === undefined ? "Device" : `Device ${this.#thing}`);
    this.addCharts();
    this.refreshAlarms();
  }

  /** Charts for metrics that appeared (first live sample, or a new rule). */
  addCharts(): void {
    const thing = this.#thing;
    if (thing === undefined) {
      setText(this.#message, "No device selected.");
      return;
    }
    const device = this.#store.devices.get(thing);
    const metrics = new Set([
      ...(this.#store.metricsSeen.get(thing) ?? []),
      ...ruleMetrics(this.#store.rules, device, thing),
    ]);
    for (const metric of [...metrics].sort()) this.#chartOf(thing, metric);
    this.refreshRules();
    setText(this.#message, this.#charts.size === 0 ? "No telemetry from this device yet." : "");
  }

  #chartOf(thing: string, metric: string): MetricChart {
    const existing = this.#charts.get(metric);
    if (existing !== undefined) return existing;
    const chart = new MetricChart(metric);
    this.#charts.set(metric, chart);
    this.#grid.append(chart.element);
    // Each chart takes the width its grid cell gives it, now and whenever the page is resized.
    chart.resize(chartWidth(chart.element));
    this.#resizes.observe(chart.element);
    chart.thresholds = thresholdLines(this.#store.rules, this.#store.devices.get(thing), thing, metric);
    void this.#load(thing, chart);
    return chart;
  }

  refreshRules(): void {
    const thing = this.#thing;
    if (thing === undefined) return;
    const device = this.#store.devices.get(thing);
    for (const chart of this.#charts.values()) {
      chart.thresholds = thresholdLines(this.#store.rules, device, thing, chart.metric);
      this.#markDirty(chart);
    }
  }

  /** Re-reads the history of the device's alarms that changed, for the shaded alarm periods. */
  refreshAlarms(): void {
    const thing = this.#thing;
    if (thing === undefined) return;
    for (const alarm of this.#store.alarms.values()) {
      if (alarm.thingName !== thing || this.#historySeen.get(alarm.alarmId) === alarm.since) continue;
      this.#historySeen.set(alarm.alarmId, alarm.since);
      this.#api.history(alarm.alarmId).then(
        (history) => {
          if (this.#thing !== thing) return;
          this.#bands.set(
            alarm.alarmId,
            alarmBands(history, { state: alarm.state, since: alarm.activeSince ?? alarm.since }),
          );
          this.#applyBands();
        },
        (error: unknown) => console.warn(`history of ${alarm.alarmId} not loaded`, error),
      );
    }
  }

  #applyBands(): void {
    const rulesById = new Map(this.#store.rules.map((rule) => [rule.id, rule]));
    for (const chart of this.#charts.values()) {
      const bands = [];
      for (const [alarmId, alarmBandsOf] of this.#bands) {
        const rule = rulesById.get(this.#store.alarms.get(alarmId)?.rule.id ?? "");
        if (rule !== undefined && rule.kind !== "offline" && rule.metric === chart.metric)
          bands.push(...alarmBandsOf);
      }
      chart.bands = bands;
      this.#markDirty(chart);
    }
  }

  async #load(thing: string, chart: MetricChart): Promise<void> {
    try {
      const view = await this.#api.telemetry(thing, chart.metric);
      if (this.#thing !== thing) return;
      chart.load(view.points.map((point) => ({ time: Date.parse(point.time), value: point.value })));
      this.#markDirty(chart);
    } catch (error) {
      setText(this.#message, `Could not load ${chart.metric}: ${(error as Error).message}`);
    }
  }

  #onSample(sample: TelemetrySample): void {
    if (sample.thingName !== this.#thing) return;
    for (const [metric, value] of Object.entries(sample.metrics)) {
      const number = typeof value === "boolean" ? Number(value) : value;
      if (typeof number !== "number") continue;
      // A metric first seen now gets its chart at once, so this sample is not lost while it loads.
      const chart = this.#chartOf(sample.thingName, metric);
      chart.append(sample.time, number);
      this.#markDirty(chart);
    }
    setText(this.#message, "");
  }

  #markDirty(chart: MetricChart): void {
    this.#dirty.add(chart);
    this.#frames.schedule(this.#redraw);
  }

  readonly #redraw = (): void => {
    for (const chart of this.#dirty) chart.redraw();
    this.#dirty.clear();
  };
}

function chartWidth(element: Element): number {
  return Math.max(240, Math.floor(element.clientWidth));
}
