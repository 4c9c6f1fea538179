import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { DynamoDbDeviceRegistry } from "../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { S3QuarantineStore } from "../../shared/adapters/aws/s3QuarantineStore.ts";
import { TimestreamSeriesStore } from "../../shared/adapters/aws/timestreamSeriesStore.ts";
import { readIngestEnvironment } from "../../shared/config/ingestEnvironment.ts";
import type { TelemetryRuleEvent } from "../../shared/contracts/telemetryRule.ts";
import { type IngestReport, ingestMessages } from "../../shared/domain/ingest/ingestMessages.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../shared/domain/ingest/types.ts";
import { IngestIncompleteError } from "../../shared/errors.ts";
import { systemClock } from "../../shared/ports/clock.ts";
import { logger, metrics } from "../commons/powertools.ts";
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
  store: new TimestreamSeriesStore({
    databaseName: env.TIMESTREAM_DATABASE,
    tableName: env.TIMESTREAM_TABLE,
  }),
  quarantine: new S3QuarantineStore({ bucketName: env.QUARANTINE_BUCKET }),
  clock: systemClock,
  limits: {
    ...DEFAULT_TELEMETRY_LIMITS,
    clockSkewMs: env.CLOCK_SKEW_MS,
    maxSampleAgeMs: env.MAX_SAMPLE_AGE_MS,
  },
};

/** The telemetry rule's Lambda action: one message per (asynchronous) invocation. */
async function ingest(event: TelemetryRuleEvent, context: Context): Promise<IngestReport> {
  const report = await ingestMessages([toReceivedMessage(event)], dependencies, {
    deadline: Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
  });
  publishIngestMetrics(report);
  logger.info("ingested", { report });
  // Lambda's asynchronous retries, then the on-failure destination (DLQ), take it from here (C6).
  if (report.unwritten > 0) throw new IngestIncompleteError(report.unwritten, report.messages);
  return report;
}

export const handler = middy(ingest)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
