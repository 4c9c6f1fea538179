/**
 * Simulation scenarios, selectable by name and combinable. `normal` and `burst` shape the whole
 * fleet; each other scenario picks one machine (the first for the first scenario, the second for
 * the next, wrapping around), so `overheat,offline` on three devices has one machine overheat
 * and another go offline while the third stays healthy.
 *
 * Timed scenarios follow a cycle: by default five minutes of simulated time, or the whole run
 * when it is shorter, so each plays at least once in any run and repeats in long ones.
 */
export const SCENARIO_NAMES = [
  "normal",
  "overheat",
  "offline",
  "flapping",
  "burst",
  "bad-payloads",
  "late",
  "duplicates",
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Scenarios played by one machine each; the others apply to every machine. */
const SINGLE_DEVICE_SCENARIOS: ReadonlySet<ScenarioName> = new Set([
  "overheat",
  "offline",
  "flapping",
  "bad-payloads",
  "late",
  "duplicates",
]);

export const SCENARIO_DESCRIPTIONS: Readonly<Record<ScenarioName, string>> = {
  normal: "every machine reports healthy readings (always on)",
  overheat: "one machine climbs over its threshold, holds there, and recovers",
  offline: "one machine stops publishing and disconnects for a while, then returns",
  flapping: "one machine oscillates around its threshold",
  burst: "every machine publishes batches ({samples: [...]}) instead of single samples",
  "bad-payloads": "one machine also sends, in turn, one payload for each C2 violation",
  late: "one machine also sends readings stamped well in the past",
  duplicates: "one machine re-sends an earlier message, byte for byte",
};

export interface ScenarioSettings {
  /** Length of the scenario cycle in simulated time; a shorter bounded run uses its own length. */
  readonly cycleMs: number;
  /** Samples per `burst` batch. */
  readonly batchSize: number;
  /** How far in the past `late` readings are stamped. */
  readonly lateByMs: number;
  /** `late` and `duplicates` act on every n-th tick. */
  readonly every: number;
}

export const DEFAULT_SCENARIO_SETTINGS: ScenarioSettings = {
  cycleMs: 300_000,
  batchSize: 10,
  lateByMs: 600_000,
  every: 5,
};

/** Phases as fractions of the cycle. Overheat and offline never overlap, so one machine can play both. */
export const OVERHEAT_PHASES = { climb: 0.1, hold: 0.2, fall: 0.45, recovered: 0.55 } as const;
export const OFFLINE_PHASE = { from: 0.6, to: 0.85 } as const;

export type ParsedScenarios =
  | { readonly ok: true; readonly scenarios: readonly ScenarioName[] }
  | { readonly ok: false; readonly unknown: readonly string[] };

/** A comma-separated list of names, deduplicated, in canonical order (so the order typed does not matter). */
export function parseScenarios(text: string): ParsedScenarios {
  const names = text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const unknown = names.filter((name) => !(SCENARIO_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) return { ok: false, unknown };
  const chosen = new Set(names);
  return { ok: true, scenarios: SCENARIO_NAMES.filter((name) => chosen.has(name)) };
}

/**
 * The scenarios each machine plays, by index: fleet-wide ones for all, single-machine ones in
 * turn, in canonical order (so `offline,overheat` plays exactly as `overheat,offline`).
 */
export function assignScenarios(
  deviceCount: number,
  scenarios: readonly ScenarioName[],
): readonly (readonly ScenarioName[])[] {
  const assigned: ScenarioName[][] = Array.from({ length: deviceCount }, () => []);
  let next = 0;
  for (const scenario of SCENARIO_NAMES.filter((name) => scenarios.includes(name))) {
    if (SINGLE_DEVICE_SCENARIOS.has(scenario)) {
      assigned[next % deviceCount]?.push(scenario);
      next++;
    } else {
      for (const list of assigned) list.push(scenario);
    }
  }
  return assigned;
}

/** Where a tick falls in its cycle, in [0, 1). */
export function cyclePosition(tick: number, cycleTicks: number): number {
  return (tick % cycleTicks) / cycleTicks;
}

/** How far into the overheat a cycle position is: 0 healthy, rising to 1 (held), falling back to 0. */
export function overheatLevel(position: number): number {
  const { climb, hold, fall, recovered } = OVERHEAT_PHASES;
  if (position < climb || position >= recovered) return 0;
  if (position < hold) return (position - climb) / (hold - climb);
  if (position < fall) return 1;
  return (recovered - position) / (recovered - fall);
}

export function isOfflineAt(position: number): boolean {
  return position >= OFFLINE_PHASE.from && position < OFFLINE_PHASE.to;
}

/** How far over (or under) the threshold the scenarios drive the metric: 5 % of it, at least 5. */
export function thresholdMargin(threshold: number): number {
  return Math.max(5, Math.abs(threshold) * 0.05);
}
