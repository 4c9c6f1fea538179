import {
  type AlarmEngine,
  type EngineReport,
  reportOrThrow,
} from "../../shared/domain/alarms/alarmEngine.ts";
import type { AlarmStore } from "../../shared/ports/alarmStore.ts";
import { publishEngineMetrics } from "../commons/engineMetrics.ts";
import {
  deadlineOf,
  type FunctionReporting,
  type InvocationBudget,
  reportingOf,
} from "../commons/functionPorts.ts";

/** Time kept back from the end of the invocation: a sweep's scan can be long, so more than the others. */
export const SWEEP_DEADLINE_MARGIN_MS = 5_000;
/**
 * An outbox event older than this was not delivered by the invocation that committed it (which
 * has timed out by now): the sweep sends it again.
 */
export const STALE_DELIVERY_MS = 2 * 60_000;

/** The sweep function's use case: ended snoozes, offline things, undelivered events, reminders. */
export interface Sweep {
  run(budget: InvocationBudget): Promise<EngineReport>;
}

/** The one composition of the sweep, for the sweep function (every minute) and the local stack's timer. */
export function createSweep(
  engine: Pick<AlarmEngine, "sweep">,
  store: Pick<AlarmStore, "scan">,
  ports: FunctionReporting = {},
): Sweep {
  const reporting = reportingOf(ports);
  return {
    async run(budget) {
      const deadline = deadlineOf(budget, SWEEP_DEADLINE_MARGIN_MS, reporting.wallClock);
      const { report, failures } = await engine.sweep(store.scan(), {
        deadline,
        staleAfterMs: STALE_DELIVERY_MS,
      });
      publishEngineMetrics(report, reporting);
      reporting.log.info("swept", { report, failures });
      // What the other things did stands; the failed invocation shows on the function's Errors
      // metric and the next minute's sweep takes those things again.
      return reportOrThrow({ report, failures });
    },
  };
}
