import { createDeviceSimulation, type DeviceSimulation } from "./deviceSimulation.ts";
import { DEFAULT_MACHINE_PROFILE, type MachineProfile } from "./machineProfile.ts";
import {
  assignScenarios,
  DEFAULT_SCENARIO_SETTINGS,
  type ScenarioName,
  type ScenarioSettings,
} from "./scenarios.ts";

export interface SimulatedThing {
  readonly thingName: string;
  /** The level `overheat` and `flapping` cross; default: the profile's (250 for the default machine). */
  readonly threshold?: number;
}

export interface FleetSimulationOptions {
  readonly things: readonly SimulatedThing[];
  readonly scenarios: readonly ScenarioName[];
  readonly seed: number;
  /** Simulated time of tick 0, epoch milliseconds; tick n is at `startTime + n * intervalMs`. */
  readonly startTime: number;
  readonly intervalMs: number;
  /** The run's length in ticks when bounded: the scenario cycle then fits inside it. */
  readonly totalTicks?: number;
  readonly profile?: MachineProfile;
  readonly settings?: Partial<ScenarioSettings>;
}

/**
 * A fleet's devices, each with its scenarios. Pure and deterministic: the same options give the
 * same messages, byte for byte.
 */
export function createFleetSimulation(options: FleetSimulationOptions): readonly DeviceSimulation[] {
  if (!(options.intervalMs > 0)) throw new Error("intervalMs must be positive");
  if (options.things.length === 0) throw new Error("a fleet needs at least one thing");
  const settings = { ...DEFAULT_SCENARIO_SETTINGS, ...options.settings };
  const profile = options.profile ?? DEFAULT_MACHINE_PROFILE;
  const cycleTicks = Math.max(
    1,
    Math.min(
      options.totalTicks ?? Number.POSITIVE_INFINITY,
      Math.ceil(settings.cycleMs / options.intervalMs),
    ),
  );
  const assigned = assignScenarios(options.things.length, options.scenarios);
  return options.things.map((thing, index) =>
    createDeviceSimulation({
      thingName: thing.thingName,
      scenarios: assigned[index] ?? [],
      seed: options.seed,
      startTime: options.startTime,
      intervalMs: options.intervalMs,
      cycleTicks,
      threshold: thing.threshold ?? profile.threshold,
      profile,
      settings,
    }),
  );
}
