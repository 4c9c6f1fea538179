import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, EventBridgeEvent } from "aws-lambda";
import { readNotifyEnvironment } from "../../shared/config/operatorEnvironment.ts";
import { NOTIFY_METRICS } from "../../shared/contracts/functionMetrics.ts";
import {
  NotificationFailedError,
  type NotifyOutcome,
} from "../../shared/domain/notifications/alarmNotifier.ts";
import { logger, metrics } from "../commons/powertools.ts";
import { createAlarmNotifier } from "./createAlarmNotifier.ts";

/** Time kept back from the deadline for logs and metrics. */
const DEADLINE_MARGIN_MS = 2_000;

const env = readNotifyEnvironment();
const notifier = createAlarmNotifier(env);

/**
 * The EventBridge rule's target for `Alarm State Change` and `Alarm Reminder` events, invoked
 * asynchronously. An invalid event is counted and logged, not thrown: no retry can fix it. A
 * delivery that failed after retries is thrown, so Lambda retries the event and then parks it in the
 * dead-letter queue; nothing is dropped.
 */
async function notify(event: EventBridgeEvent<string, unknown>, context: Context): Promise<NotifyOutcome> {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
  let outcome: NotifyOutcome;
  try {
    outcome = await notifier.notify(String(event?.["detail-type"]), event?.detail, { deadline });
  } catch (error) {
    metrics.addMetric(NOTIFY_METRICS.failed, MetricUnit.Count, 1);
    if (error instanceof NotificationFailedError) {
      for (const part of error.delivered) metrics.addMetric(sentMetric(part), MetricUnit.Count, 1);
      logger.error("notification failed; the event is retried", {
        eventKey: error.eventKey,
        delivered: error.delivered,
        error,
      });
    }
    throw error;
  }
  switch (outcome.status) {
    case "invalid":
      metrics.addMetric("NotificationsInvalid", MetricUnit.Count, 1);
      logger.error("invalid alarm event; not notified", {
        reason: outcome.problems,
        detailType: event?.["detail-type"],
        eventId: event?.id,
      });
      return outcome;
    case "silenced":
      metrics.addMetric("NotificationsSilenced", MetricUnit.Count, 1);
      logger.info("silenced", { eventKey: outcome.eventKey, silenceId: outcome.silenceId });
      break;
    case "notified":
      for (const part of ["topic", "webhooks"] as const) {
        if (outcome[part] === "sent") metrics.addMetric(sentMetric(part), MetricUnit.Count, 1);
      }
      metrics.addMetric("NotificationRetries", MetricUnit.Count, outcome.retries);
      logger.info("notified", { outcome });
      break;
  }
  if (outcome.silencesError !== undefined) {
    metrics.addMetric("SilencesUnavailable", MetricUnit.Count, 1);
    logger.warn("silences could not be read; none applied", { error: outcome.silencesError });
  }
  return outcome;
}

function sentMetric(part: "topic" | "webhooks"): string {
  return part === "topic" ? NOTIFY_METRICS.sent : NOTIFY_METRICS.webhookEventsSent;
}

export const handler = middy(notify)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
