import { streamInputOf } from "../functions/commons/telemetryStream.ts";
import type { StreamEvaluate } from "../functions/evaluate/createStreamEvaluate.ts";
import type { ControlRecord } from "../shared/contracts/streamRecord.ts";
import type { StreamPosition } from "../shared/domain/alarms/alarmState.ts";
import type { StreamInput, StreamRecord } from "../shared/domain/alarms/streamConsumer.ts";
import type { ShardCheckpoints } from "../shared/ports/shardCheckpoints.ts";
import type { StreamControl } from "../shared/ports/streamControl.ts";
import { BatchQueue } from "./batchQueue.ts";

/** The local stream's one shard, named as Kinesis names shards. */
export const LOCAL_SHARD = "shardId-000000000000";

/** Deliveries of a batch's failed records before they are reported (Lambda retries, then the DLQ). */
export const LOCAL_DELIVERIES = 3;

export interface LocalTelemetryStreamOptions {
  /** The evaluate function's use case in stream mode (`createStreamEvaluate`), on the local adapters. */
  readonly evaluate: Pick<StreamEvaluate, "batch">;
  /** How long one batch may take, as the function's Lambda timeout bounds an invocation. */
  readonly timeoutMs: number;
  /** A record still failed after `LOCAL_DELIVERIES` deliveries, or a batch threw that often. */
  readonly onError: (record: StreamRecord, error: unknown) => void;
  readonly maxBatch?: number;
}

/**
 * Stream mode's telemetry stream, in process: the telemetry rule's messages, the lifecycle rule's
 * presence events, and the sweep's and the API's control records (`StreamControl`), in one shard in
 * the order they were put, each with an increasing sequence number. One batch at a time goes through
 * the stream consumer, as Lambda hands one shard to one consumer; a batch that failed from some
 * record on is delivered again from there, as Lambda resumes a shard.
 */
export class LocalTelemetryStream implements StreamControl {
  readonly #options: LocalTelemetryStreamOptions;
  readonly #queue: BatchQueue<StreamRecord>;
  #sequence = 0n;

  constructor(options: LocalTelemetryStreamOptions) {
    this.#options = options;
    this.#queue = new BatchQueue({
      run: (records) => this.#deliver(records),
      onError: options.onError,
      ...(options.maxBatch === undefined ? {} : { maxItems: options.maxBatch }),
    });
  }

  append(input: StreamInput): StreamPosition {
    // Kinesis sequence numbers are decimal strings that only grow within a shard.
    const sequenceNumber = String(49_000_000_000_000_000_000n + ++this.#sequence);
    this.#queue.push({ sequenceNumber, input });
    return { shardId: LOCAL_SHARD, sequenceNumber };
  }

  async put(records: readonly ControlRecord[]): Promise<StreamPosition[]> {
    return records.map((record) => this.append(streamInputOf(record)));
  }

  /** Resolves once every record put so far went through the consumer. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  async #deliver(batch: readonly StreamRecord[]): Promise<void> {
    let records = batch;
    let failure: unknown;
    for (let delivery = 1; delivery <= LOCAL_DELIVERIES && records.length > 0; delivery++) {
      try {
        const outcome = await this.#options.evaluate.batch(LOCAL_SHARD, records, {
          remainingMs: this.#options.timeoutMs,
        });
        if (outcome.redeliverFrom === undefined) return;
        failure = outcome.failures[0]?.error;
        records = records.slice(outcome.redeliverFrom);
      } catch (error) {
        // The whole batch again (a checkpoint taken, a store that failed).
        failure = error;
      }
    }
    for (const record of records) this.#options.onError(record, failure);
  }
}

/** Shard checkpoints in memory: the local stack's consumer outlives no process, so neither do they. */
export class InMemoryShardCheckpoints implements ShardCheckpoints {
  readonly #saved = new Map<string, { tag: string; things: Parameters<ShardCheckpoints["save"]>[1] }>();
  #saves = 0;

  async latestTag(shardId: string) {
    return this.#saved.get(shardId)?.tag;
  }

  async load(shardId: string) {
    return this.#saved.get(shardId);
  }

  async save(
    shardId: string,
    things: Parameters<ShardCheckpoints["save"]>[1],
    expectedTag: string | undefined,
  ) {
    if (this.#saved.get(shardId)?.tag !== expectedTag) return "conflict" as const;
    const tag = String(++this.#saves);
    this.#saved.set(shardId, { tag, things });
    return { tag };
  }
}
