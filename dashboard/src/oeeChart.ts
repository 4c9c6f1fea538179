import uPlot from "uplot";
import type { KpiBucket, KpiBucketSummary } from "../../shared/contracts/kpis.ts";
import { chartAxis } from "./chartAxis.ts";
import { h } from "./dom.ts";
import { bucketLabel, kpiText, reasonText } from "./kpiFormat.ts";

/** OEE and its three factors, in the order they are drawn in each bucket. */
const OEE_FACTORS = [
  { key: "oee", label: "OEE", short: "OEE", color: "#38bdf8" },
  { key: "availability", label: "Availability", short: "Avail.", color: "#4ade80" },
  { key: "performance", label: "Performance", short: "Perf.", color: "#fbbf24" },
  { key: "quality", label: "Quality", short: "Qual.", color: "#c084fc" },
] as const;

const HEIGHT = 190;
const COLORS = {
  unavailable: "rgba(148, 163, 184, 0.12)",
  stub: "#64748b",
};

/**
 * One group's OEE, availability, performance and quality per bucket, as grouped bars with uPlot:
 * uPlot gives the time axis (in the plant's zone) and the scales; the bars are drawn in its draw
 * hook, each group filling its bucket's own span (a clipped first or last bucket is narrower). A
 * factor that is not available gets a grey stub at zero, a bucket with none of them a grey band, so
 * a missing value never looks like a measured one. The values are also in a table under the chart,
 * and `data-bars` / `data-unavailable` count what was drawn, for tests.
 */
export class OeeChart {
  readonly element: HTMLElement;
  readonly #plot: uPlot;

  constructor(
    title: string,
    buckets: readonly KpiBucketSummary[],
    context: { readonly bucket: KpiBucket; readonly timeZone: string },
    width: number,
  ) {
    const values = buckets.flatMap((bucket) => OEE_FACTORS.map(({ key }) => bucket[key].value));
    const canvas = h("div", { class: "plot" });
    this.element = h(
      "figure",
      {
        class: "chart oee-chart",
        "data-testid": "oee-chart",
        "data-group": title,
        "data-buckets": buckets.length,
        "data-bars": values.filter((value) => value !== null).length,
        "data-unavailable": values.filter((value) => value === null).length,
      },
      h("figcaption", {}, h("span", { class: "metric" }, title)),
      canvas,
      legend(),
      valuesTable(buckets, context),
    );
    const top = Math.max(1, ...values.filter((value): value is number => value !== null));
    this.#plot = new uPlot(this.#options(buckets, context.timeZone, top, width), dataOf(buckets), canvas);
  }

  resize(width: number): void {
    if (width !== this.#plot.width) this.#plot.setSize({ width, height: HEIGHT });
  }

  destroy(): void {
    this.#plot.destroy();
    this.element.remove();
  }

  #options(
    buckets: readonly KpiBucketSummary[],
    timeZone: string,
    top: number,
    width: number,
  ): uPlot.Options {
    const axis = chartAxis();
    const first = buckets[0];
    const last = buckets.at(-1);
    const span: uPlot.Range.MinMax =
      first === undefined || last === undefined
        ? [0, 1]
        : [Date.parse(first.start) / 1000, Date.parse(last.end) / 1000];
    return {
      width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), timeZone),
      scales: {
        x: { time: true, range: () => span },
        y: { range: () => [0, top * 1.05] },
      },
      axes: [
        axis,
        {
          ...axis,
          size: 52,
          values: (_plot, splits) => splits.map((split) => `${Math.round(split * 100)} %`),
        },
      ],
      series: [
        {},
        ...OEE_FACTORS.map(({ label, color }) => ({
          label,
          stroke: color,
          paths: () => null,
          points: { show: false },
        })),
      ],
      hooks: { draw: [(plot) => drawBars(plot, buckets)] },
    };
  }
}

function dataOf(buckets: readonly KpiBucketSummary[]): uPlot.AlignedData {
  return [
    buckets.map((bucket) => Date.parse(bucket.start) / 1000),
    ...OEE_FACTORS.map(({ key }) => buckets.map((bucket) => bucket[key].value)),
  ];
}

function drawBars(plot: uPlot, buckets: readonly KpiBucketSummary[]): void {
  const context = plot.ctx;
  const { top, height } = plot.bbox;
  const zero = plot.valToPos(0, "y", true);
  const stub = Math.max(2, 2 * devicePixelRatio);
  context.save();
  for (const bucket of buckets) {
    const left = plot.valToPos(Date.parse(bucket.start) / 1000, "x", true);
    const right = plot.valToPos(Date.parse(bucket.end) / 1000, "x", true);
    const slot = right - left;
    if (OEE_FACTORS.every(({ key }) => bucket[key].value === null)) {
      context.fillStyle = COLORS.unavailable;
      context.fillRect(left, top, slot, height);
      continue;
    }
    const pad = slot * 0.12;
    const bar = (slot - 2 * pad) / OEE_FACTORS.length;
    const gap = bar > 6 ? 1 : 0;
    OEE_FACTORS.forEach(({ key, color }, index) => {
      const x = left + pad + index * bar;
      const value = bucket[key].value;
      if (value === null) {
        context.fillStyle = COLORS.stub;
        context.fillRect(x, zero - stub, bar - gap, stub);
        return;
      }
      const y = plot.valToPos(value, "y", true);
      context.fillStyle = color;
      context.fillRect(x, y, bar - gap, zero - y);
    });
  }
  context.restore();
}

function legend(): HTMLElement {
  return h(
    "p",
    { class: "legend small" },
    ...OEE_FACTORS.map(({ label, color }) => {
      const swatch = h("span", { class: "swatch" });
      // Set through the CSSOM, which the hosted console's CSP (style-src 'self') allows; a style attribute it would not.
      swatch.style.background = color;
      return h("span", {}, swatch, label);
    }),
    h("span", { class: "muted" }, h("span", { class: "swatch unavailable" }), "not available"),
  );
}

/** The drawn values as text: for screen readers, for copying, and to tell 0 % from not available. */
function valuesTable(
  buckets: readonly KpiBucketSummary[],
  context: { readonly bucket: KpiBucket; readonly timeZone: string },
): HTMLElement {
  const cell = (bucket: KpiBucketSummary, key: (typeof OEE_FACTORS)[number]["key"]) =>
    h(
      "td",
      { "data-factor": key, title: reasonText(bucket[key]) || undefined },
      kpiText(bucket[key], "ratio"),
    );
  return h(
    "details",
    { class: "oee-values" },
    h("summary", {}, "Values"),
    h(
      "table",
      { class: "grid small" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "From"),
          // Short headings, so five columns fit a phone's width.
          ...OEE_FACTORS.map(({ label, short }) => h("th", {}, h("abbr", { title: label }, short))),
        ),
      ),
      h(
        "tbody",
        {},
        ...buckets.map((bucket) =>
          h(
            "tr",
            { "data-testid": "oee-bucket", "data-start": bucket.start },
            h("th", { scope: "row" }, bucketLabel(bucket.start, context.bucket, context.timeZone)),
            ...OEE_FACTORS.map(({ key }) => cell(bucket, key)),
          ),
        ),
      ),
    ),
  );
}
