import type { IngestReport } from "../../shared/domain/ingest/ingestMessages.ts";
import type { MetricSink } from "../commons/functionPorts.ts";

/** The C6 counts as metrics; quarantine counts carry the reason as a dimension. */
export function publishIngestMetrics(report: IngestReport, metrics: MetricSink): void {
  metrics.count("MessagesReceived", report.messages);
  metrics.count("SamplesStored", report.stored);
  metrics.count("StoreRetries", report.retries);
  metrics.count("SamplesUnwritten", report.unwritten);
  if (report.lastSeenFailures > 0) metrics.count("LastSeenFailures", report.lastSeenFailures);
  for (const [reason, count] of Object.entries(report.quarantined)) {
    metrics.count("Quarantined", count, { reason });
  }
}
