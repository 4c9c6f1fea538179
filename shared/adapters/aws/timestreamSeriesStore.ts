import {
  type RejectedRecord,
  TimestreamWriteClient,
  type TimestreamWriteClientConfig,
  WriteRecordsCommand,
} from "@aws-sdk/client-timestream-write";
import { eachUntilFailure } from "../../concurrency.ts";
import type { SampleRef } from "../../domain/ingest/types.ts";
import type { SeriesPoint, SeriesStore, SeriesWriteResult } from "../../ports/seriesStore.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import { type BackoffOptions, DEFAULT_BACKOFF, isTransient, requestSignal, waitForRetry } from "./retry.ts";
import { splitChunk, toWriteChunks, type WriteChunk } from "./timestreamRecords.ts";

export type TimestreamSeriesStoreOptions = {
  readonly databaseName: string;
  readonly tableName: string;
  /** Parallel WriteRecords requests per batch. */
  readonly maxConcurrentWrites?: number;
  readonly backoff?: BackoffOptions;
} & ClientOrConfig<TimestreamWriteClient, TimestreamWriteClientConfig>;

interface Outcome {
  rejected: { ref: SampleRef; reason: string }[];
  unwritten: SampleRef[];
  retries: number;
}

/**
 * The series store on Amazon Timestream for LiveAnalytics: multi-measure records, ≤ 100 per
 * request, retried with jittered backoff until the caller's deadline (the SDK's own retries are
 * off so that every retry is counted and none outlives the invocation).
 */
export class TimestreamSeriesStore implements SeriesStore {
  readonly #client: TimestreamWriteClient;
  readonly #target: { databaseName: string; tableName: string };
  readonly #maxConcurrentWrites: number;
  readonly #backoff: BackoffOptions;

  constructor(options: TimestreamSeriesStoreOptions) {
    this.#client = options.client ?? new TimestreamWriteClient({ maxAttempts: 1, ...options.clientConfig });
    this.#target = { databaseName: options.databaseName, tableName: options.tableName };
    this.#maxConcurrentWrites = Math.max(1, options.maxConcurrentWrites ?? 4);
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  async write(
    points: readonly SeriesPoint[],
    options: { readonly deadline: number },
  ): Promise<SeriesWriteResult> {
    const outcome: Outcome = { rejected: [], unwritten: [], retries: 0 };
    // After a failure no new request starts, and write() returns only once none is in flight.
    await eachUntilFailure(toWriteChunks(points, this.#target), this.#maxConcurrentWrites, (chunk) =>
      this.#writeChunk(chunk, options.deadline, outcome),
    );
    return outcome;
  }

  async #writeChunk(chunk: WriteChunk, deadline: number, outcome: Outcome): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const timeout = requestSignal(deadline, this.#backoff);
      try {
        await this.#client.send(new WriteRecordsCommand(chunk.input), { abortSignal: timeout });
        return;
      } catch (error) {
        if (timeout.aborted) {
          outcome.unwritten.push(...chunk.refs);
          return;
        }
        const name = (error as Error).name;
        if (name === "RejectedRecordsException") {
          // The records not listed were written.
          for (const rejected of (error as { RejectedRecords?: RejectedRecord[] }).RejectedRecords ?? []) {
            const ref = chunk.refs[rejected.RecordIndex ?? -1];
            if (ref) outcome.rejected.push({ ref, reason: describeRejection(rejected) });
          }
          return;
        }
        if (name === "ValidationException") {
          // Timestream refused the whole request for something in it: find the culprit by halving.
          if (chunk.refs.length === 1) {
            outcome.rejected.push({
              ref: chunk.refs[0] as SampleRef,
              reason: `ValidationException: ${(error as Error).message}`,
            });
            return;
          }
          const [left, right] = splitChunk(chunk);
          await this.#writeChunk(left, deadline, outcome);
          await this.#writeChunk(right, deadline, outcome);
          return;
        }
        if (!isTransient(error)) throw error;
        if (!(await waitForRetry(attempt, deadline, this.#backoff))) {
          outcome.unwritten.push(...chunk.refs);
          return;
        }
        outcome.retries++;
      }
    }
  }
}

function describeRejection(rejected: RejectedRecord): string {
  const version =
    rejected.ExistingVersion === undefined ? "" : ` (existing version ${rejected.ExistingVersion})`;
  return `${rejected.Reason ?? "rejected by Timestream"}${version}`;
}
