import type { KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { decodeTelemetryRecord } from "../../shared/contracts/streamRecord.ts";
import type { ReceivedMessage } from "../../shared/domain/ingest/types.ts";
import { toReceivedMessage } from "../ingest/toReceivedMessage.ts";

/** One stream record as the domain sees it, with the sequence number Lambda checkpoints by. */
export interface StreamMessage {
  readonly sequenceNumber: string;
  readonly message: ReceivedMessage;
}

/** A batch of the telemetry stream, as a Kinesis event source mapping delivers it. */
export function isKinesisStreamEvent(event: unknown): event is KinesisStreamEvent {
  const records = (event as Partial<KinesisStreamEvent> | null)?.Records;
  return Array.isArray(records) && records.every((record) => record?.eventSource === "aws:kinesis");
}

/**
 * The batch's records in stream order, each decoded to the message the telemetry rule received.
 * A record whose data is not a rule event still becomes a message (its data as the payload, its
 * partition key as the thing, its arrival as the receive time), which the domain quarantines with
 * the data kept: never a batch failure, nothing lost.
 */
export function streamMessagesOf(event: KinesisStreamEvent): StreamMessage[] {
  return event.Records.map(({ kinesis }) => {
    const data = Buffer.from(kinesis.data, "base64");
    const ruleEvent = decodeTelemetryRecord(data);
    const message: ReceivedMessage = ruleEvent
      ? toReceivedMessage(ruleEvent)
      : {
          thingName: kinesis.partitionKey,
          receivedAt: Math.round(kinesis.approximateArrivalTimestamp * 1000),
          payload: data,
        };
    return { sequenceNumber: kinesis.sequenceNumber, message };
  });
}

/**
 * The partial-batch response naming `failed` (in stream order). Lambda resumes each shard from the
 * lowest sequence number named and delivers every record after it again, so what matters is that
 * the earliest failed record is named; work already done after it is redone idempotently.
 */
export function batchItemFailures(failed: readonly StreamMessage[]): KinesisStreamBatchResponse {
  return { batchItemFailures: failed.map(({ sequenceNumber }) => ({ itemIdentifier: sequenceNumber })) };
}
