import {
  KinesisClient,
  type KinesisClientConfig,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from "@aws-sdk/client-kinesis";
import { type ControlRecord, encodeControlRecord } from "../../contracts/streamRecord.ts";
import { parseAlarmId, type StreamPosition } from "../../domain/alarms/alarmState.ts";
import { PlantwatchError } from "../../errors.ts";
import type { StreamControl } from "../../ports/streamControl.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import {
  type BackoffOptions,
  DEFAULT_BACKOFF,
  isTransient,
  isTransientErrorName,
  waitForRetry,
} from "./retry.ts";

/** PutRecords takes at most 500 entries per request. */
const MAX_ENTRIES = 500;

export type KinesisStreamControlOptions = {
  readonly streamArn: string;
  readonly backoff?: BackoffOptions;
} & ClientOrConfig<KinesisClient, KinesisClientConfig>;

/** Control records the stream did not take before the deadline (throttled shards, an outage). */
export class StreamControlUnavailableError extends PlantwatchError {
  constructor(unsent: number, cause?: unknown) {
    super(`${unsent} control record(s) could not be put on the telemetry stream before the deadline`, {
      retryable: true,
      ...(cause === undefined ? {} : { cause }),
    });
    this.name = "StreamControlUnavailableError";
  }
}

/**
 * Control records on the telemetry stream with PutRecords, the thing's name as partition key (as
 * the telemetry rule puts its messages, so a thing's records share a shard and an order). Entries
 * a shard throttled (`ProvisionedThroughputExceededException`) or that failed inside Kinesis are
 * put again with jittered backoff until the deadline; then it throws, naming how many are left.
 */
export class KinesisStreamControl implements StreamControl {
  readonly #client: KinesisClient;
  readonly #streamArn: string;
  readonly #backoff: BackoffOptions;

  constructor(options: KinesisStreamControlOptions) {
    this.#client = options.client ?? new KinesisClient({ maxAttempts: 1, ...options.clientConfig });
    this.#streamArn = options.streamArn;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  async put(
    records: readonly ControlRecord[],
    options: { readonly deadline: number },
  ): Promise<StreamPosition[]> {
    const positions: (StreamPosition | undefined)[] = records.map(() => undefined);
    let pending = records.map((record, index) => ({ index, entry: entryOf(record) }));
    let lastError: unknown;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0 && !(await waitForRetry(attempt - 1, options.deadline, this.#backoff))) break;
      const retry: typeof pending = [];
      for (let start = 0; start < pending.length; start += MAX_ENTRIES) {
        const chunk = pending.slice(start, start + MAX_ENTRIES);
        try {
          const answer = await this.#client.send(
            new PutRecordsCommand({ StreamARN: this.#streamArn, Records: chunk.map(({ entry }) => entry) }),
          );
          (answer.Records ?? []).forEach((result, at) => {
            const sent = chunk[at] as (typeof chunk)[number];
            if (result.SequenceNumber && result.ShardId) {
              positions[sent.index] = { shardId: result.ShardId, sequenceNumber: result.SequenceNumber };
            } else if (
              isTransientErrorName(result.ErrorCode ?? "") ||
              result.ErrorCode === "InternalFailure"
            ) {
              retry.push(sent);
            } else {
              throw new StreamControlUnavailableError(
                1,
                new Error(`${result.ErrorCode}: ${result.ErrorMessage}`),
              );
            }
          });
        } catch (error) {
          if (!isTransient(error)) throw error;
          lastError = error;
          retry.push(...chunk);
        }
      }
      pending = retry;
    }
    if (pending.length > 0) throw new StreamControlUnavailableError(pending.length, lastError);
    return positions as StreamPosition[];
  }
}

function entryOf(record: ControlRecord): PutRecordsRequestEntry {
  return { Data: encodeControlRecord(record), PartitionKey: partitionKeyOf(record) };
}

function partitionKeyOf(record: ControlRecord): string {
  switch (record.plantwatch) {
    case "lifecycle":
      return record.clientId;
    case "tick":
      return record.thingName;
    case "action":
      return parseAlarmId(record.alarmId)?.thingName ?? record.alarmId;
  }
}
