import { ENGINE_METRICS } from "../../shared/contracts/functionMetrics.ts";
import type { EngineReport } from "../../shared/domain/alarms/alarmEngine.ts";
import type { FunctionLog, MetricSink } from "./functionPorts.ts";

/** The alarm engine's counts as metrics; delivery errors are logged with their cause. */
export function publishEngineMetrics(
  report: EngineReport,
  { log, metrics }: { readonly log: FunctionLog; readonly metrics: MetricSink },
): void {
  metrics.count(ENGINE_METRICS.thingsUpdated, report.things);
  metrics.count(ENGINE_METRICS.transitions, report.transitions);
  metrics.count(ENGINE_METRICS.lateSamples, report.late);
  metrics.count(ENGINE_METRICS.duplicateSamples, report.duplicates);
  metrics.count(ENGINE_METRICS.writeConflicts, report.conflicts);
  metrics.count(ENGINE_METRICS.eventsDeferred, report.eventsDeferred);
  metrics.count(ENGINE_METRICS.publishRetries, report.publishRetries);
  metrics.count(ENGINE_METRICS.deliveryErrors, report.deliveryErrors.length);
  metrics.count(ENGINE_METRICS.remindersSent, report.reminders);
  metrics.count(ENGINE_METRICS.foreignLifecycleEvents, report.foreignThings);
  for (const error of report.deliveryErrors)
    log.error("delivery after commit failed; left in the outbox", { error });
}
