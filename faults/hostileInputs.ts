import { operatorApiRow } from "./operatorApiSurface.ts";
import { ruleLoaderRow } from "./ruleLoaderSurface.ts";
import type { HostileInputsRow } from "./surface.ts";
import { telemetryParserRow } from "./telemetrySurface.ts";

export type { HostileInputsRow } from "./surface.ts";

/**
 * Hostile-input fuzzing of the three surfaces outsiders write to: the telemetry a device publishes,
 * the operator API, and the C3 rules an operator loads. Each surface gets `runs` inputs generated
 * from `seed` (fast-check), so a run, and any crash it finds, is reproducible. One row per surface;
 * whatever a surface starts (dynalite for the API) is stopped before its row is returned.
 */
export async function runHostileInputs(options: {
  readonly runs: number;
  readonly seed: number;
}): Promise<HostileInputsRow[]> {
  const { runs, seed } = options;
  // One at a time: the machine running them may be shared, and a hang is measured by wall time.
  return [
    await telemetryParserRow(runs, seed),
    await operatorApiRow(runs, seed),
    await ruleLoaderRow(runs, seed),
  ];
}
