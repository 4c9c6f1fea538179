import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { DynamoDbDeviceRegistry } from "../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { S3QuarantineStore } from "../../shared/adapters/aws/s3QuarantineStore.ts";
import { readIngestEnvironment, seriesTargetOf } from "../../shared/config/ingestEnvironment.ts";
import type { TelemetryRuleEvent } from "../../shared/contracts/telemetryRule.ts";
import type { IngestReport } from "../../shared/domain/ingest/ingestMessages.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../shared/domain/ingest/types.ts";
import { systemClock } from "../../shared/ports/clock.ts";
import { logger, metrics } from "../commons/powertools.ts";
import { powertoolsReporting } from "../commons/powertoolsPorts.ts";
import { seriesStoreFor } from "../commons/seriesAdapters.ts";
import { batchItemFailures, isKinesisStreamEvent, streamMessagesOf } from "../commons/telemetryStream.ts";
import { createIngest } from "./createIngest.ts";
import { toReceivedMessage } from "./toReceivedMessage.ts";

const env = readIngestEnvironment();
const ingest = createIngest({
  registry: new DynamoDbDeviceRegistry({
    tableName: env.REGISTRY_TABLE,
    cacheTtlMs: env.REGISTRY_CACHE_TTL_MS,
    ...(env.LAST_SEEN_INTERVAL_MS === undefined ? {} : { lastSeenIntervalMs: env.LAST_SEEN_INTERVAL_MS }),
  }),
  recordLastSeen: env.LAST_SEEN_INTERVAL_MS !== undefined,
  store: seriesStoreFor(seriesTargetOf(env)),
  quarantine: new S3QuarantineStore({ bucketName: env.QUARANTINE_BUCKET }),
  clock: systemClock,
  limits: {
    ...DEFAULT_TELEMETRY_LIMITS,
    clockSkewMs: env.CLOCK_SKEW_MS,
    maxSampleAgeMs: env.MAX_SAMPLE_AGE_MS,
  },
  ...powertoolsReporting,
});

/**
 * Direct mode: the telemetry rule's Lambda action, one message per (asynchronous) invocation.
 * Stream mode: a batch of the telemetry stream, answered with the records to deliver again, so
 * Lambda delivers them (and those after them) again, then parks a pointer in the DLQ (C6).
 */
async function handle(
  event: TelemetryRuleEvent | KinesisStreamEvent,
  context: Context,
): Promise<IngestReport | KinesisStreamBatchResponse> {
  const budget = { remainingMs: context.getRemainingTimeInMillis() };
  if (!isKinesisStreamEvent(event)) return ingest.message(toReceivedMessage(event), budget);
  const batch = streamMessagesOf(event);
  const { unwritten } = await ingest.batch(
    batch.map(({ message }) => message),
    budget,
  );
  return batchItemFailures(unwritten.map(({ index }) => batch[index] as (typeof batch)[number]));
}

export const handler = middy(handle)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
