import { type Clock, systemClock } from "../../shared/ports/clock.ts";

/** Where a function's use case says what happened: Powertools on AWS, the console reporter locally. */
export interface FunctionLog {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Where a function's counts go: EMF metrics on AWS; nowhere locally. */
export interface MetricSink {
  /** With dimensions, the count is a metric of its own (so the function's other metrics keep theirs). */
  count(name: string, value: number, dimensions?: Readonly<Record<string, string>>): void;
  milliseconds(name: string, value: number): void;
}

/** The ports every factory reports through and measures its deadline by; each has a quiet default. */
export interface FunctionReporting {
  readonly log?: FunctionLog;
  readonly metrics?: MetricSink;
  /**
   * The clock the invocation's deadline and latencies are measured on: the one the adapters' retries
   * compare deadlines with (wall time; the cost model's simulated time). Default: the system clock.
   */
  readonly wallClock?: Clock;
}

/** What is left of the invocation: Lambda's `context.getRemainingTimeInMillis()`, or the local stack's stand-in. */
export interface InvocationBudget {
  readonly remainingMs: number;
}

const ignore = () => {};

export const SILENT_LOG: FunctionLog = { debug: ignore, info: ignore, warn: ignore, error: ignore };
export const NO_METRICS: MetricSink = { count: ignore, milliseconds: ignore };

/** The reporting ports with their defaults filled in. */
export function reportingOf(ports: FunctionReporting): Required<FunctionReporting> {
  return {
    log: ports.log ?? SILENT_LOG,
    metrics: ports.metrics ?? NO_METRICS,
    wallClock: ports.wallClock ?? systemClock,
  };
}

/** The time by which a use case must stop starting work, `marginMs` before the invocation ends. */
export function deadlineOf(budget: InvocationBudget, marginMs: number, wallClock: Clock): number {
  return wallClock.now() + budget.remainingMs - marginMs;
}
