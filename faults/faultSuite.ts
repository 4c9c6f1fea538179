import {
  alarmWorkload,
  duplicatedAndReordered,
  dynamoDbConflicts,
  dynamoDbThrottling,
  eventBridgeOutage,
  eventBridgePartialFailures,
  firstThings,
  processKilled,
} from "./alarmFaults.ts";
import { startAlarmServers } from "./alarmRig.ts";
import { type FaultOutcome, keepsPromises } from "./faultTable.ts";
import { type HostileInputsRow, runHostileInputs } from "./hostileInputs.ts";
import {
  type FaultScale,
  startInflux,
  storeDownLongerThanInvocation,
  storeRejectsConflictingField,
  storeRejectsRecords,
  storeThrottledAndFailing,
} from "./ingestFaults.ts";
import { mqttConnectionDropped } from "./mqttDrop.ts";

export type { FaultScale };

export interface FaultSuiteResult {
  readonly outcomes: readonly FaultOutcome[];
  readonly hostileInputs: readonly HostileInputsRow[];
  /** Every fault keeps the promises and no hostile input crashed anything. */
  readonly keepsPromises: boolean;
}

/** Hostile inputs per surface; fixed seed, so a crash found once is found again. */
const HOSTILE_RUNS = { quick: 200, full: 2_000 } as const;
const HOSTILE_SEED = 20261125;
const THROTTLED_THINGS = { quick: 1, full: 3 } as const;

/** Every fault of the suite, one after the other, each on fresh state. */
export async function runFaults(
  scale: FaultScale,
  options: { readonly progress?: (line: string) => void } = {},
): Promise<FaultSuiteResult> {
  const progress = options.progress ?? (() => {});
  const outcomes: FaultOutcome[] = [];
  const timed = async (scenario: () => Promise<FaultOutcome>) => {
    const started = Date.now();
    const outcome = await scenario();
    progress(`${keepsPromises(outcome) ? "ok  " : "FAIL"} ${outcome.fault} (${Date.now() - started} ms)`);
    outcomes.push(outcome);
  };
  const influx = await startInflux();
  try {
    for (const scenario of [
      () => storeThrottledAndFailing(scale, influx),
      () => storeRejectsRecords(scale),
      () => storeRejectsConflictingField(scale, influx),
      () => storeDownLongerThanInvocation(scale, influx),
    ]) {
      await timed(scenario);
    }
  } finally {
    await influx.stop();
  }
  await timed(() => mqttConnectionDropped(scale));
  const servers = await startAlarmServers();
  try {
    const workload = await alarmWorkload(servers, scale);
    progress(`truth: ${workload.truth.transitions.length} transitions, ${workload.truth.events.size} events`);
    for (const scenario of [
      () => eventBridgePartialFailures(servers, workload),
      () => eventBridgeOutage(servers, workload),
      () => dynamoDbConflicts(servers, workload),
      // The SDK backs each throttled request off for half a second or more: fewer things, same fault.
      () => dynamoDbThrottling(servers, firstThings(workload, THROTTLED_THINGS[scale])),
      () => duplicatedAndReordered(servers, workload),
      () => processKilled(servers, workload, scale),
    ]) {
      await timed(scenario);
    }
  } finally {
    await servers.stop();
  }
  const hostileInputs = await runHostileInputs({ runs: HOSTILE_RUNS[scale], seed: HOSTILE_SEED });
  for (const row of hostileInputs) {
    progress(`${row.crashes === 0 ? "ok  " : "FAIL"} hostile inputs: ${row.surface} (${row.inputs})`);
  }
  return {
    outcomes,
    hostileInputs,
    keepsPromises: outcomes.every(keepsPromises) && hostileInputs.every((row) => row.crashes === 0),
  };
}
