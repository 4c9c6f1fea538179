import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { readSweepEnvironment } from "../../shared/config/alarmEnvironment.ts";
import type { EngineReport } from "../../shared/domain/alarms/alarmEngine.ts";
import { createAlarmEngine } from "../commons/alarmEngine.ts";
import { publishEngineMetrics } from "../commons/engineMetrics.ts";
import { logger, metrics } from "../commons/powertools.ts";

const DEADLINE_MARGIN_MS = 5_000;
/**
 * An outbox event older than this was not delivered by the invocation that committed it (which
 * has timed out by now): the sweep sends it again.
 */
const STALE_DELIVERY_MS = 2 * 60_000;

const env = readSweepEnvironment();
const { engine, store } = createAlarmEngine(env);

/** Every minute (EventBridge Scheduler): ended snoozes, offline things, undelivered events. */
async function sweep(_event: unknown, context: Context): Promise<EngineReport> {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
  const report = await engine.sweep(store.scan(), { deadline, staleAfterMs: STALE_DELIVERY_MS });
  publishEngineMetrics(report);
  logger.info("swept", { report });
  return report;
}

export const handler = middy(sweep)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
