import { describe, expect, it } from "vitest";
import { streamMessagesOf } from "../../../functions/commons/telemetryStream.ts";
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
