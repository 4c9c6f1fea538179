import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  KinesisStreamControl,
  StreamControlUnavailableError,
} from "../../../../shared/adapters/aws/kinesisStreamControl.ts";
import { type ControlRecord, decodeControlRecord } from "../../../../shared/contracts/streamRecord.ts";
import {
  FAKE_SHARD,
  type FakeKinesis,
  localKinesisClient,
  startFakeKinesis,
} from "../../../support/fakeKinesis.ts";
import { manualClock } from "../../../support/testClock.ts";

const T0 = Date.parse("2026-12-06T06:00:00.000Z");
const TICK: ControlRecord = { plantwatch: "tick", thingName: "oven-3", at: T0 };
const ACTION: ControlRecord = {
  plantwatch: "action",
  alarmId: "oven-overheat:oven-4",
  action: "ACKNOWLEDGE",
  actor: { id: "arn:aws:iam::123456789012:user/ana" },
  at: T0,
};

describe("KinesisStreamControl", () => {
  let kinesis: FakeKinesis;
  const clock = manualClock(T0);
  const control = () =>
    new KinesisStreamControl({
      streamArn: kinesis.streamArn,
      client: localKinesisClient(kinesis.endpoint),
      backoff: { baseDelayMs: 50, maxDelayMs: 1_000, random: () => 1, ...clock },
    });

  beforeEach(async () => {
    kinesis = await startFakeKinesis();
  });
  afterEach(async () => {
    await kinesis.stop();
  });

  it("puts each record under its thing's name and says where it landed", async () => {
    const positions = await control().put([TICK, ACTION], { deadline: T0 + 10_000 });

    expect(positions.map(({ shardId }) => shardId)).toEqual([FAKE_SHARD, FAKE_SHARD]);
    const stored = kinesis.recordsOf(FAKE_SHARD);
    expect(stored.map(({ partitionKey }) => partitionKey)).toEqual(["oven-3", "oven-4"]);
    expect(stored.map(({ data }) => decodeControlRecord(data))).toEqual([TICK, ACTION]);
  });

  it("puts again the entries a shard throttled, keeping the order of the others", async () => {
    kinesis.throttleEntries(1);

    const positions = await control().put([TICK, ACTION], { deadline: T0 + 10_000 });

    expect(kinesis.requests.filter(({ operation }) => operation === "PutRecords")).toHaveLength(2);
    expect(kinesis.recordsOf(FAKE_SHARD).map(({ partitionKey }) => partitionKey)).toEqual([
      "oven-4",
      "oven-3",
    ]);
    expect(positions[0]?.sequenceNumber).not.toBe(positions[1]?.sequenceNumber);
  });

  it("throws, naming what is left, when the stream keeps throttling past the deadline", async () => {
    kinesis.throttleEntries(1_000);

    await expect(control().put([TICK], { deadline: T0 + 2_000 })).rejects.toBeInstanceOf(
      StreamControlUnavailableError,
    );
  });
});
