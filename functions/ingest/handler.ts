import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { DynamoDbDeviceRegistry } from "../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { S3QuarantineStore } from "../../shared/adapters/aws/s3QuarantineStore.ts";
import { readIngestEnvironment, seriesTargetOf } from "../../shared/config/ingestEnvironment.ts";
import type { TelemetryRuleEvent } from "../../shared/contracts/telemetryRule.ts";
import { type IngestReport, ingestMessages } from "../../shared/domain/ingest/ingestMessages.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../shared/domain/ingest/types.ts";
import { countUnwrittenByMessage } from "../../shared/domain/ingest/unwrittenByMessage.ts";
import { IngestIncompleteError } from "../../shared/errors.ts";
import { systemClock } from "../../shared/ports/clock.ts";
import { logger, metrics } from "../commons/powertools.ts";
import { seriesStoreFor } from "../commons/seriesAdapters.ts";
import { batchItemFailures, isKinesisStreamEvent, streamMessagesOf } from "../commons/telemetryStream.ts";
import { publishIngestMetrics } from "./ingestMetrics.ts";
import { toReceivedMessage } from "./toReceivedMessage.ts";

/** Time kept back from the deadline to quarantine, publish metrics and return. */
const DEADLINE_MARGIN_MS = 3_000;

const env = readIngestEnvironment();
const dependencies = {
  registry: new DynamoDbDeviceRegistry({
    tableName: env.REGISTRY_TABLE,
    cacheTtlMs: env.REGISTRY_CACHE_TTL_MS,
    lastSeenIntervalMs: env.LAST_SEEN_INTERVAL_MS,
  }),
  store: seriesStoreFor(seriesTargetOf(env)),
  quarantine: new S3QuarantineStore({ bucketName: env.QUARANTINE_BUCKET }),
  clock: systemClock,
  limits: {
    ...DEFAULT_TELEMETRY_LIMITS,
    clockSkewMs: env.CLOCK_SKEW_MS,
    maxSampleAgeMs: env.MAX_SAMPLE_AGE_MS,
  },
};

/**
 * Direct mode: the telemetry rule's Lambda action, one message per (asynchronous) invocation.
 * Stream mode: a batch of the telemetry stream, answered with the records to deliver again.
 */
async function ingest(
  event: TelemetryRuleEvent | KinesisStreamEvent,
  context: Context,
): Promise<IngestReport | KinesisStreamBatchResponse> {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
  if (isKinesisStreamEvent(event)) return ingestBatch(event, deadline);

  const report = await ingestMessages([toReceivedMessage(event)], dependencies, { deadline });
  publishIngestMetrics(report);
  logger.info("ingested", { report });
  // Lambda's asynchronous retries, then the on-failure destination (DLQ), take it from here (C6).
  if (report.unwritten > 0) throw new IngestIncompleteError(report.unwritten, report.messages);
  return report;
}

/**
 * The whole batch through the same use case; the records with samples left unwritten are named,
 * so Lambda delivers them (and those after them) again, then parks a pointer in the DLQ (C6).
 */
async function ingestBatch(event: KinesisStreamEvent, deadline: number): Promise<KinesisStreamBatchResponse> {
  const batch = streamMessagesOf(event);
  const unwritten = new Map<number, number>();
  const report = await ingestMessages(
    batch.map(({ message }) => message),
    { ...dependencies, store: countUnwrittenByMessage(dependencies.store, unwritten) },
    { deadline },
  );
  publishIngestMetrics(report);
  const failed = batch.filter((_, index) => unwritten.has(index));
  logger.info("ingested", { report, failedRecords: failed.length });
  return batchItemFailures(failed);
}

export const handler = middy(ingest)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
