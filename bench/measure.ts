import { Bench } from "tinybench";
import type { BenchProfile } from "./profile.ts";

/**
 * Mean milliseconds per call of each task: several short rounds with the order rotated, and the
 * median round kept, so that a burst of load from elsewhere on a shared machine (or the heap left by
 * the task before) does not land on one task only and skew a ratio.
 */
export async function measure(
  tasks: Readonly<Record<string, () => unknown>>,
  profile: BenchProfile,
): Promise<Record<string, number>> {
  const names = Object.keys(tasks);
  const rounds = profile.quick ? 1 : 5;
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({
      time: profile.cpuTimeMs / rounds,
      warmupTime: round === 0 ? profile.warmupMs : profile.warmupMs / 4,
      iterations: 1,
    });
    const order = names.map((_, i) => names[(i + round) % names.length] as string);
    for (const name of order) bench.add(name, tasks[name] as () => unknown);
    await bench.run();
    for (const task of bench.tasks) samples[task.name]?.push(meanMs(task.result, task.name));
  }
  return Object.fromEntries(
    names.map((name) => {
      const sorted = (samples[name] as number[]).sort((a, b) => a - b);
      return [name, sorted[Math.floor(sorted.length / 2)] as number];
    }),
  );
}

function meanMs(result: unknown, name: string): number {
  const latency = (result as { latency?: { mean: number } }).latency;
  if (!latency) throw new Error(`bench task ${name} has no result: ${JSON.stringify(result)}`);
  return latency.mean;
}
