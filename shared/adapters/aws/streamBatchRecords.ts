import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
} from "@aws-sdk/client-kinesis";
import { StreamBatchExpiredError, type StreamBatchPointer } from "../../domain/deadLetters/deadLetter.ts";
import type { StreamBatchRecord } from "../../domain/deadLetters/kinesisReplayEvents.ts";

/**
 * Empty answers in a row after which the reader stops: Kinesis may answer empty while records
 * follow (MillisBehindLatest > 0), but not for ever.
 */
const MAX_EMPTY_READS = 10;

/**
 * Reads the records from `startSequenceNumber` to `endSequenceNumber` (both included), in shard
 * order: GetShardIterator AT_SEQUENCE_NUMBER, then GetRecords until a record lies past the end, the
 * shard ends or the reader has caught up with it. Throws StreamBatchExpiredError when the range is
 * not entirely there (trimmed by retention), never returns part of it.
 */
export async function readStreamBatch(
  client: KinesisClient,
  batch: StreamBatchPointer,
): Promise<StreamBatchRecord[]> {
  const start = BigInt(batch.startSequenceNumber);
  const end = BigInt(batch.endSequenceNumber);
  const records: StreamBatchRecord[] = [];
  let iterator: string | undefined = await shardIterator(client, batch);
  let emptyReads = 0;
  reading: while (iterator !== undefined) {
    const answer = await client.send(
      new GetRecordsCommand({ ShardIterator: iterator, StreamARN: batch.streamArn }),
    );
    const received = answer.Records ?? [];
    for (const record of received) {
      const sequenceNumber = BigInt(record.SequenceNumber ?? "0");
      if (sequenceNumber > end) break reading;
      if (sequenceNumber >= start) records.push(toBatchRecord(record));
    }
    emptyReads = received.length === 0 ? emptyReads + 1 : 0;
    if (emptyReads > 0 && (answer.MillisBehindLatest === 0 || emptyReads >= MAX_EMPTY_READS)) break;
    iterator = answer.NextShardIterator ?? undefined;
  }
  return whole(records, batch);
}

async function shardIterator(client: KinesisClient, batch: StreamBatchPointer): Promise<string | undefined> {
  try {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamARN: batch.streamArn,
        ShardId: batch.shardId,
        ShardIteratorType: "AT_SEQUENCE_NUMBER",
        StartingSequenceNumber: batch.startSequenceNumber,
      }),
    );
    return ShardIterator;
  } catch (error) {
    const { name, message } = error as Error;
    // A trimmed start, or a closed shard deleted once its records expired.
    const trimmed = name === "InvalidArgumentException" && /trim/i.test(message);
    const shardGone = name === "ResourceNotFoundException" && /shard/i.test(message);
    if (trimmed || shardGone) throw new StreamBatchExpiredError(batch, message, { cause: error });
    throw error;
  }
}

function whole(records: StreamBatchRecord[], batch: StreamBatchPointer): StreamBatchRecord[] {
  const first = records[0]?.sequenceNumber;
  const last = records.at(-1)?.sequenceNumber;
  if (first === undefined) throw new StreamBatchExpiredError(batch, "GetRecords returned none in the range");
  if (first !== batch.startSequenceNumber) {
    throw new StreamBatchExpiredError(
      batch,
      `the first record left is ${first}, after ${batch.startSequenceNumber} (trimmed)`,
    );
  }
  if (last !== batch.endSequenceNumber) {
    throw new StreamBatchExpiredError(
      batch,
      `the shard holds records up to ${last} only, not ${batch.endSequenceNumber}`,
    );
  }
  return records;
}

function toBatchRecord(record: _Record): StreamBatchRecord {
  return {
    sequenceNumber: record.SequenceNumber ?? "",
    partitionKey: record.PartitionKey ?? "",
    data: record.Data ?? new Uint8Array(),
    approximateArrivalTimestamp: record.ApproximateArrivalTimestamp?.getTime() ?? 0,
  };
}
