import { describe, expect, it } from "vitest";
import {
  createEvaluate,
  EVALUATE_DEADLINE_MARGIN_MS,
  type Evaluation,
} from "../../../functions/evaluate/createEvaluate.ts";
import type { LifecycleEvent } from "../../../shared/contracts/lifecycleRule.ts";
import type { EngineReport } from "../../../shared/domain/alarms/alarmEngine.ts";
import type { ReceivedMessage } from "../../../shared/domain/ingest/types.ts";
import { ConcurrentUpdateError } from "../../../shared/errors.ts";
import { recordingReporting } from "../reportingPorts.ts";

const NOW = 1_000_000;
const BUDGET = { remainingMs: 10_000 };
const REPORT: EngineReport = {
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

/** Records each engine call as "thing: what" and its deadline; every update of a thing in `failing` loses its write race. */
function recordingEngine(failing: readonly string[] = []) {
  const calls: string[] = [];
  const deadlines: number[] = [];
  const engine = {
    evaluateTelemetry: async (messages: readonly ReceivedMessage[], options: { deadline: number }) => {
      const thingName = messages[0]?.thingName ?? "";
      calls.push(`${thingName}: ${messages.map((message) => message.receivedAt).join(",")}`);
      deadlines.push(options.deadline);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (failing.includes(thingName)) throw new ConcurrentUpdateError(thingName, 8);
      return REPORT;
    },
    recordConnectivity: async (event: LifecycleEvent, options: { deadline: number }) => {
      calls.push(`${event.clientId}: ${event.eventType}`);
      deadlines.push(options.deadline);
      if (failing.includes(event.clientId)) throw new ConcurrentUpdateError(event.clientId, 8);
      return { ...REPORT, transitions: 0, foreignThings: event.clientId.startsWith("other-") ? 1 : 0 };
    },
  };
  return { engine, calls, deadlines };
}

const telemetry = (thingName: string, receivedAt: number): Evaluation => ({
  kind: "telemetry",
  message: { thingName, receivedAt, payload: new Uint8Array() },
});
const lifecycle = (clientId: string, timestamp: number): Evaluation => ({
  kind: "lifecycle",
  event: { clientId, eventType: "disconnected", timestamp },
});

describe("createEvaluate: a batch", () => {
  it("evaluates each thing's telemetry together, in batch order, and sums the reports", async () => {
    const { engine, calls } = recordingEngine();
    const evaluate = createEvaluate(engine);

    const outcome = await evaluate.batch(
      [telemetry("a", 1), telemetry("b", 2), telemetry("a", 3), telemetry("b", 4)],
      BUDGET,
    );

    expect(calls).toEqual(["a: 1,3", "b: 2,4"]);
    expect(outcome.failures).toEqual([]);
    expect(outcome.redeliverFrom).toEqual([]);
    expect(outcome.report).toMatchObject({ things: 2, transitions: 2, conflicts: 4 });
  });

  it("evaluates a lifecycle event between the thing's telemetry before and after it", async () => {
    const { engine, calls } = recordingEngine();
    const evaluate = createEvaluate(engine);

    await evaluate.batch(
      [telemetry("a", 1), telemetry("b", 2), lifecycle("a", 3), telemetry("a", 4), telemetry("b", 5)],
      BUDGET,
    );

    expect(calls.filter((call) => call.startsWith("a"))).toEqual(["a: 1", "a: disconnected", "a: 4"]);
    expect(calls.filter((call) => call.startsWith("b"))).toEqual(["b: 2,5"]);
  });

  it("names only the earliest item of a thing whose update keeps conflicting; the other things stand", async () => {
    const { engine } = recordingEngine(["b"]);
    const evaluate = createEvaluate(engine);

    const outcome = await evaluate.batch(
      [telemetry("a", 1), telemetry("b", 2), telemetry("a", 3), telemetry("b", 4)],
      BUDGET,
    );

    expect(outcome.redeliverFrom).toEqual([1]);
    expect(outcome.failures).toEqual([
      { thingName: "b", error: expect.any(ConcurrentUpdateError), items: [1, 3] },
    ]);
    expect(outcome.report.things).toBe(1);
  });

  it("goes on with a thing's later items after one of its calls failed, naming each failed call", async () => {
    const { engine, calls } = recordingEngine(["a"]);
    const evaluate = createEvaluate(engine);

    const outcome = await evaluate.batch([telemetry("a", 1), lifecycle("a", 2), telemetry("a", 3)], BUDGET);

    expect(calls).toEqual(["a: 1", "a: disconnected", "a: 3"]);
    expect(outcome.failures.map(({ items }) => items)).toEqual([[0], [1], [2]]);
    expect(outcome.redeliverFrom).toEqual([0]);
  });

  it("gives every call the deadline its margin leaves, on the wall clock it is given", async () => {
    const { engine, deadlines } = recordingEngine();
    const evaluate = createEvaluate(engine, { wallClock: { now: () => NOW } });

    await evaluate.batch([telemetry("a", 1), lifecycle("a", 2)], BUDGET);
    await evaluate.telemetry({ thingName: "b", receivedAt: 3, payload: new Uint8Array() }, BUDGET);

    expect(deadlines).toEqual(Array(3).fill(NOW + BUDGET.remainingMs - EVALUATE_DEADLINE_MARGIN_MS));
  });

  it("reports the oldest message's latency, the engine's counts and each delivery error", async () => {
    const { engine } = recordingEngine();
    const reporting = recordingReporting(NOW);
    const failing = {
      ...engine,
      evaluateTelemetry: async () => ({ ...REPORT, deliveryErrors: [new Error("bus down")] }),
    };
    const evaluate = createEvaluate(failing, reporting);

    await evaluate.batch([telemetry("a", NOW - 900), telemetry("b", NOW - 400)], BUDGET);

    expect(reporting.counts).toEqual([
      "EvaluationLatency=900ms",
      "ThingsUpdated=2",
      "Transitions=2",
      "LateSamples=0",
      "DuplicateSamples=0",
      "WriteConflicts=4",
      "EventsDeferred=0",
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
    const { engine } = recordingEngine(["a"]);
    const evaluate = createEvaluate(engine);

    await expect(
      evaluate.telemetry({ thingName: "a", receivedAt: 1, payload: new Uint8Array() }, BUDGET),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(
      evaluate.lifecycle({ clientId: "a", eventType: "connected", timestamp: 1 }, BUDGET),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it("notes another stage's presence event at debug level, and publishes its count", async () => {
    const { engine } = recordingEngine();
    const reporting = recordingReporting(NOW);
    const evaluate = createEvaluate(engine, reporting);

    const report = await evaluate.lifecycle(
      { clientId: "other-1", eventType: "connected", timestamp: 1 },
      BUDGET,
    );

    expect(report.foreignThings).toBe(1);
    expect(reporting.lines).toEqual(["debug presence event of a thing not in this registry; ignored"]);
    expect(reporting.counts).toContain("ForeignLifecycleEvents=1");
  });

  it("publishes the message's evaluation latency and logs its transitions", async () => {
    const { engine } = recordingEngine();
    const reporting = recordingReporting(NOW);
    const evaluate = createEvaluate(engine, reporting);

    await evaluate.telemetry({ thingName: "a", receivedAt: NOW - 250, payload: new Uint8Array() }, BUDGET);

    expect(reporting.counts[0]).toBe("EvaluationLatency=250ms");
    expect(reporting.lines).toEqual(["info alarm transitions"]);
  });
});
