import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { readEvaluateEnvironment } from "../../shared/config/alarmEnvironment.ts";
import { isLifecycleEvent, type LifecycleEvent } from "../../shared/contracts/lifecycleRule.ts";
import type { TelemetryRuleEvent } from "../../shared/contracts/telemetryRule.ts";
import type { EngineReport } from "../../shared/domain/alarms/alarmEngine.ts";
import { createAlarmEngine } from "../commons/alarmEngine.ts";
import { publishEngineMetrics } from "../commons/engineMetrics.ts";
import { logger, metrics } from "../commons/powertools.ts";
import { toReceivedMessage } from "../ingest/toReceivedMessage.ts";

/** Time kept back from the deadline for delivery bookkeeping and metrics. */
const DEADLINE_MARGIN_MS = 3_000;

const env = readEvaluateEnvironment();
const { engine } = createAlarmEngine(env, {
  clockSkewMs: env.CLOCK_SKEW_MS,
  maxSampleAgeMs: env.MAX_SAMPLE_AGE_MS,
});

/**
 * The telemetry rule's second action (one message) and the lifecycle rule's action (one presence
 * event), both asynchronous: a thrown error means Lambda retries, then the dead-letter queue.
 */
async function evaluate(event: TelemetryRuleEvent | LifecycleEvent, context: Context): Promise<EngineReport> {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
  let report: EngineReport;
  if (isLifecycleEvent(event)) {
    report = await engine.recordConnectivity(event, { deadline });
  } else {
    const message = toReceivedMessage(event);
    report = await engine.evaluateTelemetry([message], { deadline });
    metrics.addMetric(
      "EvaluationLatency",
      MetricUnit.Milliseconds,
      Math.max(0, Date.now() - message.receivedAt),
    );
  }
  publishEngineMetrics(report);
  if (report.transitions > 0) logger.info("alarm transitions", { report });
  return report;
}

export const handler = middy(evaluate)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
