import {
  type AlarmEngine,
  type EngineReport,
  reportOrThrow,
} from "../../shared/domain/alarms/alarmEngine.ts";
import { EMPTY_REPORT } from "../../shared/domain/alarms/engineReport.ts";
import type { AlarmStore } from "../../shared/ports/alarmStore.ts";
import type { StreamControl } from "../../shared/ports/streamControl.ts";
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

/**
 * Stream mode's sweep: the stream consumer is the only writer of alarm state, so the sweep only
 * names the things that may have something due and puts a tick for each on the stream.
 */
export function createStreamSweep(
  engine: Pick<AlarmEngine, "ticksDue">,
  store: Pick<AlarmStore, "scan">,
  stream: StreamControl,
  ports: FunctionReporting = {},
): Sweep {
  const reporting = reportingOf(ports);
  return {
    async run(budget) {
      const deadline = deadlineOf(budget, SWEEP_DEADLINE_MARGIN_MS, reporting.wallClock);
      const due = await engine.ticksDue(store.scan(), { staleAfterMs: STALE_DELIVERY_MS });
      if (due.length > 0) {
        await stream.put(
          due.map(({ thingName, at }) => ({ plantwatch: "tick", thingName, at })),
          { deadline },
        );
      }
      reporting.metrics.count("TicksSent", due.length);
      reporting.log.info("swept", { ticks: due.length });
      return EMPTY_REPORT;
    },
  };
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
