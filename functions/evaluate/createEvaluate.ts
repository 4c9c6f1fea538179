import type { LifecycleEvent } from "../../shared/contracts/lifecycleRule.ts";
import {
  type AlarmEngine,
  type EngineFailure,
  type EngineInput,
  type EngineOutcome,
  type EngineReport,
  reportOrThrow,
} from "../../shared/domain/alarms/alarmEngine.ts";
import type { ReceivedMessage } from "../../shared/domain/ingest/types.ts";
import { publishEngineMetrics } from "../commons/engineMetrics.ts";
import {
  deadlineOf,
  type FunctionReporting,
  type InvocationBudget,
  reportingOf,
} from "../commons/functionPorts.ts";

/** Time kept back from the end of the invocation for delivery bookkeeping and metrics. */
export const EVALUATE_DEADLINE_MARGIN_MS = 3_000;

/** What the evaluate function takes: the telemetry rule's messages and the lifecycle rule's events. */
export type Evaluation = EngineInput;
export type EvaluationFailure = EngineFailure;

export interface EvaluateBatchOutcome extends EngineOutcome {
  /**
   * The earliest failed item of each thing that failed, in batch order: where a stream consumer must
   * resume that thing (what comes after is evaluated again, and recognised as duplicate or late, C4).
   */
  readonly redeliverFrom: readonly number[];
}

/** The evaluate function's use case, on whatever engine it is given. */
export interface Evaluate {
  /** The telemetry rule's second action: one message. Throws when its thing could not be updated. */
  telemetry(message: ReceivedMessage, budget: InvocationBudget): Promise<EngineReport>;
  /** The lifecycle rule's action: one presence event. Throws when its thing could not be updated. */
  lifecycle(event: LifecycleEvent, budget: InvocationBudget): Promise<EngineReport>;
  /** A stream batch: one thing's failure fails only that thing's items, named for redelivery. */
  batch(items: readonly Evaluation[], budget: InvocationBudget): Promise<EvaluateBatchOutcome>;
}

/** The one composition of the evaluate use case, for the evaluate function and the local stack. */
export function createEvaluate(
  engine: Pick<AlarmEngine, "evaluate">,
  ports: FunctionReporting = {},
): Evaluate {
  const reporting = reportingOf(ports);
  const { log, metrics, wallClock } = reporting;

  const evaluate = async (items: readonly Evaluation[], budget: InvocationBudget) => {
    const deadline = deadlineOf(budget, EVALUATE_DEADLINE_MARGIN_MS, wallClock);
    const outcome = await engine.evaluate(items, { deadline });
    // The oldest message waited longest: the latency alarms are judged by.
    const received = items.flatMap((item) => (item.kind === "telemetry" ? [item.message.receivedAt] : []));
    if (received.length > 0)
      metrics.milliseconds("EvaluationLatency", Math.max(0, wallClock.now() - Math.min(...received)));
    publishEngineMetrics(outcome.report, reporting);
    const { report, failures } = outcome;
    if (report.transitions > 0 || failures.length > 0) log.info("alarm transitions", { report, failures });
    // Not an error: another stage's thing (every lifecycle rule of the account sees every thing).
    if (report.foreignThings > 0)
      log.debug("presence events of things not in this registry; ignored", { report });
    return outcome;
  };
  return {
    telemetry: async (message, budget) =>
      reportOrThrow(await evaluate([{ kind: "telemetry", message }], budget)),
    lifecycle: async (event, budget) => reportOrThrow(await evaluate([{ kind: "lifecycle", event }], budget)),
    async batch(items, budget) {
      const outcome = await evaluate(items, budget);
      return { ...outcome, redeliverFrom: earliestOfEachThing(outcome.failures) };
    },
  };
}

function earliestOfEachThing(failures: readonly EngineFailure[]): number[] {
  const earliest = new Map<string, number>();
  for (const { thingName, items } of failures) {
    const first = items[0] ?? 0;
    if (first < (earliest.get(thingName) ?? Number.POSITIVE_INFINITY)) earliest.set(thingName, first);
  }
  return [...earliest.values()].sort((a, b) => a - b);
}
