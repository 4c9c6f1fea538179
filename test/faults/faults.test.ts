import { beforeAll, describe, expect, it } from "vitest";
import { type FaultSuiteResult, runFaults } from "../../faults/faultSuite.ts";
import { keepsPromises } from "../../faults/faultTable.ts";
import { reliabilityReport } from "../../faults/reliabilityReport.ts";

/**
 * `npm run faults` at the size `npm test` can afford: the same scenarios, fewer messages. The
 * scenarios' own assertions are the table's columns, so the test reads them row by row.
 */
describe("the fault-injection suite (quick)", () => {
  let result: FaultSuiteResult;

  beforeAll(async () => {
    result = await runFaults("quick");
  }, 900_000);

  it("runs every fault the issue names", () => {
    expect(result.outcomes.map((outcome) => outcome.fault)).toEqual([
      "series store throttling (429) and 5xx bursts (InfluxDB)",
      "series store rejecting records (Timestream RejectedRecords)",
      "series store rejecting points (InfluxDB field type conflict)",
      "series store down longer than the invocation (→ Lambda retries → DLQ → dlq replay)",
      "MQTT connection dropped mid-publish on the local stack (QoS 1 redelivery)",
      "EventBridge partial batch failures (FailedEntryCount)",
      "EventBridge full outage (outbox + sweep re-send)",
      "DynamoDB conditional conflicts, 4 containers racing duplicates",
      "DynamoDB throttling (ProvisionedThroughputExceeded)",
      "duplicated and reordered deliveries",
      "process killed mid-batch (SIGKILL), batch redelivered",
    ]);
    expect(result.hostileInputs.map((row) => row.surface)).toEqual([
      "telemetry parser",
      "operator API",
      "rule loader",
    ]);
  });

  it("accounts for every message: stored, quarantined with a reason, or in the DLQ", () => {
    for (const outcome of result.outcomes) {
      const quarantined = Object.values(outcome.quarantined).reduce((sum, count) => sum + count, 0);
      expect({ fault: outcome.fault, unaccounted: outcome.unaccounted }).toEqual({
        fault: outcome.fault,
        unaccounted: 0,
      });
      expect(outcome.stored + quarantined + outcome.deadLettered).toBe(outcome.sent);
      // Replay runs until the queue is empty: nothing is left parked at the end.
      expect(outcome.deadLettered).toBe(0);
      expect(outcome.duplicatePoints ?? 0).toBe(0);
    }
  });

  it("quarantines the workload's bad messages by their reasons, and the store's refusals as store_rejected", () => {
    const byFault = new Map(result.outcomes.map((outcome) => [outcome.fault, outcome.quarantined]));
    for (const [fault, quarantined] of byFault) {
      if (!fault.startsWith("series store")) continue;
      expect(Object.keys(quarantined)).toEqual(
        expect.arrayContaining(["invalid_json", "schema", "ts_future", "client_mismatch"]),
      );
    }
    expect(
      byFault.get("series store rejecting records (Timestream RejectedRecords)")?.store_rejected,
    ).toBeGreaterThan(0);
    expect(
      byFault.get("series store rejecting points (InfluxDB field type conflict)")?.store_rejected,
    ).toBeGreaterThan(0);
  });

  it("gives the sequential truth's alarm transitions and events under every alarm fault, nothing else", () => {
    const alarmRows = result.outcomes.filter((outcome) => outcome.transitions !== undefined);
    expect(alarmRows).toHaveLength(6);
    for (const outcome of alarmRows) {
      expect(outcome.transitions?.truth).toBeGreaterThan(0);
      expect({ fault: outcome.fault, ...outcome.transitions }).toEqual({
        fault: outcome.fault,
        got: outcome.transitions?.truth,
        truth: outcome.transitions?.truth,
        identical: true,
      });
      expect(outcome.events?.wrong).toBe(0);
      expect(outcome.events?.distinctKeys).toBe(outcome.events?.expected);
    }
  });

  it("crashes on no hostile input", () => {
    for (const row of result.hostileInputs) {
      expect({ surface: row.surface, crashes: row.crashes, firstCrash: row.firstCrash }).toEqual({
        surface: row.surface,
        crashes: 0,
        firstCrash: undefined,
      });
    }
  });

  it("keeps every promise, and says so in the report", () => {
    expect(result.outcomes.filter((outcome) => !keepsPromises(outcome))).toEqual([]);
    expect(result.keepsPromises).toBe(true);
    const report = reliabilityReport(result, { scale: "quick", seconds: 1 });
    for (const outcome of result.outcomes) expect(report).toContain(outcome.fault);
    expect(report).toContain("## Hostile inputs");
  });
});
