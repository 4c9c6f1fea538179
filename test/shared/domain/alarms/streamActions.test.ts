import { describe, expect, it } from "vitest";
import { streamRecordsOf } from "../../../../functions/commons/telemetryStream.ts";
import { type ControlRecord, encodeControlRecord } from "../../../../shared/contracts/streamRecord.ts";
import { alarmEventKey } from "../../../../shared/domain/alarms/alarmEvent.ts";
import { ActionPendingError, StreamOperatorActions } from "../../../../shared/domain/alarms/streamActions.ts";
import { StreamAlarmConsumer, type StreamRecord } from "../../../../shared/domain/alarms/streamConsumer.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../../../shared/domain/ingest/types.ts";
import { ActionNotAllowedError } from "../../../../shared/errors.ts";
import type { StreamControl } from "../../../../shared/ports/streamControl.ts";
import { thresholdRule } from "../../../support/alarmRules.ts";
import {
  InMemoryAlarmStore,
  InMemoryDeviceRegistry,
  RecordingPublisher,
} from "../../../support/inMemoryPorts.ts";
import { kinesisEvent, kinesisRecord } from "../../../support/kinesisEvents.ts";
import { manualClock } from "../../../support/testClock.ts";

const T0 = Date.parse("2026-12-06T06:00:00.000Z");
const SHARD = "shardId-000000000000";
const ALARM = "oven-overheat:oven-1";
const RULES = { current: async () => ({ version: "1", rules: [thresholdRule()] }) };
const DEVICES = [{ thingName: "oven-1", site: "plant-1" }];

/**
 * A stream of one shard: what is put is appended, and the consumer reads what was put when the
 * test says (`deliver`), or at once after each put when `autoDeliver`.
 */
function setup() {
  const store = new InMemoryAlarmStore();
  const publisher = new RecordingPublisher();
  const clock = manualClock(T0);
  const consumer = new StreamAlarmConsumer({
    store,
    publisher,
    checkpoints: {
      latestTag: async () => undefined,
      load: async () => undefined,
      save: async () => ({ tag: "t" }),
    },
    rules: RULES,
    registry: new InMemoryDeviceRegistry(DEVICES),
    limits: { ...DEFAULT_TELEMETRY_LIMITS, maxSampleAgeMs: Number.MAX_SAFE_INTEGER },
  });
  let index = 0;
  let pending: ReturnType<typeof kinesisRecord>[] = [];
  const appended = (data: Uint8Array | string, partitionKey: string) => {
    const record = kinesisRecord(data, { partitionKey, index: ++index, arrivedAt: clock.now() });
    pending.push(record);
    return { shardId: SHARD, sequenceNumber: record.kinesis.sequenceNumber };
  };
  const deliver = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const { records } = streamRecordsOf(kinesisEvent(batch));
    await consumer.batch(SHARD, records as StreamRecord[], { deadline: Number.MAX_SAFE_INTEGER });
  };
  let autoDeliver = true;
  const stream: StreamControl = {
    put: async (records: readonly ControlRecord[]) => {
      const positions = records.map((record) => appended(encodeControlRecord(record), "oven-1"));
      if (autoDeliver) setImmediate(() => void deliver());
      return positions;
    },
  };
  const telemetry = (seconds: number, temperature: number) => {
    const payload = Buffer.from(
      JSON.stringify({ ts: T0 + seconds * 1000, metrics: { temperature } }),
    ).toString("base64");
    appended(JSON.stringify({ payload, thingName: "oven-1", receivedAt: T0 + seconds * 1000 }), "oven-1");
  };
  const actions = new StreamOperatorActions({
    store,
    stream,
    rules: RULES,
    registry: new InMemoryDeviceRegistry(DEVICES),
    clock,
    sleep: async (ms) => {
      clock.advance(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  return {
    store,
    publisher,
    clock,
    actions,
    telemetry,
    deliver,
    stopDelivering: () => {
      autoDeliver = false;
    },
  };
}

describe("StreamOperatorActions", () => {
  it("puts the action on the stream and answers with the transition the consumer published", async () => {
    const { publisher, clock, actions, telemetry, deliver } = setup();
    telemetry(1, 262);
    await deliver();
    clock.set(T0 + 5_000);

    const update = await actions.act(
      ALARM,
      { action: "ACKNOWLEDGE", actor: { id: "ana" } },
      { deadline: T0 + 10_000 },
    );

    expect(update.events.map((event) => `${event.state.previous}→${event.state.value}`)).toEqual([
      "ACTIVE→ACKNOWLEDGED",
    ]);
    expect(publisher.published.map(alarmEventKey)).toEqual([
      alarmEventKey(publisher.published[0] as never),
      alarmEventKey(update.events[0] as never),
    ]);
  });

  it("refuses an action the stored state does not allow before putting anything", async () => {
    const { actions } = setup();

    await expect(
      actions.act(ALARM, { action: "ACKNOWLEDGE", actor: { id: "ana" } }, { deadline: T0 + 10_000 }),
    ).rejects.toBeInstanceOf(ActionNotAllowedError);
  });

  it("evaluates again when the alarm moved between its read and the consumer's: here the alarm cleared first", async () => {
    const { publisher, clock, actions, telemetry, deliver } = setup();
    telemetry(1, 262);
    await deliver();
    clock.set(T0 + 5_000);
    // A message that clears the alarm is on the stream ahead of the action, not yet read.
    telemetry(4, 200);

    await expect(
      actions.act(ALARM, { action: "ACKNOWLEDGE", actor: { id: "ana" } }, { deadline: T0 + 10_000 }),
    ).rejects.toBeInstanceOf(ActionNotAllowedError);
    expect(publisher.published.map((event) => `${event.state.previous}→${event.state.value}`)).toEqual([
      "NORMAL→ACTIVE",
      "ACTIVE→NORMAL",
    ]);
  });

  it("says the action is pending when the consumer has not read it by the deadline", async () => {
    const { clock, actions, telemetry, deliver, stopDelivering } = setup();
    telemetry(1, 262);
    await deliver();
    stopDelivering();
    clock.set(T0 + 5_000);

    await expect(
      actions.act(ALARM, { action: "ACKNOWLEDGE", actor: { id: "ana" } }, { deadline: T0 + 6_000 }),
    ).rejects.toBeInstanceOf(ActionPendingError);
  });
});
