import pLimit from "p-limit";

/**
 * Runs `task` on every item, at most `concurrency` at once, started in item order. The items are
 * independent: one failure does not stop the others, and the call settles only once every task has,
 * so nothing it started outlives it. The outcomes come back in item order.
 */
export function settleEach<T, R>(
  items: Iterable<T>,
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const limit = pLimit(concurrency);
  return Promise.allSettled(Array.from(items, (item, index) => limit(task, item, index)));
}

/**
 * Runs `task` on the items, at most `concurrency` at once, started in item order, until one fails:
 * after a failure no further task starts, and the call rejects with that first failure only once
 * none is in flight, so no request outlives it. For requests of one write that is lost anyway.
 */
export async function eachUntilFailure<T>(
  items: Iterable<T>,
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const limit = pLimit(concurrency);
  let failure: { readonly error: unknown } | undefined;
  await Promise.all(
    Array.from(items, (item, index) =>
      limit(async () => {
        if (failure) return;
        try {
          await task(item, index);
        } catch (error) {
          failure ??= { error };
        }
      }),
    ),
  );
  if (failure) throw failure.error;
}
