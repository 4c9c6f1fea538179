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
  let next = 0;
  const worker = async () => {
    while (next < items.length && options.signal?.aborted !== true) {
      const index = next++;
      const result = await work(items[index] as T);
      results[index] = result;
      progress?.advance(options.label(result));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, items.length) }, worker));
  } finally {
    progress?.stop();
  }
  return { results, notStarted: items.filter((_, index) => results[index] === undefined) };
}
