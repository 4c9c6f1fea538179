/** The benches' common workload: one fixed start time and the metrics every simulated machine sends. */
export const BENCH_T0 = Date.parse("2026-11-25T12:00:00.000Z");

export const BENCH_METRICS = [
  "temperature",
  "pressure",
  "vibration_rms",
  "current",
  "voltage",
  "speed",
  "humidity",
  "flow",
] as const;
