import { describe, expect, it } from "vitest";
import { streamMessagesOf } from "../../../functions/commons/telemetryStream.ts";
import { evaluateByThing } from "../../../functions/evaluate/evaluateByThing.ts";
import type { AlarmEngine, EngineReport } from "../../../shared/domain/alarms/alarmEngine.ts";
import type { ReceivedMessage } from "../../../shared/domain/ingest/types.ts";
import { ConcurrentUpdateError } from "../../../shared/errors.ts";
import { kinesisEvent, kinesisRecord, sequenceNumber } from "../../support/kinesisEvents.ts";

const EMPTY: EngineReport = {
  things: 1,
  transitions: 1,
  reminders: 0,
  late: 0,
  duplicates: 0,
  conflicts: 2,
  eventsDeferred: 0,
  publishRetries: 0,
  deliveryErrors: [],
};

function record(index: number, thingName: string, receivedAt: number) {
  const payload = Buffer.from(JSON.stringify({ metrics: { t: index } })).toString("base64");
  return kinesisRecord(JSON.stringify({ payload, thingName, receivedAt, clientId: thingName }), {
    partitionKey: thingName,
    index,
  });
}

/** Records each call's messages; every update of `failing` loses its conditional write race. */
function engineFailing(failing: string) {
  const calls: ReceivedMessage[][] = [];
  const engine = {
    evaluateTelemetry: async (messages: readonly ReceivedMessage[]) => {
      calls.push([...messages]);
      if (messages[0]?.thingName === failing) throw new ConcurrentUpdateError(failing, 8);
      return EMPTY;
    },
  } as unknown as AlarmEngine;
  return { engine, calls };
}

describe("streamMessagesOf", () => {
  it("decodes each record's rule event, in stream order, with its sequence number", () => {
    const [first] = streamMessagesOf(kinesisEvent([record(1, "oven-3", 1_000)]));

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

describe("evaluateByThing", () => {
  it("evaluates each thing's records together, in stream order", async () => {
    const { engine, calls } = engineFailing("none");
    const batch = streamMessagesOf(
      kinesisEvent([record(1, "a", 1), record(2, "b", 2), record(3, "a", 3), record(4, "b", 4)]),
    );

    const outcome = await evaluateByThing(engine, batch, { deadline: Number.MAX_SAFE_INTEGER });

    expect(calls.map((messages) => messages.map((message) => message.receivedAt))).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(outcome.failed).toEqual([]);
    expect(outcome.report).toMatchObject({ things: 2, transitions: 2, conflicts: 4 });
  });

  it("names only the earliest record of a thing whose update keeps conflicting", async () => {
    const { engine } = engineFailing("b");
    const batch = streamMessagesOf(
      kinesisEvent([record(1, "a", 1), record(2, "b", 2), record(3, "a", 3), record(4, "b", 4)]),
    );

    const outcome = await evaluateByThing(engine, batch, { deadline: Number.MAX_SAFE_INTEGER });

    expect(outcome.failed.map((item) => item.sequenceNumber)).toEqual([sequenceNumber(2)]);
    expect(outcome.errors).toEqual([{ thingName: "b", error: expect.any(ConcurrentUpdateError) }]);
    expect(outcome.report.things).toBe(1);
  });
});
