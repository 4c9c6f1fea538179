import uPlot from "uplot";
import { chartAxis } from "./chartAxis.ts";
import { h, setText } from "./dom.ts";

/** A horizontal line at an alarm threshold: where the rule raises, or where it clears. */
export interface ThresholdLine {
  readonly value: number;
  readonly kind: "raise" | "clear";
}

/** A time range (epoch ms) in which the alarm was raised; `to` undefined while it still is. */
export interface AlarmBand {
  readonly from: number;
  readonly to?: number;
}

/** What one chart keeps: the newest quarter of an hour, and never more points than a screen shows. */
export const CHART_WINDOW_MS = 15 * 60_000;
export const CHART_MAX_POINTS = 1500;
const HEIGHT = 170;

const COLORS = {
  line: "#38bdf8",
  raise: "#f87171",
  clear: "#fbbf24",
  band: "rgba(248, 113, 113, 0.16)",
};

/**
 * One metric of one device as a uPlot line chart, with thresholds and alarm periods drawn on it.
 * Points are kept in time order and trimmed to the window; `redraw` hands them to uPlot (the caller
 * batches redraws per frame). `data-points` on the element tells tests and curious operators how many
 * points are drawn.
 */
export class MetricChart {
  readonly element: HTMLElement;
  readonly metric: string;
  thresholds: readonly ThresholdLine[] = [];
  bands: readonly AlarmBand[] = [];
  /** Epoch seconds, as uPlot's time scale wants. */
  #times: number[] = [];
  #values: number[] = [];
  readonly #latest: HTMLElement;
  readonly #plot: uPlot;

  constructor(metric: string, width = 400) {
    this.metric = metric;
    this.#latest = h("span", { class: "latest", "data-testid": "latest-value" }, "—");
    const canvas = h("div", { class: "plot" });
    this.element = h(
      "figure",
      { class: "chart", "data-testid": `chart-${metric}`, "data-metric": metric, "data-points": 0 },
      h("figcaption", {}, h("span", { class: "metric" }, metric), this.#latest),
      canvas,
    );
    this.#plot = new uPlot(this.#options(width), [[], []], canvas);
  }

  /** Points loaded from the API; live points that arrived meanwhile are kept. */
  load(points: readonly { readonly time: number; readonly value: number }[]): void {
    for (const point of points) this.#insert(point.time / 1000, point.value);
    this.#trim();
  }

  append(timeMs: number, value: number): void {
    this.#insert(timeMs / 1000, value);
    this.#trim();
  }

  redraw(): void {
    this.#plot.setData([this.#times, this.#values]);
    this.element.dataset.points = String(this.#times.length);
    const last = this.#values.at(-1);
    setText(this.#latest, last === undefined ? "—" : formatValue(last));
  }

  resize(width: number): void {
    if (width === this.#plot.width) return;
    this.#plot.setSize({ width, height: HEIGHT });
  }

  destroy(): void {
    this.#plot.destroy();
    this.element.remove();
  }

  /** Live points nearly always come last; an out-of-order one is placed, a repeated time replaced. */
  #insert(time: number, value: number): void {
    let index = this.#times.length;
    while (index > 0 && (this.#times[index - 1] as number) > time) index--;
    if (index > 0 && this.#times[index - 1] === time) {
      this.#values[index - 1] = value;
      return;
    }
    this.#times.splice(index, 0, time);
    this.#values.splice(index, 0, value);
  }

  #trim(): void {
    const newest = this.#times.at(-1);
    if (newest === undefined) return;
    const oldest = newest - CHART_WINDOW_MS / 1000;
    let drop = 0;
    while (drop < this.#times.length && (this.#times[drop] as number) < oldest) drop++;
    drop = Math.max(drop, this.#times.length - CHART_MAX_POINTS);
    if (drop > 0) {
      this.#times.splice(0, drop);
      this.#values.splice(0, drop);
    }
  }

  #options(width: number): uPlot.Options {
    const axis = chartAxis();
    return {
      width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: { range: (_plot, min, max) => this.#yRange(min, max) },
      },
      axes: [axis, { ...axis, size: 56 }],
      series: [{}, { label: this.metric, stroke: COLORS.line, width: 2, spanGaps: false }],
      hooks: {
        drawClear: [(plot) => this.#drawBands(plot)],
        draw: [(plot) => this.#drawThresholds(plot)],
      },
    };
  }

  /** The thresholds stay in view even while the values are far from them. */
  #yRange(min: number | null, max: number | null): uPlot.Range.MinMax {
    const values = [min, max, ...this.thresholds.map((line) => line.value)].filter(
      (value): value is number => value !== null && Number.isFinite(value),
    );
    if (values.length === 0) return [0, 1];
    const low = Math.min(...values);
    const high = Math.max(...values);
    const pad = (high - low) * 0.08 || Math.abs(high) * 0.1 || 1;
    return [low - pad, high + pad];
  }

  #drawBands(plot: uPlot): void {
    const { left, top, width, height } = plot.bbox;
    const context = plot.ctx;
    context.save();
    context.fillStyle = COLORS.band;
    for (const band of this.bands) {
      const start = Math.max(left, plot.valToPos(band.from / 1000, "x", true));
      const end =
        band.to === undefined
          ? left + width
          : Math.min(left + width, plot.valToPos(band.to / 1000, "x", true));
      if (end > start) context.fillRect(start, top, end - start, height);
    }
    context.restore();
  }

  #drawThresholds(plot: uPlot): void {
    const { left, top, width, height } = plot.bbox;
    const context = plot.ctx;
    context.save();
    context.lineWidth = Math.max(1, devicePixelRatio);
    for (const line of this.thresholds) {
      const y = Math.round(plot.valToPos(line.value, "y", true));
      if (y < top || y > top + height) continue;
      context.strokeStyle = line.kind === "raise" ? COLORS.raise : COLORS.clear;
      context.setLineDash(line.kind === "raise" ? [] : [6 * devicePixelRatio, 4 * devicePixelRatio]);
      context.beginPath();
      context.moveTo(left, y);
      context.lineTo(left + width, y);
      context.stroke();
    }
    context.restore();
  }
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
