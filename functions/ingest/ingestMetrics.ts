import { INGEST_METRICS, QUARANTINE_REASON_DIMENSION } from "../../shared/contracts/functionMetrics.ts";
import type { IngestReport } from "../../shared/domain/ingest/ingestMessages.ts";
import type { MetricSink } from "../commons/functionPorts.ts";

/** The C6 counts as metrics; quarantine counts carry the reason as a dimension. */
export function publishIngestMetrics(report: IngestReport, metrics: MetricSink): void {
  metrics.count(INGEST_METRICS.messagesReceived, report.messages);
  metrics.count(INGEST_METRICS.samplesStored, report.stored);
  metrics.count(INGEST_METRICS.storeRetries, report.retries);
  metrics.count(INGEST_METRICS.samplesUnwritten, report.unwritten);
  if (report.lastSeenFailures > 0) metrics.count(INGEST_METRICS.lastSeenFailures, report.lastSeenFailures);
  for (const [reason, count] of Object.entries(report.quarantined)) {
    metrics.count(INGEST_METRICS.quarantined, count, { [QUARANTINE_REASON_DIMENSION]: reason });
  }
}
