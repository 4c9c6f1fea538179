import { describe, expect, it } from "vitest";
import {
  createEvaluate,
  EVALUATE_DEADLINE_MARGIN_MS,
  type Evaluation,
} from "../../../functions/evaluate/createEvaluate.ts";
import { AlarmEngine } from "../../../shared/domain/alarms/alarmEngine.ts";
import type { AlarmEventDetail } from "../../../shared/domain/alarms/alarmEvent.ts";
import type { ThingAlarms } from "../../../shared/domain/alarms/alarmState.ts";
import { DEFAULT_TELEMETRY_LIMITS, type ReceivedMessage } from "../../../shared/domain/ingest/types.ts";
import { ConcurrentUpdateError } from "../../../shared/errors.ts";
import type { CommitOutcome } from "../../../shared/ports/alarmStore.ts";
import { offlineRule, thresholdRule } from "../../support/alarmRules.ts";
import {
  InMemoryAlarmStore,
  InMemoryDeviceRegistry,
  RecordingPublisher,
} from "../../support/inMemoryPorts.ts";
import { manualClock } from "../../support/testClock.ts";
import { recordingReporting } from "../reportingPorts.ts";

const NOW = 1_000_000;
const BUDGET = { remainingMs: 10_000 };
const THINGS = ["a", "b"].map((thingName) => ({ thingName, site: "plant-1" }));

/** An alarm store that notes each update's read as "thing: load" and loses every write race of the things in `failing`. */
class RecordingAlarmStore extends InMemoryAlarmStore {
  readonly calls: string[] = [];
  constructor(private readonly failing: readonly string[]) {
    super();
  }
  override async load(thingName: string) {
    this.calls.push(`${thingName}: load`);
    return super.load(thingName);
  }
  override async commit(next: ThingAlarms, expected: number | undefined): Promise<CommitOutcome> {
    if (this.failing.includes(next.thingName)) return "conflict";
    return super.commit(next, expected);
  }
}

class DeadlineRecordingPublisher extends RecordingPublisher {
  readonly deadlines: number[] = [];
  override async publish(details: readonly AlarmEventDetail[], options?: { deadline: number }) {
    if (options) this.deadlines.push(options.deadline);
    return super.publish(details);
  }
}

/** The real engine over in-memory ports: an over-250 temperature raises, and offline rules watch presence. */
function evaluateOver({ failing = [] as string[], reporting = {} } = {}) {
  const store = new RecordingAlarmStore(failing);
  const publisher = new DeadlineRecordingPublisher();
  const engine = new AlarmEngine({
    store,
    publisher,
    rules: { current: async () => ({ version: "1", rules: [thresholdRule(), offlineRule()] }) },
    registry: new InMemoryDeviceRegistry(THINGS),
    clock: manualClock(NOW),
    limits: { ...DEFAULT_TELEMETRY_LIMITS, maxSampleAgeMs: Number.MAX_SAFE_INTEGER },
  });
  return { evaluate: createEvaluate(engine, reporting), store, publisher, deadlines: publisher.deadlines };
}

const message = (thingName: string, receivedAt: number, temperature = 20): ReceivedMessage => ({
  thingName,
  receivedAt,
  payload: new TextEncoder().encode(JSON.stringify({ ts: receivedAt, metrics: { temperature } })),
});
const telemetry = (thingName: string, receivedAt: number, temperature = 20): Evaluation => ({
  kind: "telemetry",
  message: message(thingName, receivedAt, temperature),
});
const lifecycle = (clientId: string, timestamp: number): Evaluation => ({
  kind: "lifecycle",
  event: { clientId, eventType: "disconnected", timestamp },
});
const loadsOf = (calls: readonly string[], thingName: string) =>
  calls.filter((call) => call.startsWith(`${thingName}:`)).length;

describe("createEvaluate: a batch", () => {
  it("updates each thing once for its telemetry, in batch order, and sums the counts", async () => {
    const { evaluate, store, publisher } = evaluateOver();

    const outcome = await evaluate.batch(
      [telemetry("a", 1, 300), telemetry("b", 2), telemetry("a", 3), telemetry("b", 4, 300)],
      BUDGET,
    );

    expect([loadsOf(store.calls, "a"), loadsOf(store.calls, "b")]).toEqual([1, 1]);
    expect(outcome.failures).toEqual([]);
    expect(outcome.redeliverFrom).toEqual([]);
    expect(outcome.report).toMatchObject({ things: 2, transitions: 3 });
    // a: raised by its first message, cleared by its second; b: raised by its last.
    const published = publisher.published.map((event) => `${event.device.thingName} ${event.state.value}`);
    expect(published.sort()).toEqual(["a ACTIVE", "a NORMAL", "b ACTIVE"]);
  });

  it("evaluates a lifecycle event between the thing's telemetry before and after it", async () => {
    const { evaluate, store } = evaluateOver();

    const outcome = await evaluate.batch(
      [telemetry("a", 1), telemetry("b", 2), lifecycle("a", 3), telemetry("a", 4), telemetry("b", 5)],
      BUDGET,
    );

    expect([loadsOf(store.calls, "a"), loadsOf(store.calls, "b")]).toEqual([3, 1]);
    expect(outcome.report.things).toBe(4);
    expect(store.docs.get("a")?.connectivity).toEqual({ connected: true, since: 4 });
  });

  it("names only the earliest item of a thing whose update keeps conflicting; the other things stand", async () => {
    const { evaluate, store } = evaluateOver({ failing: ["b"] });

    const outcome = await evaluate.batch(
      [telemetry("a", 1), telemetry("b", 2), telemetry("a", 3), telemetry("b", 4)],
      BUDGET,
    );

    expect(outcome.redeliverFrom).toEqual([1]);
    expect(outcome.failures).toEqual([
      { thingName: "b", error: expect.any(ConcurrentUpdateError), items: [1, 3] },
    ]);
    expect(outcome.report.things).toBe(1);
    expect(store.docs.get("a")?.lastTelemetryAt).toBe(3);
    expect(store.docs.has("b")).toBe(false);
  });

  it("goes on with a thing's later items after one of its updates failed, naming each failed update", async () => {
    const { evaluate } = evaluateOver({ failing: ["a"] });

    const outcome = await evaluate.batch([telemetry("a", 1), lifecycle("a", 2), telemetry("a", 3)], BUDGET);

    expect(outcome.failures.map(({ items }) => items)).toEqual([[0], [1], [2]]);
    expect(outcome.redeliverFrom).toEqual([0]);
  });

  it("gives every update the deadline its margin leaves, on the wall clock it is given", async () => {
    const { evaluate, deadlines } = evaluateOver({ reporting: { wallClock: manualClock(NOW) } });

    // Each changes an alarm, so each publishes: a raised, b offline, b back online.
    await evaluate.batch([telemetry("a", 1, 300), lifecycle("b", 2)], BUDGET);
    await evaluate.telemetry(message("b", 3, 300), BUDGET);

    expect(deadlines).toEqual(Array(3).fill(NOW + BUDGET.remainingMs - EVALUATE_DEADLINE_MARGIN_MS));
  });

  it("reports the oldest message's latency, the engine's counts and each delivery error", async () => {
    const reporting = recordingReporting(NOW);
    const { evaluate, publisher } = evaluateOver({ reporting });
    publisher.publish = async () => {
      throw new Error("bus down");
    };

    await evaluate.batch([telemetry("a", NOW - 900, 300), telemetry("b", NOW - 400, 300)], BUDGET);

    expect(reporting.counts).toEqual([
      "EvaluationLatency=900ms",
      "ThingsUpdated=2",
      "Transitions=2",
      "LateSamples=0",
      "DuplicateSamples=0",
      "WriteConflicts=0",
      "EventsDeferred=2",
      "PublishRetries=0",
      "DeliveryErrors=2",
      "RemindersSent=0",
      "ForeignLifecycleEvents=0",
    ]);
    expect(reporting.lines).toEqual([
      "error delivery after commit failed; left in the outbox: bus down",
      "error delivery after commit failed; left in the outbox: bus down",
      "info alarm transitions",
    ]);
  });
});

describe("createEvaluate: one message or event", () => {
  it("throws when the thing could not be updated, as Lambda must retry it", async () => {
    const { evaluate } = evaluateOver({ failing: ["a"] });

    await expect(evaluate.telemetry(message("a", 1), BUDGET)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(
      evaluate.lifecycle({ clientId: "a", eventType: "connected", timestamp: 1 }, BUDGET),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it("notes another stage's presence event at debug level, and publishes its count", async () => {
    const reporting = recordingReporting(NOW);
    const { evaluate, store } = evaluateOver({ reporting });

    const report = await evaluate.lifecycle(
      { clientId: "other-1", eventType: "connected", timestamp: 1 },
      BUDGET,
    );

    expect(report.foreignThings).toBe(1);
    expect(store.calls).toEqual([]);
    expect(reporting.lines).toEqual(["debug presence events of things not in this registry; ignored"]);
    expect(reporting.counts).toContain("ForeignLifecycleEvents=1");
  });

  it("publishes the message's evaluation latency and logs its transitions", async () => {
    const reporting = recordingReporting(NOW);
    const { evaluate } = evaluateOver({ reporting });

    await evaluate.telemetry(message("a", NOW - 250, 300), BUDGET);

    expect(reporting.counts[0]).toBe("EvaluationLatency=250ms");
    expect(reporting.lines).toEqual(["info alarm transitions"]);
  });
});
