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
      const outcome = await scenario();
      progress(`${keepsPromises(outcome) ? "ok  " : "FAIL"} ${outcome.fault}`);
      outcomes.push(outcome);
    }
  } finally {
    await influx.stop();
  }
  return { outcomes, keepsPromises: outcomes.every(keepsPromises) };
}
