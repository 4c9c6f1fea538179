import { describe, expect, it } from "vitest";
import {
  kinesisReplayEvents,
  payloadBytes,
  type StreamBatchRecord,
} from "../../../../shared/domain/deadLetters/kinesisReplayEvents.ts";
import { kinesisRecord, sequenceNumber } from "../../../support/kinesisEvents.ts";
import { INGEST_ARN, STREAM_ARN } from "./fixtures.ts";

const BATCH = {
  streamArn: STREAM_ARN,
  shardId: "shardId-000000000000",
  startSequenceNumber: sequenceNumber(1),
  endSequenceNumber: sequenceNumber(3),
  batchSize: 3,
};
const ARRIVED = 1_764_072_190_500;

function records(count: number, dataBytes = 100): StreamBatchRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    sequenceNumber: sequenceNumber(index + 1),
    partitionKey: `oven-${index}`,
    data: Buffer.alloc(dataBytes, index),
    approximateArrivalTimestamp: ARRIVED,
  }));
}

describe("kinesisReplayEvents", () => {
  it("builds one event as the event source mapping delivers it, records in order", () => {
    const [event, ...rest] = kinesisReplayEvents(records(2), { functionArn: INGEST_ARN, batch: BATCH });

    expect(rest).toEqual([]);
    const expected = records(2).map((record, index) => ({
      ...kinesisRecord(record.data, { partitionKey: `oven-${index}`, index: index + 1, arrivedAt: ARRIVED }),
      invokeIdentityArn: INGEST_ARN,
    }));
    expect(event).toEqual({ Records: expected });
    expect(event?.Records[0]?.kinesis.approximateArrivalTimestamp).toBe(1_764_072_190.5);
  });

  it("splits into as few events as fit the limit, each within it, none reordered", () => {
    const limit = 4_000;

    const events = kinesisReplayEvents(records(20, 500), { functionArn: INGEST_ARN, batch: BATCH }, limit);

    expect(events.length).toBeGreaterThan(1);
    for (const event of events) expect(payloadBytes(event)).toBeLessThanOrEqual(limit);
    const sequence = events.flatMap((event) => event.Records.map((record) => record.kinesis.sequenceNumber));
    expect(sequence).toEqual(records(20).map((record) => record.sequenceNumber));
    // As few as fit: no two neighbours could have shared one event.
    for (const [index, event] of events.slice(1).entries()) {
      const merged = { Records: [...(events[index]?.Records ?? []), ...(event.Records.slice(0, 1) ?? [])] };
      expect(payloadBytes(merged)).toBeGreaterThan(limit);
    }
  });

  it("gives a record too large for the limit an event of its own, for the caller to refuse", () => {
    const events = kinesisReplayEvents(records(3, 5_000), { functionArn: INGEST_ARN, batch: BATCH }, 4_000);

    expect(events.map((event) => event.Records.length)).toEqual([1, 1, 1]);
    expect(payloadBytes(events[0] as (typeof events)[number])).toBeGreaterThan(4_000);
  });
});
