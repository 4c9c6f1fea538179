import { describe, expect, it } from "vitest";
import { createStreamEvaluate } from "../../functions/evaluate/createStreamEvaluate.ts";
import { createIngest } from "../../functions/ingest/createIngest.ts";
import { LocalTelemetryStream } from "../../local/localTelemetryStream.ts";
import { RuleActions } from "../../local/ruleActions.ts";
import type { LifecycleEvent } from "../../shared/contracts/lifecycleRule.ts";
import type { LiveEvent } from "../../shared/contracts/liveEvents.ts";
import { EMPTY_REPORT } from "../../shared/domain/alarms/engineReport.ts";
import {
  type StreamBatchOutcome,
  type StreamRecord,
  thingOf,
} from "../../shared/domain/alarms/streamConsumer.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../shared/domain/ingest/types.ts";
import {
  InMemoryDeviceRegistry,
  InMemoryQuarantineStore,
  InMemorySeriesStore,
} from "../support/inMemoryPorts.ts";
import { manualClock } from "../support/testClock.ts";

const TELEMETRY = "local_telemetry";
const LIFECYCLE = "local_lifecycle";
const NOW = Date.parse("2026-11-25T12:00:00Z");
/**
 * A stream consumer that records each batch the evaluate use case hands it, as "thing: what" per
 * record in order; a thing in `failFor` fails from its first record on (Lambda then resumes there).
 */
class RecordingConsumer {
  readonly batches: string[][] = [];
  failFor = new Set<string>();
  deliveryErrors: unknown[] = [];

  async batch(_shardId: string, records: readonly StreamRecord[]): Promise<StreamBatchOutcome> {
    this.batches.push(
      records.map(({ input }) =>
        input.kind === "telemetry"
          ? `${input.message.thingName}: ${input.message.receivedAt - NOW}`
          : `${thingOf(input)}: ${input.kind === "lifecycle" ? input.event.eventType : input.kind}`,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 1));
    const failures = [...this.failFor].flatMap((thingName) => {
      const positions = [...records.keys()].filter(
        (position) => thingOf((records[position] as StreamRecord).input) === thingName,
      );
      return positions.length === 0
        ? []
        : [{ thingName, error: new Error(`${thingName} unavailable`), items: positions }];
    });
    return {
      report: { ...EMPTY_REPORT, things: 1, deliveryErrors: this.deliveryErrors },
      failures,
      redelivered: 0,
      refusedActions: [],
      coldStart: false,
    };
  }
}

function setup(options: { maxBatch?: number } = {}) {
  const store = new InMemorySeriesStore();
  const writes: number[] = [];
  const engine = new RecordingConsumer();
  const errors: string[] = [];
  const live: LiveEvent[] = [];
  // The console reporter's side of the factories' log: what the stack prints as a problem.
  const log = {
    debug: () => {},
    info: () => {},
    warn: (message: string) => errors.push(message),
    error: (message: string, extra?: Record<string, unknown>) =>
      errors.push(`${message}: ${(extra?.error as Error | undefined)?.message}`),
  };
  const actions = new RuleActions({
    telemetryRuleName: TELEMETRY,
    lifecycleRuleName: LIFECYCLE,
    ingest: createIngest({
      registry: new InMemoryDeviceRegistry(),
      store: {
        write: (points) => {
          writes.push(points.length);
          return store.write(points);
        },
      },
      quarantine: new InMemoryQuarantineStore(),
      clock: manualClock(NOW + 60_000),
      limits: DEFAULT_TELEMETRY_LIMITS,
      log,
    }),
    stream: new LocalTelemetryStream({
      evaluate: createStreamEvaluate(engine, { log }),
      timeoutMs: 30_000,
      onError: (_record, error) => errors.push(`evaluate: ${(error as Error).message}`),
      ...options,
    }),
    live: { publish: (event) => live.push(event) },
    onError: (action, error) => errors.push(`${action}: ${(error as Error).message}`),
    ...options,
  });
  const telemetry = (thingName: string, offset: number) =>
    actions.dispatch(TELEMETRY, {
      thingName,
      receivedAt: NOW + offset,
      payload: Buffer.from(JSON.stringify({ ts: NOW + offset, metrics: { temperature: offset } })).toString(
        "base64",
      ),
    });
  const lifecycle = (clientId: string, eventType: LifecycleEvent["eventType"], offset: number) =>
    actions.dispatch(LIFECYCLE, { clientId, eventType, timestamp: NOW + offset });
  return { actions, store, writes, engine, errors, live, telemetry, lifecycle };
}

describe("RuleActions", () => {
  it("stores the messages of one event-loop turn in one write and evaluates them as one batch, in arrival order", async () => {
    const { actions, store, writes, engine, telemetry } = setup();

    for (let i = 1; i <= 3; i++) {
      telemetry("oven-1", i);
      telemetry("oven-2", 10 + i);
    }
    await actions.idle();

    expect(writes).toEqual([6]);
    expect(store.points.map((point) => point.time - NOW)).toEqual([1, 11, 2, 12, 3, 13]);
    expect(engine.batches).toEqual([
      ["oven-1: 1", "oven-2: 11", "oven-1: 2", "oven-2: 12", "oven-1: 3", "oven-2: 13"],
    ]);
  });

  it("gathers what arrives while a batch runs into the next batch", async () => {
    const { actions, engine, telemetry } = setup();

    telemetry("oven-1", 1);
    await new Promise((resolve) => setImmediate(resolve));
    telemetry("oven-1", 2);
    telemetry("oven-1", 3);
    await actions.idle();

    expect(engine.batches).toEqual([["oven-1: 1"], ["oven-1: 2", "oven-1: 3"]]);
  });

  it("takes no more than the batch size at once", async () => {
    const { actions, writes, telemetry } = setup({ maxBatch: 2 });

    for (let i = 1; i <= 5; i++) telemetry("oven-1", i);
    await actions.idle();

    expect(writes).toEqual([2, 2, 1]);
  });

  it("hands lifecycle events to the same batch, between the telemetry before and after them", async () => {
    const { actions, engine, live, telemetry, lifecycle } = setup();

    telemetry("oven-1", 1);
    telemetry("oven-2", 2);
    lifecycle("oven-1", "disconnected", 3);
    telemetry("oven-1", 4);
    telemetry("oven-2", 5);
    await actions.idle();

    expect(engine.batches).toEqual([
      ["oven-1: 1", "oven-2: 2", "oven-1: disconnected", "oven-1: 4", "oven-2: 5"],
    ]);
    expect(live).toContainEqual({ type: "connectivity", thingName: "oven-1", connected: false, at: NOW + 3 });
  });

  it("delivers a batch again from the record that failed, then reports each record still failing", async () => {
    const { actions, store, engine, errors, telemetry } = setup();
    engine.failFor.add("oven-2");

    telemetry("oven-1", 1);
    telemetry("oven-2", 2);
    telemetry("oven-2", 3);
    await actions.idle();

    expect(errors).toEqual(["evaluate: oven-2 unavailable", "evaluate: oven-2 unavailable"]);
    expect(engine.batches).toEqual([
      ["oven-1: 1", "oven-2: 2", "oven-2: 3"],
      ["oven-2: 2", "oven-2: 3"],
      ["oven-2: 2", "oven-2: 3"],
    ]);
    expect(store.points).toHaveLength(3);
  });

  it("reports unwritten samples per message, naming its thing", async () => {
    const { actions, store, errors, telemetry } = setup();
    store.verdict = (point) => (point.thingName === "oven-2" ? "unwritten" : "store");

    telemetry("oven-1", 1);
    telemetry("oven-2", 2);
    telemetry("oven-2", 3);
    await actions.idle();

    expect(errors).toEqual([
      "ingest: 1 sample(s) of oven-2 were not written",
      "ingest: 1 sample(s) of oven-2 were not written",
    ]);
  });

  it("reports a failed store write for each message of the batch", async () => {
    const { actions, store, errors, telemetry } = setup();
    store.verdict = () => {
      throw new Error("disk full");
    };

    telemetry("oven-1", 1);
    telemetry("oven-2", 2);
    await actions.idle();

    expect(errors).toEqual(["ingest: disk full", "ingest: disk full"]);
  });

  it("reports each event the bus could not take, through the evaluate use case's log", async () => {
    const { actions, engine, errors, telemetry } = setup();
    engine.deliveryErrors = [new Error("bus down"), new Error("bus still down")];

    telemetry("oven-1", 1);
    await actions.idle();

    expect(errors).toEqual([
      "delivery after commit failed; left in the outbox: bus down",
      "delivery after commit failed; left in the outbox: bus still down",
    ]);
  });

  it("runs what is pending when asked to be idle, without waiting for the event loop", async () => {
    const { actions, store, telemetry } = setup();

    telemetry("oven-1", 1);
    const idle = actions.idle();
    telemetry("oven-1", 2);
    await idle;
    await actions.idle();

    expect(store.points.map((point) => point.time - NOW)).toEqual([1, 2]);
  });
});
