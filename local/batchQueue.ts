/**
 * Items per batch at most: stream mode's default batch size (`stream.batchSize` in `infra/config.ts`),
 * so a local batch is no larger than the functions take on AWS, and one batch's deadline stays far off.
 */
export const MAX_BATCH_ITEMS = 500;

export interface BatchQueueOptions<T> {
  /** One batch, items in the order they were pushed; never two at once. */
  readonly run: (batch: readonly T[]) => Promise<void>;
  /** `run` threw: every item of the batch is reported, as if each had failed alone. */
  readonly onError: (item: T, error: unknown) => void;
  readonly maxItems?: number;
}

/**
 * Items gathered into batches as stream mode gathers records, with a window that adapts to the load
 * rather than a fixed timer: the first item waits only until the event loop has taken the input it
 * already holds (`setImmediate`, so the other messages of the same socket read join it), and while a
 * batch runs, the next one gathers. An idle stack thus handles a message at once (no added latency),
 * a busy one in batches as large as it needs to keep up, up to `maxItems`. One batch at a time keeps
 * the items in order, as one shard does with a parallelization factor of 1.
 */
export class BatchQueue<T> {
  readonly #options: BatchQueueOptions<T>;
  readonly #maxItems: number;
  #pending: T[] = [];
  #running: Promise<void> | undefined;
  #scheduled = false;

  constructor(options: BatchQueueOptions<T>) {
    this.#options = options;
    this.#maxItems = options.maxItems ?? MAX_BATCH_ITEMS;
  }

  push(item: T): void {
    this.#pending.push(item);
    this.#schedule();
  }

  /** Resolves once every item pushed so far went through a batch (those pending run now). */
  async idle(): Promise<void> {
    for (;;) {
      this.#start();
      if (this.#running === undefined) return;
      await this.#running;
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#running !== undefined || this.#pending.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#start();
    });
  }

  #start(): void {
    if (this.#running !== undefined || this.#pending.length === 0) return;
    const batch = this.#pending.splice(0, this.#maxItems);
    this.#running = this.#run(batch).finally(() => {
      this.#running = undefined;
      this.#schedule();
    });
  }

  async #run(batch: readonly T[]): Promise<void> {
    try {
      await this.#options.run(batch);
    } catch (error) {
      for (const item of batch) this.#options.onError(item, error);
    }
  }
}
