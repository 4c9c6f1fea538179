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
import {
  type FaultScale,
  startInflux,
  storeDownLongerThanInvocation,
  storeRejectsConflictingField,
  storeRejectsRecords,
  storeThrottledAndFailing,
} from "./ingestFaults.ts";

export type { FaultScale };

export interface FaultSuiteResult {
  readonly outcomes: readonly FaultOutcome[];
  readonly keepsPromises: boolean;
}

/** Every fault of the suite, one after the other, each on fresh state. */
export async function runFaults(
  scale: FaultScale,
  options: { readonly progress?: (line: string) => void } = {},
): Promise<FaultSuiteResult> {
  const progress = options.progress ?? (() => {});
  const outcomes: FaultOutcome[] = [];
  const influx = await startInflux();
  try {
    for (const scenario of [
      () => storeThrottledAndFailing(scale, influx),
      () => storeRejectsRecords(scale),
      () => storeRejectsConflictingField(scale, influx),
      () => storeDownLongerThanInvocation(scale, influx),
    ]) {
      const started = Date.now();
      const outcome = await scenario();
      progress(`${keepsPromises(outcome) ? "ok  " : "FAIL"} ${outcome.fault} (${Date.now() - started} ms)`);
      outcomes.push(outcome);
    }
  } finally {
    await influx.stop();
  }
  const servers = await startAlarmServers();
  try {
    const workload = await alarmWorkload(servers, scale);
    progress(`truth: ${workload.truth.transitions.length} transitions, ${workload.truth.events.size} events`);
    for (const scenario of [
      () => eventBridgePartialFailures(servers, workload),
      () => eventBridgeOutage(servers, workload),
      () => dynamoDbConflicts(servers, workload),
      () => dynamoDbThrottling(servers, scale === "quick" ? firstThings(workload, 1) : workload),
      () => duplicatedAndReordered(servers, workload),
      () => processKilled(servers, workload, scale),
    ]) {
      const started = Date.now();
      const outcome = await scenario();
      progress(`${keepsPromises(outcome) ? "ok  " : "FAIL"} ${outcome.fault} (${Date.now() - started} ms)`);
      outcomes.push(outcome);
    }
  } finally {
    await servers.stop();
  }
  return { outcomes, keepsPromises: outcomes.every(keepsPromises) };
}
