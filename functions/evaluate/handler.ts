import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { S3ShardCheckpoints } from "../../shared/adapters/aws/s3ShardCheckpoints.ts";
import { readEvaluateEnvironment } from "../../shared/config/alarmEnvironment.ts";
import { isLifecycleEvent, type LifecycleEvent } from "../../shared/contracts/lifecycleRule.ts";
import type { TelemetryRuleEvent } from "../../shared/contracts/telemetryRule.ts";
import type { EngineReport } from "../../shared/domain/alarms/alarmEngine.ts";
import { createAlarmEngine, createStreamAlarmConsumer } from "../commons/alarmEngine.ts";
import { awsAlarmEnginePorts } from "../commons/awsAlarmPorts.ts";
import { logger, metrics } from "../commons/powertools.ts";
import { powertoolsReporting } from "../commons/powertoolsPorts.ts";
import {
  batchItemFailures,
  isKinesisStreamEvent,
  streamMessagesOf,
  streamRecordsOf,
} from "../commons/telemetryStream.ts";
import { toReceivedMessage } from "../ingest/toReceivedMessage.ts";
import { createEvaluate } from "./createEvaluate.ts";
import { createStreamEvaluate } from "./createStreamEvaluate.ts";

const env = readEvaluateEnvironment();
const enginePorts = {
  ...awsAlarmEnginePorts(env),
  limits: { clockSkewMs: env.CLOCK_SKEW_MS, maxSampleAgeMs: env.MAX_SAMPLE_AGE_MS },
  ...powertoolsReporting,
};
const evaluate = createEvaluate(createAlarmEngine(enginePorts), powertoolsReporting);
// Stream mode: alarm state kept in memory across batches, one checkpoint per shard in S3.
const streamEvaluate =
  env.SHARD_CHECKPOINT_BUCKET === undefined
    ? undefined
    : createStreamEvaluate(
        createStreamAlarmConsumer({
          ...enginePorts,
          checkpoints: new S3ShardCheckpoints({ bucketName: env.SHARD_CHECKPOINT_BUCKET }),
        }),
        powertoolsReporting,
      );

/**
 * The telemetry rule's second action (one message) and the lifecycle rule's action (one presence
 * event), both asynchronous: a thrown error means Lambda retries, then the dead-letter queue.
 * In stream mode, also a batch of the telemetry stream, answered with the records to deliver again.
 */
async function handle(
  event: TelemetryRuleEvent | LifecycleEvent | KinesisStreamEvent,
  context: Context,
): Promise<EngineReport | KinesisStreamBatchResponse> {
  const budget = { remainingMs: context.getRemainingTimeInMillis() };
  if (isKinesisStreamEvent(event)) return evaluateStream(event, budget);
  return isLifecycleEvent(event)
    ? evaluate.lifecycle(event, budget)
    : evaluate.telemetry(toReceivedMessage(event), budget);
}

async function evaluateStream(
  event: KinesisStreamEvent,
  budget: { readonly remainingMs: number },
): Promise<KinesisStreamBatchResponse> {
  if (streamEvaluate) {
    const { shardId, records } = streamRecordsOf(event);
    const outcome = await streamEvaluate.batch(shardId, records, budget);
    for (const { thingName, error } of outcome.failures) {
      logger.warn("thing not evaluated; its records are delivered again", { thingName, error });
    }
    const from =
      outcome.redeliverFrom === undefined ? [] : [records[outcome.redeliverFrom] as (typeof records)[number]];
    return batchItemFailures(from);
  }
  const batch = streamMessagesOf(event);
  const outcome = await evaluate.batch(
    batch.map(({ message }) => ({ kind: "telemetry", message })),
    budget,
  );
  for (const { thingName, error } of outcome.failures) {
    logger.warn("thing not evaluated; its records are delivered again", { thingName, error });
  }
  return batchItemFailures(outcome.redeliverFrom.map((index) => batch[index] as (typeof batch)[number]));
}

export const handler = middy(handle)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
