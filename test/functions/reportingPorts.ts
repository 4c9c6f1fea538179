import type { FunctionLog, MetricSink } from "../../functions/commons/functionPorts.ts";
import { manualClock } from "../support/testClock.ts";

/** The factories' log and metrics ports, keeping what they are told as lines a test can compare. */
export function recordingReporting(now = 0) {
  const lines: string[] = [];
  const counts: string[] = [];
  const line = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    const error = extra?.error as Error | undefined;
    lines.push(`${level} ${message}${error ? `: ${error.message}` : ""}`);
  };
  const log: FunctionLog = {
    debug: line("debug"),
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
  };
  const metrics: MetricSink = {
    count: (name, value, dimensions) =>
      counts.push(`${name}=${value}${dimensions ? ` ${JSON.stringify(dimensions)}` : ""}`),
    milliseconds: (name, value) => counts.push(`${name}=${value}ms`),
  };
  return { lines, counts, log, metrics, wallClock: manualClock(now) };
}
