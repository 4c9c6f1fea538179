import { describe, expect, it } from "vitest";
import {
  createSweep,
  STALE_DELIVERY_MS,
  SWEEP_DEADLINE_MARGIN_MS,
} from "../../../functions/sweep/createSweep.ts";
import type { EngineReport } from "../../../shared/domain/alarms/alarmEngine.ts";
import type { ThingAlarms } from "../../../shared/domain/alarms/alarmState.ts";
import { EMPTY_REPORT } from "../../../shared/domain/alarms/engineReport.ts";
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
