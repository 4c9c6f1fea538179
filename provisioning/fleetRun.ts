import { Presets, SingleBar } from "cli-progress";

/** Where a bulk run reports each finished device. */
export interface Progress {
  advance(label: string): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly title: string;
  readonly total: number;
  /** A bar on `stream` when it is a terminal; otherwise one plain line per device through `line`. */
  readonly stream?: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly line: (text: string) => void;
}

/** A cli-progress bar on a terminal, plain `[3/20] oven-3: created` lines anywhere else (CI logs, pipes). */
export function createProgress(options: ProgressOptions): Progress {
  const { title, total, stream } = options;
  if (stream?.isTTY) {
    const bar = new SingleBar(
      { format: `${title} [{bar}] {value}/{total} {last}`, stream, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total, 0, { last: "" });
    return { advance: (label) => bar.increment(1, { last: label }), stop: () => bar.stop() };
  }
  let done = 0;
  return { advance: (label) => options.line(`[${++done}/${total}] ${label}\n`), stop: () => undefined };
}

export interface FleetRun<T, R> {
  /** Each item's result, in input order; undefined for an item not started. */
  readonly results: readonly (R | undefined)[];
  /** Items not started because the run was stopped (Ctrl-C). */
  readonly notStarted: readonly T[];
}

/**
 * Runs `work` for every item, at most `concurrency` at a time, showing progress when there is more
 * than one. Once `signal` aborts, no further item starts; those under way finish (or roll back), so
 * no device is left half-made.
 */
export async function runFleet<T, R>(
  items: readonly T[],
  options: {
    readonly concurrency: number;
    readonly signal?: AbortSignal;
    readonly progress?: Omit<ProgressOptions, "total">;
    readonly label: (result: R) => string;
  },
  work: (item: T) => Promise<R>,
): Promise<FleetRun<T, R>> {
  const progress =
    options.progress && items.length > 1
      ? createProgress({ ...options.progress, total: items.length })
      : undefined;
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
