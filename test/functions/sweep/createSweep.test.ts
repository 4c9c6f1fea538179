import { describe, expect, it } from "vitest";
import {
  createStreamSweep,
  createSweep,
  STALE_DELIVERY_MS,
  SWEEP_DEADLINE_MARGIN_MS,
} from "../../../functions/sweep/createSweep.ts";
import type { ControlRecord } from "../../../shared/contracts/streamRecord.ts";
import type { EngineReport } from "../../../shared/domain/alarms/alarmEngine.ts";
import { AlarmEngine } from "../../../shared/domain/alarms/alarmEngine.ts";
import type { ThingAlarms } from "../../../shared/domain/alarms/alarmState.ts";
import { EMPTY_REPORT } from "../../../shared/domain/alarms/engineReport.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../../shared/domain/ingest/types.ts";
import type { StreamControl } from "../../../shared/ports/streamControl.ts";
import { offlineRule } from "../../support/alarmRules.ts";
import {
  InMemoryAlarmStore,
  InMemoryDeviceRegistry,
  RecordingPublisher,
} from "../../support/inMemoryPorts.ts";
import { manualClock } from "../../support/testClock.ts";
import { recordingReporting } from "../reportingPorts.ts";

const NOW = 5_000_000;
const REPORT: EngineReport = { ...EMPTY_REPORT, things: 2, transitions: 1, reminders: 1 };

describe("createSweep", () => {
  it("sweeps the store's documents with the stale-delivery age and the deadline its margin leaves", async () => {
    const scan = (async function* (): AsyncIterable<ThingAlarms> {})();
    const calls: {
      documents: AsyncIterable<ThingAlarms>;
      options: { deadline: number; staleAfterMs: number };
    }[] = [];
    const engine = {
      sweep: async (
        documents: AsyncIterable<ThingAlarms>,
        options: { deadline: number; staleAfterMs: number },
      ) => {
        calls.push({ documents, options });
        return { report: REPORT, failures: [] };
      },
    };
    const reporting = recordingReporting(NOW);
    const sweep = createSweep(engine, { scan: () => scan }, reporting);

    const report = await sweep.run({ remainingMs: 60_000 });

    expect(report).toBe(REPORT);
    expect(calls).toEqual([
      {
        documents: scan,
        options: { deadline: NOW + 60_000 - SWEEP_DEADLINE_MARGIN_MS, staleAfterMs: STALE_DELIVERY_MS },
      },
    ]);
    expect(STALE_DELIVERY_MS).toBe(120_000);
    expect(reporting.counts).toContain("RemindersSent=1");
    expect(reporting.lines).toEqual(["info swept"]);
  });

  it("publishes what the other things did, then fails the invocation with a thing's failure", async () => {
    const failure = new Error("throttled");
    const engine = {
      sweep: async () => ({ report: REPORT, failures: [{ thingName: "oven-1", error: failure, items: [] }] }),
    };
    const reporting = recordingReporting(NOW);
    const sweep = createSweep(engine, { scan: async function* () {} }, reporting);

    await expect(sweep.run({ remainingMs: 60_000 })).rejects.toBe(failure);
    expect(reporting.counts).toContain("ThingsUpdated=2");
    expect(reporting.lines).toEqual(["info swept"]);
  });
});

describe("createStreamSweep", () => {
  it("puts a tick on the stream for each thing that may have something due, and writes nothing", async () => {
    const store = new InMemoryAlarmStore();
    const stale = { thingName: "oven-1", version: 3, lastTelemetryAt: NOW - 10 * 60_000, alarms: {} };
    const quiet = { thingName: "oven-2", version: 2, lastTelemetryAt: NOW - 10_000, alarms: {} };
    await store.commit(stale, undefined);
    await store.commit(quiet, undefined);
    const engine = new AlarmEngine({
      store,
      publisher: new RecordingPublisher(),
      rules: { current: async () => ({ version: "1", rules: [offlineRule({ afterMs: 5 * 60_000 })] }) },
      registry: new InMemoryDeviceRegistry([{ thingName: "oven-1" }, { thingName: "oven-2" }]),
      clock: manualClock(NOW),
      limits: DEFAULT_TELEMETRY_LIMITS,
    });
    const put: ControlRecord[][] = [];
    const stream: StreamControl = {
      put: async (records) => {
        put.push([...records]);
        return records.map((_, index) => ({
          shardId: "shardId-000000000000",
          sequenceNumber: String(index),
        }));
      },
    };
    const reporting = recordingReporting(NOW);

    await createStreamSweep(engine, store, stream, reporting).run({ remainingMs: 60_000 });

    expect(put).toEqual([[{ plantwatch: "tick", thingName: "oven-1", at: NOW }]]);
    expect(store.commits).toBe(2);
    expect(reporting.counts).toContain("TicksSent=1");
  });
});
