import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { IngestReport } from "../../shared/domain/ingest/ingestMessages.ts";
import { metrics } from "../commons/powertools.ts";

/** The C6 counts as EMF metrics; quarantine counts carry the reason as a dimension. */
export function publishIngestMetrics(report: IngestReport): void {
  metrics.addMetric("MessagesReceived", MetricUnit.Count, report.messages);
  metrics.addMetric("SamplesStored", MetricUnit.Count, report.stored);
  metrics.addMetric("StoreRetries", MetricUnit.Count, report.retries);
  metrics.addMetric("SamplesUnwritten", MetricUnit.Count, report.unwritten);
  if (report.lastSeenFailures > 0) {
    metrics.addMetric("LastSeenFailures", MetricUnit.Count, report.lastSeenFailures);
  }
  for (const [reason, count] of Object.entries(report.quarantined)) {
    const metric = metrics.singleMetric();
    metric.addDimension("reason", reason);
    metric.addMetric("Quarantined", MetricUnit.Count, count);
  }
}
