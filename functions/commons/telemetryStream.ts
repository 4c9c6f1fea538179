import type { KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import {
  type ControlRecord,
  decodeControlRecord,
  decodeTelemetryRecord,
} from "../../shared/contracts/streamRecord.ts";
import type { StreamInput, StreamRecord } from "../../shared/domain/alarms/streamConsumer.ts";
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
  return event.Records.flatMap(({ kinesis }) => {
    const data = Buffer.from(kinesis.data, "base64");
    // The alarm engine's control records (presence, ticks, actions) are not telemetry: not ingest's.
    if (decodeControlRecord(data)) return [];
    const ruleEvent = decodeTelemetryRecord(data);
    const message: ReceivedMessage = ruleEvent
      ? toReceivedMessage(ruleEvent)
      : {
          thingName: kinesis.partitionKey,
          receivedAt: Math.round(kinesis.approximateArrivalTimestamp * 1000),
          payload: data,
        };
    return [{ sequenceNumber: kinesis.sequenceNumber, message }];
  });
}

/**
 * The batch as the stream alarm consumer takes it: the shard it comes from (Lambda delivers one
 * shard's records per batch; the event id is `{shardId}:{sequenceNumber}`) and each record's input.
 */
export function streamRecordsOf(event: KinesisStreamEvent): { shardId: string; records: StreamRecord[] } {
  const shardIds = new Set(event.Records.map(({ eventID }) => eventID.slice(0, eventID.lastIndexOf(":"))));
  if (shardIds.size !== 1)
    throw new Error(`a stream batch holds records of ${shardIds.size} shards; expected one`);
  const telemetry = new Map(
    streamMessagesOf(event).map((message) => [message.sequenceNumber, message.message]),
  );
  const records = event.Records.map(({ kinesis }): StreamRecord => {
    const message = telemetry.get(kinesis.sequenceNumber);
    const input: StreamInput = message
      ? { kind: "telemetry", message }
      : streamInputOf(decodeControlRecord(Buffer.from(kinesis.data, "base64")) as ControlRecord);
    return { sequenceNumber: kinesis.sequenceNumber, input };
  });
  return { shardId: [...shardIds][0] as string, records };
}

/** What a control record asks of the alarm engine (the local stream puts records in process, as decoded). */
export function streamInputOf(record: ControlRecord): StreamInput {
  switch (record.plantwatch) {
    case "lifecycle":
      return {
        kind: "lifecycle",
        event: { clientId: record.clientId, timestamp: record.timestamp, eventType: record.eventType },
      };
    case "tick":
      return { kind: "tick", thingName: record.thingName, at: record.at };
    case "action": {
      const { actor, action, durationMs, expected } = record;
      const request = { action, actor, ...(durationMs === undefined ? {} : { durationMs }) };
      return {
        kind: "action",
        alarmId: record.alarmId,
        request,
        at: record.at,
        ...(expected === undefined ? {} : { expected }),
      };
    }
  }
}

/**
 * The partial-batch response naming `failed` (in stream order). Lambda resumes each shard from the
 * lowest sequence number named and delivers every record after it again, so what matters is that
 * the earliest failed record is named; work already done after it is redone idempotently.
 */
export function batchItemFailures(
  failed: readonly { readonly sequenceNumber: string }[],
): KinesisStreamBatchResponse {
  return { batchItemFailures: failed.map(({ sequenceNumber }) => ({ itemIdentifier: sequenceNumber })) };
}
