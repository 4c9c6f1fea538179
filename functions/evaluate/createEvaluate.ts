import { groupBy } from "../../shared/collections.ts";
import { settleEach } from "../../shared/concurrency.ts";
import type { LifecycleEvent } from "../../shared/contracts/lifecycleRule.ts";
import {
  type AlarmEngine,
  combineReports,
  type EngineReport,
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
/** Things evaluated at once within a batch, as the engine does within one call. */
const THINGS_AT_ONCE = 8;

/** What the evaluate function takes: the telemetry rule's messages and the lifecycle rule's events. */
export type Evaluation =
  | { readonly kind: "telemetry"; readonly message: ReceivedMessage }
  | { readonly kind: "lifecycle"; readonly event: LifecycleEvent };

/** One engine call that failed: the thing, why, and the batch positions of the items it held. */
export interface EvaluationFailure {
  readonly thingName: string;
  readonly error: unknown;
  readonly items: readonly number[];
}

export interface EvaluateBatchOutcome {
  /** The counts of every call that succeeded. */
  readonly report: EngineReport;
  /** In batch order of their first item. */
  readonly failures: readonly EvaluationFailure[];
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
  /**
   * A batch, thing by thing: each thing's items in batch order (consecutive telemetry in one engine
   * call, lifecycle events between them), so that one thing's failure (a ConcurrentUpdateError, a
   * throttled table) fails only that thing while the other things' updates stand.
   */
  batch(items: readonly Evaluation[], budget: InvocationBudget): Promise<EvaluateBatchOutcome>;
}

type AlarmEvaluations = Pick<AlarmEngine, "evaluateTelemetry" | "recordConnectivity">;

/** The one composition of the evaluate use case, for the evaluate function and the local stack. */
export function createEvaluate(engine: AlarmEvaluations, ports: FunctionReporting = {}): Evaluate {
  const reporting = reportingOf(ports);
  const { log, metrics, wallClock } = reporting;
  const deadlineFor = (budget: InvocationBudget) => ({
    deadline: deadlineOf(budget, EVALUATE_DEADLINE_MARGIN_MS, wallClock),
  });
  const publishLatency = (receivedAt: number) =>
    metrics.milliseconds("EvaluationLatency", Math.max(0, wallClock.now() - receivedAt));
  const finish = (report: EngineReport) => {
    publishEngineMetrics(report, reporting);
    if (report.transitions > 0) log.info("alarm transitions", { report });
    return report;
  };

  return {
    async telemetry(message, budget) {
      const report = await engine.evaluateTelemetry([message], deadlineFor(budget));
      publishLatency(message.receivedAt);
      return finish(report);
    },
    async lifecycle(event, budget) {
      const report = await engine.recordConnectivity(event, deadlineFor(budget));
      // Not an error: another stage's thing (every lifecycle rule of the account sees every thing).
      if (report.foreignThings)
        log.debug("presence event of a thing not in this registry; ignored", { clientId: event.clientId });
      return finish(report);
    },
    async batch(items, budget) {
      const options = deadlineFor(budget);
      const reports: EngineReport[] = [];
      const failures: EvaluationFailure[] = [];
      // A thing's steps run one after the other; a failed step does not stop its later ones.
      await settleEach(positionsByThing(items), THINGS_AT_ONCE, async ([thingName, positions]) => {
        for (const step of stepsOf(items, positions)) {
          try {
            reports.push(await evaluateStep(engine, items, step, options));
          } catch (error) {
            failures.push({ thingName, error, items: step });
          }
        }
      });
      failures.sort((a, b) => (a.items[0] ?? 0) - (b.items[0] ?? 0));

      // The oldest message of the batch waited longest: the latency alarms are judged by.
      const received = items.flatMap((item) => (item.kind === "telemetry" ? [item.message.receivedAt] : []));
      if (received.length > 0) publishLatency(Math.min(...received));
      const report = combineReports(reports);
      publishEngineMetrics(report, reporting);
      if (report.transitions > 0 || failures.length > 0) log.info("alarm transitions", { report });
      return { report, failures, redeliverFrom: earliestOfEachThing(failures) };
    },
  };
}

function thingOf(item: Evaluation): string {
  return item.kind === "telemetry" ? item.message.thingName : item.event.clientId;
}

/** Each thing's batch positions, in batch order. */
function positionsByThing(items: readonly Evaluation[]): Map<string, number[]> {
  return groupBy(items.keys(), (position) => thingOf(items[position] as Evaluation));
}

/** One thing's positions cut into engine calls: each run of telemetry together, each lifecycle event alone. */
function stepsOf(items: readonly Evaluation[], positions: readonly number[]): number[][] {
  const steps: number[][] = [];
  let run: number[] | undefined;
  for (const position of positions) {
    if (items[position]?.kind === "telemetry") {
      if (run === undefined) {
        run = [];
        steps.push(run);
      }
      run.push(position);
    } else {
      run = undefined;
      steps.push([position]);
    }
  }
  return steps;
}

function evaluateStep(
  engine: AlarmEvaluations,
  items: readonly Evaluation[],
  step: readonly number[],
  options: { deadline: number },
): Promise<EngineReport> {
  const first = items[step[0] as number] as Evaluation;
  if (first.kind === "lifecycle") return engine.recordConnectivity(first.event, options);
  const messages = step.map(
    (position) => (items[position] as Extract<Evaluation, { kind: "telemetry" }>).message,
  );
  return engine.evaluateTelemetry(messages, options);
}

function earliestOfEachThing(failures: readonly EvaluationFailure[]): number[] {
  const earliest = new Map<string, number>();
  for (const { thingName, items } of failures) {
    const first = items[0] ?? 0;
    if (first < (earliest.get(thingName) ?? Number.POSITIVE_INFINITY)) earliest.set(thingName, first);
  }
  return [...earliest.values()].sort((a, b) => a - b);
}
