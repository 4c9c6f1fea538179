import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import type { StreamBatchPointer } from "./deadLetter.ts";

/** A record of a discarded batch, read back from the stream. */
export interface StreamBatchRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  /** Epoch ms, as the SDK parsed Kinesis's epoch seconds. */
  readonly approximateArrivalTimestamp: number;
}

/** Lambda's limit on an asynchronous invocation's payload (the smallest one it has had: 256 KB). */
export const ASYNC_PAYLOAD_LIMIT_BYTES = 262_144;

const ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify({ Records: [] }));

/**
 * The Kinesis events a Kinesis event source mapping would have delivered for `records`: as few as
 * fit, each at most `limit` bytes of JSON, the records in shard order. A record too large to fit
 * alone gets an event of its own, which the caller refuses to send.
 */
export function kinesisReplayEvents(
  records: readonly StreamBatchRecord[],
  source: { readonly functionArn: string; readonly batch: StreamBatchPointer },
  limit = ASYNC_PAYLOAD_LIMIT_BYTES,
): KinesisStreamEvent[] {
  const events: KinesisStreamEvent[] = [];
  let current: KinesisStreamRecord[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const record of records) {
    const entry = kinesisRecordOf(record, source);
    const size = Buffer.byteLength(JSON.stringify(entry));
    // After the first record, each one adds a comma.
    if (current.length > 0 && bytes + 1 + size > limit) {
      events.push({ Records: current });
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    bytes += (current.length === 0 ? 0 : 1) + size;
    current.push(entry);
  }
  if (current.length > 0) events.push({ Records: current });
  return events;
}

/** Its JSON size in bytes, as Invoke receives it. */
export function payloadBytes(event: KinesisStreamEvent): number {
  return Buffer.byteLength(JSON.stringify(event));
}

function kinesisRecordOf(
  record: StreamBatchRecord,
  source: { readonly functionArn: string; readonly batch: StreamBatchPointer },
): KinesisStreamRecord {
  const { streamArn, shardId } = source.batch;
  return {
    eventSource: "aws:kinesis",
    eventSourceARN: streamArn,
    eventID: `${shardId}:${record.sequenceNumber}`,
    eventName: "aws:kinesis:record",
    eventVersion: "1.0",
    // The mapping's execution role is not in the dead letter, and the handlers do not read it: the
    // replayed event names the function it was for.
    invokeIdentityArn: source.functionArn,
    awsRegion: streamArn.split(":")[3] ?? "",
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: record.partitionKey,
      sequenceNumber: record.sequenceNumber,
      data: Buffer.from(record.data).toString("base64"),
      approximateArrivalTimestamp: record.approximateArrivalTimestamp / 1000,
    },
  };
}
