import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { readEvaluateEnvironment } from "../../shared/config/alarmEnvironment.ts";
import { isLifecycleEvent, type LifecycleEvent } from "../../shared/contracts/lifecycleRule.ts";
import type { TelemetryRuleEvent } from "../../shared/contracts/telemetryRule.ts";
import type { EngineReport } from "../../shared/domain/alarms/alarmEngine.ts";
import { createAlarmEngine } from "../commons/alarmEngine.ts";
import { publishEngineMetrics } from "../commons/engineMetrics.ts";
import { logger, metrics } from "../commons/powertools.ts";
import { batchItemFailures, isKinesisStreamEvent, streamMessagesOf } from "../commons/telemetryStream.ts";
import { toReceivedMessage } from "../ingest/toReceivedMessage.ts";
import { evaluateByThing } from "./evaluateByThing.ts";

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
 * In stream mode, also a batch of the telemetry stream, answered with the records to deliver again.
 */
async function evaluate(
  event: TelemetryRuleEvent | LifecycleEvent | KinesisStreamEvent,
  context: Context,
): Promise<EngineReport | KinesisStreamBatchResponse> {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
  if (isKinesisStreamEvent(event)) return evaluateBatch(event, deadline);
  let report: EngineReport;
  if (isLifecycleEvent(event)) {
    report = await engine.recordConnectivity(event, { deadline });
    // Not an error: another stage's thing (every lifecycle rule of the account sees every thing).
    if (report.foreignThings)
      logger.debug("presence event of a thing not in this registry; ignored", { clientId: event.clientId });
  } else {
    const message = toReceivedMessage(event);
    report = await engine.evaluateTelemetry([message], { deadline });
    publishLatency(message.receivedAt);
  }
  publishEngineMetrics(report);
  if (report.transitions > 0) logger.info("alarm transitions", { report });
  return report;
}

async function evaluateBatch(
  event: KinesisStreamEvent,
  deadline: number,
): Promise<KinesisStreamBatchResponse> {
  const batch = streamMessagesOf(event);
  const { report, failed, errors } = await evaluateByThing(engine, batch, { deadline });
  // The oldest record of the batch waited longest: the latency alarms are judged by.
  const oldest = Math.min(...batch.map(({ message }) => message.receivedAt));
  if (batch.length > 0) publishLatency(oldest);
  publishEngineMetrics(report);
  for (const { thingName, error } of errors) {
    logger.warn("thing not evaluated; its records are delivered again", { thingName, error });
  }
  if (report.transitions > 0 || failed.length > 0) logger.info("alarm transitions", { report });
  return batchItemFailures(failed);
}

function publishLatency(receivedAt: number): void {
  metrics.addMetric("EvaluationLatency", MetricUnit.Milliseconds, Math.max(0, Date.now() - receivedAt));
}

export const handler = middy(evaluate)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
