import pLimit from "p-limit";

/** Where a bulk run reports each finished device (a progress bar, in the command). */
export interface FleetProgress {
  advance(label: string): void;
  stop(): void;
}

export interface FleetRun<T, R> {
  /** Each item's result, in input order; undefined for an item not started. */
  readonly results: readonly (R | undefined)[];
  /** Items not started because the run was stopped (Ctrl-C). */
  readonly notStarted: readonly T[];
}

/**
 * Runs `work` for every item, at most `concurrency` at a time, telling `progress` of each finished
 * one. Once `signal` aborts, no further item starts; those under way finish (or roll back), so no
 * device is left half-made.
 */
export async function runFleet<T, R>(
  items: readonly T[],
  options: {
    readonly concurrency: number;
    readonly signal?: AbortSignal;
    readonly progress?: FleetProgress;
    readonly label: (result: R) => string;
  },
  work: (item: T) => Promise<R>,
): Promise<FleetRun<T, R>> {
  const { progress } = options;
  const results: (R | undefined)[] = items.map(() => undefined);
  const limit = pLimit(options.concurrency);
  const start = (item: T, index: number) =>
    limit(async () => {
      // Aborted while queued: never started, so nothing to roll back.
      if (options.signal?.aborted === true) return;
      const result = await work(item);
      results[index] = result;
      progress?.advance(options.label(result));
    });
  try {
    await Promise.all(items.map(start));
  } finally {
    progress?.stop();
  }
  return { results, notStarted: items.filter((_, index) => results[index] === undefined) };
}
