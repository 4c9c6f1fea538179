/**
 * Thing glob matching against 40-character names, beside a floor measured in the same run (string
 * equality over the same names): globs come from API requests, so the adversarial ones must cost
 * a bounded multiple of the floor, not the seconds a backtracking expression took.
 */
import { compileThingGlobs } from "../shared/domain/thingGlob.ts";
import { measure } from "./measure.ts";
import type { BenchProfile } from "./profile.ts";

export interface ThingGlobResults {
  readonly rows: readonly {
    readonly glob: string;
    readonly nanosPerName: number;
    /** Per-name cost ÷ the floor's. */
    readonly ratio: number;
  }[];
  readonly floorNanosPerName: number;
}

const NAME_LENGTH = 40;
const NAMES = [
  "0".repeat(NAME_LENGTH),
  `${"0".repeat(NAME_LENGTH - 1)}c`,
  `oven-${"7".repeat(NAME_LENGTH - 5)}`,
  `press:line-2_${"a".repeat(NAME_LENGTH - 13)}`,
];
export const BENCH_GLOBS = [
  "*0*0*0*0*0*0*0*0*0*0*c",
  "*?*?*?*?*?*?*?*?*?*?d",
  "oven-*",
  "*-3",
  `${"?".repeat(NAME_LENGTH - 1)}*`,
] as const;
const FLOOR = "floor";
/** Passes over `NAMES` per timed call, so that the bench's own overhead per call weighs little. */
const PASSES = 25;

export async function benchThingGlobs(profile: BenchProfile): Promise<ThingGlobResults> {
  // Outcomes are summed into `sink` so that no task's work can be optimized away.
  let sink = 0;
  const probe = "1".repeat(NAME_LENGTH);
  const tasks: Record<string, () => void> = {
    [FLOOR]: () => {
      for (let pass = 0; pass < PASSES; pass++) for (const name of NAMES) if (name === probe) sink++;
    },
  };
  for (const glob of BENCH_GLOBS) {
    const matcher = compileThingGlobs([glob]);
    tasks[glob] = () => {
      for (let pass = 0; pass < PASSES; pass++) for (const name of NAMES) if (matcher.test(name)) sink++;
    };
  }
  const means = await measure(tasks, profile);
  if (sink < 0) throw new Error("unreachable");
  const nanosPerName = (task: string) => ((means[task] as number) * 1e6) / (PASSES * NAMES.length);
  const floorNanosPerName = nanosPerName(FLOOR);
  return {
    floorNanosPerName,
    rows: BENCH_GLOBS.map((glob) => ({
      glob,
      nanosPerName: nanosPerName(glob),
      ratio: nanosPerName(glob) / floorNanosPerName,
    })),
  };
}
