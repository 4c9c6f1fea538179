import { describe, expect, it } from "vitest";
import { streamMessagesOf, streamRecordsOf } from "../../../functions/commons/telemetryStream.ts";
import { encodeControlRecord } from "../../../shared/contracts/streamRecord.ts";
import { kinesisEvent, kinesisRecord, sequenceNumber } from "../../support/kinesisEvents.ts";

describe("streamMessagesOf", () => {
  it("decodes each record's rule event, in stream order, with its sequence number", () => {
    const payload = Buffer.from(JSON.stringify({ metrics: { t: 1 } })).toString("base64");
    const data = JSON.stringify({ payload, thingName: "oven-3", receivedAt: 1_000, clientId: "oven-3" });
    const [first] = streamMessagesOf(
      kinesisEvent([kinesisRecord(data, { partitionKey: "oven-3", index: 1 })]),
    );

    expect(first?.sequenceNumber).toBe(sequenceNumber(1));
    expect(first?.message).toMatchObject({ thingName: "oven-3", receivedAt: 1_000, clientId: "oven-3" });
    expect(JSON.parse(Buffer.from(first?.message.payload ?? []).toString())).toEqual({ metrics: { t: 1 } });
  });

  it("keeps a record that is not a rule event whole, under its partition key and arrival time", () => {
    const [only] = streamMessagesOf(
      kinesisEvent([
        kinesisRecord('{"thingName":1}', { partitionKey: "press-1", index: 2, arrivedAt: 5_000 }),
      ]),
    );

    expect(only?.message).toEqual({
      thingName: "press-1",
      receivedAt: 5_000,
      payload: Buffer.from('{"thingName":1}'),
    });
  });
});

describe("streamRecordsOf", () => {
  const telemetry = JSON.stringify({ payload: "e30=", thingName: "oven-3", receivedAt: 1_000 });
  const control = (index: number, record: Parameters<typeof encodeControlRecord>[0]) =>
    kinesisRecord(encodeControlRecord(record), { partitionKey: "oven-3", index });

  it("gives the shard and every record's input in stream order: telemetry, presence, ticks, actions", () => {
    const { shardId, records } = streamRecordsOf(
      kinesisEvent([
        kinesisRecord(telemetry, { partitionKey: "oven-3", index: 1 }),
        control(2, {
          plantwatch: "lifecycle",
          clientId: "oven-3",
          eventType: "disconnected",
          timestamp: 2_000,
        }),
        control(3, { plantwatch: "tick", thingName: "oven-3", at: 3_000 }),
        control(4, {
          plantwatch: "action",
          alarmId: "oven-overheat:oven-3",
          action: "SNOOZE",
          actor: { id: "ana" },
          durationMs: 60_000,
          at: 4_000,
        }),
      ]),
    );

    expect(shardId).toBe("shardId-000000000000");
    expect(records.map(({ sequenceNumber: seq, input }) => [seq, input.kind])).toEqual([
      [sequenceNumber(1), "telemetry"],
      [sequenceNumber(2), "lifecycle"],
      [sequenceNumber(3), "tick"],
      [sequenceNumber(4), "action"],
    ]);
    expect(records[3]?.input).toEqual({
      kind: "action",
      alarmId: "oven-overheat:oven-3",
      request: { action: "SNOOZE", actor: { id: "ana" }, durationMs: 60_000 },
      at: 4_000,
    });
  });

  it("leaves the control records out of what ingest stores", () => {
    const messages = streamMessagesOf(
      kinesisEvent([
        control(1, { plantwatch: "tick", thingName: "oven-3", at: 3_000 }),
        kinesisRecord(telemetry, { partitionKey: "oven-3", index: 2 }),
      ]),
    );

    expect(messages.map(({ sequenceNumber: seq }) => seq)).toEqual([sequenceNumber(2)]);
  });
});
