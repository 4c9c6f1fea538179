import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { EngineReport } from "../../shared/domain/alarms/alarmEngine.ts";
import { logger, metrics } from "./powertools.ts";

/** The alarm engine's counts as EMF metrics; delivery errors are logged with their cause. */
export function publishEngineMetrics(report: EngineReport): void {
  metrics.addMetric("ThingsUpdated", MetricUnit.Count, report.things);
  metrics.addMetric("Transitions", MetricUnit.Count, report.transitions);
  metrics.addMetric("LateSamples", MetricUnit.Count, report.late);
  metrics.addMetric("DuplicateSamples", MetricUnit.Count, report.duplicates);
  metrics.addMetric("WriteConflicts", MetricUnit.Count, report.conflicts);
  metrics.addMetric("EventsDeferred", MetricUnit.Count, report.eventsDeferred);
  metrics.addMetric("PublishRetries", MetricUnit.Count, report.publishRetries);
  metrics.addMetric("DeliveryErrors", MetricUnit.Count, report.deliveryErrors.length);
  metrics.addMetric("RemindersSent", MetricUnit.Count, report.reminders);
  if (report.foreignThings !== undefined) {
    metrics.addMetric("ForeignLifecycleEvents", MetricUnit.Count, report.foreignThings);
  }
  for (const error of report.deliveryErrors)
    logger.error("delivery after commit failed; left in the outbox", { error });
}
