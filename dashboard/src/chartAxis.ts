import type uPlot from "uplot";

/** The console's axis look for every uPlot chart: light labels, a faint grid and ticks. */
export function chartAxis(): uPlot.Axis {
  return {
    stroke: "#cbd5e1",
    grid: { stroke: "#334155", width: 1 },
    ticks: { stroke: "#334155", width: 1 },
  };
}
