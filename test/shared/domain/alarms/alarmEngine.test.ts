import { beforeEach, describe, expect, it } from "vitest";
import { AlarmEngine } from "../../../../shared/domain/alarms/alarmEngine.ts";
import { alarmEventKey, isReminder } from "../../../../shared/domain/alarms/alarmEvent.ts";
import type { AlarmRule } from "../../../../shared/domain/alarms/rule.ts";
import { DEFAULT_TELEMETRY_LIMITS, type ReceivedMessage } from "../../../../shared/domain/ingest/types.ts";
import {
  ActionNotAllowedError,
  AlarmNotFoundError,
  ConcurrentUpdateError,
} from "../../../../shared/errors.ts";
import { offlineRule, thresholdRule } from "../../../support/alarmRules.ts";
import {
  InMemoryAlarmStore,
  InMemoryDeviceRegistry,
  RecordingPublisher,
} from "../../../support/inMemoryPorts.ts";
import { type ManualClock, manualClock } from "../../../support/testClock.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const actor = { id: "arn:aws:iam::123456789012:user/ana", note: "checking burner" };

function message(thingName: string, seconds: number, metrics: Record<string, number>): ReceivedMessage {
  const payload = JSON.stringify({ ts: T0 + seconds * 1000, metrics });
  return { thingName, receivedAt: T0 + seconds * 1000, payload: new TextEncoder().encode(payload) };
}

describe("AlarmEngine", () => {
  let store: InMemoryAlarmStore;
  let publisher: RecordingPublisher;
  let clock: ManualClock;
  let rules: AlarmRule[];
  let engine: AlarmEngine;
  const deadline = { deadline: Number.MAX_SAFE_INTEGER };

  beforeEach(() => {
    store = new InMemoryAlarmStore();
    publisher = new RecordingPublisher();
    clock = manualClock(T0);
    rules = [thresholdRule({ match: { things: ["oven-*"] } }), offlineRule({ match: { site: "plant-1" } })];
    engine = new AlarmEngine({
      store,
      publisher,
      rules: { current: async () => ({ version: "1", rules }) },
      registry: new InMemoryDeviceRegistry([{ thingName: "oven-3", site: "plant-1", line: "line-2" }]),
      clock,
      limits: { ...DEFAULT_TELEMETRY_LIMITS, maxSampleAgeMs: Number.MAX_SAFE_INTEGER },
    });
  });

  it("publishes one C5 event per transition, with the device's site and line", async () => {
    const report = await engine.evaluateTelemetry([message("oven-3", 1, { temperature: 262.4 })], deadline);

    expect(report).toMatchObject({ things: 1, transitions: 1, eventsDeferred: 0 });
    expect(publisher.published).toEqual([
      {
        version: "1",
        alarmId: "oven-overheat:oven-3",
        rule: {
          id: "oven-overheat",
          name: "Oven temperature too high",
          severity: "critical",
          kind: "threshold",
        },
        device: { thingName: "oven-3", site: "plant-1", line: "line-2" },
        state: {
          value: "ACTIVE",
          previous: "NORMAL",
          reason: "temperature 262.4 > 250",
          timestamp: "2026-11-25T12:00:01.000Z",
        },
        trigger: { metric: "temperature", value: 262.4, sampleTime: "2026-11-25T12:00:01.000Z" },
      },
    ]);
  });

  it("writes the transition to the history and leaves both outboxes empty after delivery", async () => {
    await engine.evaluateTelemetry([message("oven-3", 1, { temperature: 262.4 })], deadline);

    expect([...store.history.values()].map(({ entry }) => [entry.kind, entry.alarmId])).toEqual([
      ["transition", "oven-overheat:oven-3"],
    ]);
    expect(store.docs.get("oven-3")).toMatchObject({ outbox: {}, historyOutbox: {} });
  });

  it("never publishes twice for a redelivered message", async () => {
    const hot = message("oven-3", 1, { temperature: 262.4 });

    await engine.evaluateTelemetry([hot], deadline);
    const again = await engine.evaluateTelemetry([hot], deadline);

    expect(again).toMatchObject({ transitions: 0, duplicates: 1 });
    expect(publisher.published).toHaveLength(1);
  });

  it("records a late sample in the history without a transition", async () => {
    await engine.evaluateTelemetry([message("oven-3", 10, { temperature: 200 })], deadline);
    const report = await engine.evaluateTelemetry([message("oven-3", 5, { temperature: 300 })], deadline);

    expect(report).toMatchObject({ transitions: 0, late: 1 });
    expect([...store.history.values()].map(({ entry }) => entry.kind)).toEqual(["late"]);
    expect(publisher.published).toEqual([]);
  });

  it("ignores things no rule matches, writing nothing", async () => {
    const report = await engine.evaluateTelemetry([message("press-9", 1, { temperature: 900 })], deadline);

    expect(report.things).toBe(0);
    expect(store.docs.size).toBe(0);
  });

  it("keeps an event the bus refused in the outbox, and the sweep sends it once it is stale", async () => {
    publisher.refuse = () => ({ resendable: true });
    const report = await engine.evaluateTelemetry([message("oven-3", 1, { temperature: 262.4 })], deadline);
    expect(report.eventsDeferred).toBe(1);
    expect(Object.keys(store.docs.get("oven-3")?.outbox ?? {})).toHaveLength(1);

    publisher.refuse = () => false;
    clock.set(T0 + 30_000);
    await engine.sweep(store.scan(), { ...deadline, staleAfterMs: 60_000 });
    expect(publisher.published).toEqual([]);

    clock.set(T0 + 120_000);
    await engine.sweep(store.scan(), { ...deadline, staleAfterMs: 60_000 });
    expect(publisher.published.map(alarmEventKey)).toEqual([
      "oven-overheat:oven-3|ACTIVE|2026-11-25T12:00:01.000Z",
    ]);
    expect(store.docs.get("oven-3")?.outbox).toEqual({});
  });

  it("drops an event the bus can never take from the outbox, reporting it", async () => {
    publisher.refuse = () => ({ resendable: false });

    const report = await engine.evaluateTelemetry([message("oven-3", 1, { temperature: 262.4 })], deadline);

    expect(report.deliveryErrors).toHaveLength(1);
    expect(store.docs.get("oven-3")?.outbox).toEqual({});
  });

  it("acknowledges an alarm for an operator, publishing the actor", async () => {
    await engine.evaluateTelemetry([message("oven-3", 1, { temperature: 262.4 })], deadline);
    clock.set(T0 + 5_000);

    await engine.act("oven-overheat:oven-3", { action: "ACKNOWLEDGE", actor }, deadline);

    expect(publisher.published[1]).toMatchObject({
      state: { value: "ACKNOWLEDGED", previous: "ACTIVE", reason: `acknowledged by ${actor.id}` },
      actor,
    });
    expect(publisher.published[1]).not.toHaveProperty("trigger");
  });

  it("records an action that changes no state in the history, without an event", async () => {
    await engine.act("oven-overheat:oven-3", { action: "SNOOZE", actor, durationMs: 60_000 }, deadline);
    await engine.act("oven-overheat:oven-3", { action: "SNOOZE", actor, durationMs: 120_000 }, deadline);

    expect(publisher.published.map((event) => event.state.value)).toEqual(["SNOOZED"]);
    expect([...store.history.values()].map(({ entry }) => entry.kind).sort()).toEqual([
      "action",
      "transition",
    ]);
  });

  it("refuses actions on unknown alarms and actions the state does not allow", async () => {
    await expect(engine.act("nope:oven-3", { action: "ACKNOWLEDGE", actor }, deadline)).rejects.toThrow(
      AlarmNotFoundError,
    );
    await expect(
      engine.act("oven-overheat:press-9", { action: "ACKNOWLEDGE", actor }, deadline),
    ).rejects.toThrow(AlarmNotFoundError);
    await expect(engine.act("oven-overheat", { action: "ACKNOWLEDGE", actor }, deadline)).rejects.toThrow(
      AlarmNotFoundError,
    );
    await expect(
      engine.act("oven-overheat:oven-3", { action: "ACKNOWLEDGE", actor }, deadline),
    ).rejects.toThrow(ActionNotAllowedError);
  });

  it("raises an offline alarm from lifecycle events and the sweep, and clears it on reconnect", async () => {
    await engine.evaluateTelemetry([message("oven-3", 0, { temperature: 20 })], deadline);
    await engine.recordConnectivity(
      { clientId: "oven-3", eventType: "disconnected", timestamp: T0 + 10_000 },
      deadline,
    );
    clock.set(T0 + 45_000);
    await engine.sweep(store.scan(), { ...deadline, staleAfterMs: 60_000 });
    clock.set(T0 + 50_000);
    await engine.recordConnectivity(
      { clientId: "oven-3", eventType: "connected", timestamp: T0 + 49_000 },
      deadline,
    );

    expect(
      publisher.published.map((event) => [
        event.alarmId,
        event.state.previous,
        event.state.value,
        event.state.reason,
      ]),
    ).toEqual([
      ["offline:oven-3", "NORMAL", "ACTIVE", "disconnected for 35s"],
      ["offline:oven-3", "ACTIVE", "NORMAL", "online again"],
    ]);
  });

  it("raises no offline alarm for the old messages of a batch processed late (stream mode)", async () => {
    rules = [offlineRule({ afterMs: 5 * 60_000 })];
    // Twenty minutes of messages every 10 s, all processed at once, twenty minutes later.
    clock.set(T0 + 20 * 60_000);
    const batch = Array.from({ length: 120 }, (_, index) =>
      message("oven-3", index * 10, { temperature: 200 }),
    );

    const report = await engine.evaluateTelemetry(batch, deadline);

    expect(report.transitions).toBe(0);
    expect(publisher.published).toEqual([]);
  });

  it("sends repeat reminders and one escalation from the sweep, recorded in the history", async () => {
    rules = [
      thresholdRule({
        severity: "major",
        notify: { repeatMs: 10 * 60_000, escalate: { afterMs: 25 * 60_000, severity: "critical" } },
      }),
    ];
    await engine.evaluateTelemetry([message("oven-3", 0, { temperature: 262.4 })], deadline);
    const sweepAt = async (minutes: number) => {
      clock.set(T0 + minutes * 60_000);
      return (await engine.sweep(store.scan(), { ...deadline, staleAfterMs: 60_000 })).report;
    };

    const quiet = await sweepAt(9);
    const first = await sweepAt(10);
    const again = await sweepAt(15);
    await sweepAt(20);
    await sweepAt(25);
    await sweepAt(35);

    expect(quiet.reminders).toBe(0);
    expect(first).toMatchObject({ reminders: 1, transitions: 0 });
    expect(again.reminders).toBe(0);
    const reminders = publisher.published.filter(isReminder);
    expect(
      reminders.map((detail) => [
        detail.reminder.kind,
        detail.reminder.number,
        detail.rule.severity,
        detail.state.timestamp,
        detail.state.reason,
      ]),
    ).toEqual([
      ["repeat", 1, "major", iso(10), "unacknowledged for 10m"],
      ["repeat", 2, "major", iso(20), "unacknowledged for 20m"],
      ["escalate", 3, "critical", iso(25), "unacknowledged for 25m"],
      ["repeat", 4, "critical", iso(35), "unacknowledged for 35m"],
    ]);
    expect(reminders[2]?.reminder).toMatchObject({ escalatedFrom: "major", activeSince: iso(0) });
    const history = [...store.history.values()].map(({ entry }) => entry);
    expect(history.filter((entry) => entry.kind === "reminder").map((entry) => entry.at)).toEqual(
      [10, 20, 25, 35].map((minutes) => T0 + minutes * 60_000),
    );
    // Reminders are not transitions: C5 consumers see exactly one event.
    expect(publisher.published.filter((detail) => !isReminder(detail))).toHaveLength(1);
  });

  it("stops reminding once the alarm is acknowledged, and starts afresh on the next activation", async () => {
    rules = [thresholdRule({ notify: { repeatMs: 10 * 60_000 } })];
    await engine.evaluateTelemetry([message("oven-3", 0, { temperature: 262.4 })], deadline);
    clock.set(T0 + 10 * 60_000);
    await engine.sweep(store.scan(), { ...deadline, staleAfterMs: 60_000 });
    await engine.act("oven-overheat:oven-3", { action: "ACKNOWLEDGE", actor: { id: "ana" } }, deadline);
    clock.set(T0 + 30 * 60_000);
    await engine.sweep(store.scan(), { ...deadline, staleAfterMs: 60_000 });
    expect(publisher.published.filter(isReminder)).toHaveLength(1);

    await engine.evaluateTelemetry([message("oven-3", 31 * 60, { temperature: 200 })], deadline);
    await engine.evaluateTelemetry([message("oven-3", 32 * 60, { temperature: 262.4 })], deadline);
    clock.set(T0 + 42 * 60_000);
    await engine.sweep(store.scan(), { ...deadline, staleAfterMs: 60_000 });

    const reminders = publisher.published.filter(isReminder);
    expect(reminders.map((detail) => detail.reminder.number)).toEqual([1, 1]);
  });

  it("sweeps the other things when one thing's update fails, and returns that failure", async () => {
    rules = [thresholdRule({ match: { things: ["oven-*"] }, notify: { repeatMs: 10 * 60_000 } })];
    await engine.evaluateTelemetry(
      [message("oven-3", 0, { temperature: 262.4 }), message("oven-4", 0, { temperature: 262.4 })],
      deadline,
    );
    const commit = store.commit.bind(store);
    const throttled = new Error("throttled");
    store.commit = async (next, expected) => {
      if (next.thingName === "oven-4") throw throttled;
      return commit(next, expected);
    };
    clock.set(T0 + 10 * 60_000);

    const { report, failures } = await engine.sweep(store.scan(), { ...deadline, staleAfterMs: 60_000 });

    expect(report).toMatchObject({ things: 1, reminders: 1 });
    expect(failures).toEqual([{ thingName: "oven-4", error: throttled, items: [] }]);
    expect(publisher.published.filter(isReminder).map((detail) => detail.device.thingName)).toEqual([
      "oven-3",
    ]);
  });

  it("retries on a conflicting write and still publishes exactly once", async () => {
    const commit = store.commit.bind(store);
    let interfered = false;
    store.commit = async (next, expected) => {
      if (!interfered) {
        interfered = true;
        // Another invocation commits first, for another sample of the same thing.
        await commit({ ...next, alarms: {}, outbox: {}, historyOutbox: {} }, expected);
      }
      return commit(next, expected === undefined ? undefined : expected);
    };

    const report = await engine.evaluateTelemetry([message("oven-3", 1, { temperature: 262.4 })], deadline);

    expect(report.conflicts).toBe(1);
    expect(publisher.published).toHaveLength(1);
  });

  it("gives up after repeated conflicts with a retryable error, publishing nothing", async () => {
    store.commit = async () => "conflict";

    await expect(
      engine.evaluateTelemetry([message("oven-3", 1, { temperature: 262.4 })], deadline),
    ).rejects.toThrow(ConcurrentUpdateError);
    expect(publisher.published).toEqual([]);
  });

  it("finishes the other things of a batch before failing for the thing that kept conflicting", async () => {
    const commit = store.commit.bind(store);
    store.commit = async (next, expected) => {
      if (next.thingName === "oven-1") return "conflict";
      // The healthy thing's write is slow: the failing call must still wait for it.
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
      return commit(next, expected);
    };

    await expect(
      engine.evaluateTelemetry(
        [message("oven-1", 1, { temperature: 262.4 }), message("oven-2", 1, { temperature: 262.4 })],
        deadline,
      ),
    ).rejects.toThrow(ConcurrentUpdateError);

    expect(publisher.published.map((event) => event.alarmId)).toEqual(["oven-overheat:oven-2"]);
  });

  it("keeps the history in the outbox when writing it fails, and the sweep writes it later", async () => {
    const appendHistory = store.appendHistory.bind(store);
    store.appendHistory = async () => {
      throw new Error("history table throttled");
    };
    const report = await engine.evaluateTelemetry([message("oven-3", 1, { temperature: 262.4 })], deadline);
    expect(report.deliveryErrors).toHaveLength(1);
    expect(publisher.published).toHaveLength(1);
    expect(store.docs.get("oven-3")?.outbox).toEqual({});
    expect(Object.keys(store.docs.get("oven-3")?.historyOutbox ?? {})).toHaveLength(1);

    store.appendHistory = appendHistory;
    await engine.sweep(store.scan(), { ...deadline, staleAfterMs: 60_000 });

    expect([...store.history.values()].map(({ entry }) => entry.kind)).toEqual(["transition"]);
    expect(store.docs.get("oven-3")?.historyOutbox).toEqual({});
    expect(publisher.published).toHaveLength(1);
  });
});
