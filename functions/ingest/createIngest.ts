import {
  type IngestDependencies,
  type IngestReport,
  ingestMessages,
} from "../../shared/domain/ingest/ingestMessages.ts";
import type { ReceivedMessage } from "../../shared/domain/ingest/types.ts";
import { IngestIncompleteError } from "../../shared/errors.ts";
import {
  deadlineOf,
  type FunctionReporting,
  type InvocationBudget,
  reportingOf,
} from "../commons/functionPorts.ts";
import { publishIngestMetrics } from "./ingestMetrics.ts";

/** Time kept back from the end of the invocation to quarantine, publish metrics and return. */
export const INGEST_DEADLINE_MARGIN_MS = 3_000;

export type IngestPorts = IngestDependencies & FunctionReporting;

/** A message of a batch that kept samples the store could not take before the deadline. */
export interface UnwrittenMessage {
  /** Its position in the batch. */
  readonly index: number;
  readonly message: ReceivedMessage;
  readonly samples: number;
}

export interface IngestBatchOutcome {
  readonly report: IngestReport;
  /** In batch order; to be delivered again (the store write is idempotent, C6). */
  readonly unwritten: readonly UnwrittenMessage[];
}

/** The ingest function's use case, on whatever adapters it is given (AWS, local, counting). */
export interface Ingest {
  /**
   * Direct mode: the telemetry rule's action, one message per invocation. Throws
   * `IngestIncompleteError` when samples were left unwritten, so the invocation is retried.
   */
  message(message: ReceivedMessage, budget: InvocationBudget): Promise<IngestReport>;
  /** Stream mode: a batch, answered with the messages left unwritten rather than thrown. */
  batch(messages: readonly ReceivedMessage[], budget: InvocationBudget): Promise<IngestBatchOutcome>;
}

/** The one composition of the ingest use case, for the ingest function, the local stack, the cost model and the bench. */
export function createIngest(ports: IngestPorts): Ingest {
  const { log, metrics, wallClock } = reportingOf(ports);
  const deadlineFor = (budget: InvocationBudget) => ({
    deadline: deadlineOf(budget, INGEST_DEADLINE_MARGIN_MS, wallClock),
  });
  return {
    async message(message, budget) {
      const { report } = await ingestMessages([message], ports, deadlineFor(budget));
      publishIngestMetrics(report, metrics);
      log.info("ingested", { report });
      // Lambda's asynchronous retries, then the on-failure destination (DLQ), take it from here (C6).
      if (report.unwritten > 0) throw new IngestIncompleteError(report.unwritten, report.messages);
      return report;
    },
    async batch(messages, budget) {
      const outcome = await ingestMessages(messages, ports, deadlineFor(budget));
      const { report } = outcome;
      publishIngestMetrics(report, metrics);
      const unwritten = outcome.unwritten.map(({ index, samples }) => ({
        index,
        message: messages[index] as ReceivedMessage,
        samples,
      }));
      log.info("ingested", { report, failedRecords: unwritten.length });
      return { report, unwritten };
    },
  };
}
