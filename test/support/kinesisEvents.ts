import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";

const STREAM_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/plantwatch-dev-TelemetryStream";
const SHARD = "shardId-000000000000";

/** A Kinesis sequence number as Lambda passes it: a decimal string of 56 digits, increasing. */
export function sequenceNumber(index: number): string {
  return `4964${String(index).padStart(52, "0")}`;
}

/** One record as a Kinesis event source mapping delivers it; `data` is what the producer put. */
export function kinesisRecord(
  data: string | Uint8Array,
  options: { readonly partitionKey: string; readonly index: number; readonly arrivedAt?: number },
): KinesisStreamRecord {
  const seq = sequenceNumber(options.index);
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: options.partitionKey,
      sequenceNumber: seq,
      data: Buffer.from(data).toString("base64"),
      approximateArrivalTimestamp: (options.arrivedAt ?? Date.now()) / 1000,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${SHARD}:${seq}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: "arn:aws:iam::123456789012:role/plantwatch-dev-IngestFunctionRole",
    awsRegion: "eu-west-1",
    eventSourceARN: STREAM_ARN,
  };
}

/** A batch of the telemetry stream: what the rule put for each message, in order, one shard. */
export function kinesisEvent(records: readonly KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: [...records] };
}
