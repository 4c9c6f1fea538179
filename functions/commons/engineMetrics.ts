import type { EngineReport } from "../../shared/domain/alarms/alarmEngine.ts";
import type { FunctionLog, MetricSink } from "./functionPorts.ts";

/** The alarm engine's counts as metrics; delivery errors are logged with their cause. */
export function publishEngineMetrics(
  report: EngineReport,
  { log, metrics }: { readonly log: FunctionLog; readonly metrics: MetricSink },
): void {
  metrics.count("ThingsUpdated", report.things);
  metrics.count("Transitions", report.transitions);
  metrics.count("LateSamples", report.late);
  metrics.count("DuplicateSamples", report.duplicates);
  metrics.count("WriteConflicts", report.conflicts);
  metrics.count("EventsDeferred", report.eventsDeferred);
  metrics.count("PublishRetries", report.publishRetries);
  metrics.count("DeliveryErrors", report.deliveryErrors.length);
  metrics.count("RemindersSent", report.reminders);
  metrics.count("ForeignLifecycleEvents", report.foreignThings);
  for (const error of report.deliveryErrors)
    log.error("delivery after commit failed; left in the outbox", { error });
}
