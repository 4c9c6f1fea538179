import type {
  StreamAlarmConsumer,
  StreamBatchOutcome,
  StreamRecord,
} from "../../shared/domain/alarms/streamConsumer.ts";
import { publishEngineMetrics } from "../commons/engineMetrics.ts";
import {
  deadlineOf,
  type FunctionReporting,
  type InvocationBudget,
  reportingOf,
} from "../commons/functionPorts.ts";
import { EVALUATE_DEADLINE_MARGIN_MS } from "./createEvaluate.ts";

export interface StreamEvaluateOutcome extends StreamBatchOutcome {
  /** The batch position Lambda must resume the shard from (everything after it comes again), if any failed. */
  readonly redeliverFrom: number | undefined;
}

/** The evaluate function's use case on the telemetry stream: one shard's batch through the stream consumer. */
export interface StreamEvaluate {
  batch(
    shardId: string,
    records: readonly StreamRecord[],
    budget: InvocationBudget,
  ): Promise<StreamEvaluateOutcome>;
}

/** The one composition of stream-mode evaluation, for the evaluate function and the cost model. */
export function createStreamEvaluate(
  consumer: Pick<StreamAlarmConsumer, "batch">,
  ports: FunctionReporting = {},
): StreamEvaluate {
  const reporting = reportingOf(ports);
  const { log, metrics, wallClock } = reporting;
  return {
    async batch(shardId, records, budget) {
      const deadline = deadlineOf(budget, EVALUATE_DEADLINE_MARGIN_MS, wallClock);
      const outcome = await consumer.batch(shardId, records, { deadline });
      const received = records.flatMap(({ input }) =>
        input.kind === "telemetry" ? [input.message.receivedAt] : [],
      );
      if (received.length > 0)
        metrics.milliseconds("EvaluationLatency", Math.max(0, wallClock.now() - Math.min(...received)));
      publishEngineMetrics(outcome.report, reporting);
      metrics.count("RedeliveredRecords", outcome.redelivered);
      metrics.count("ColdShardStarts", outcome.coldStart ? 1 : 0);
      for (const refused of outcome.refusedActions)
        log.warn("operator action refused by the alarm's state", refused);
      if (outcome.report.transitions > 0 || outcome.failures.length > 0)
        log.info("alarm transitions", { report: outcome.report, failures: outcome.failures });
      return { ...outcome, redeliverFrom: outcome.failures[0]?.items[0] };
    },
  };
}
