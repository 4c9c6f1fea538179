import { type BackoffOptions, isTransient, waitForRetry } from "./retry.ts";

/**
 * How control-plane calls are retried. IoT's control-plane APIs are rate-limited per account and
 * region (CreateThing, AttachPolicy, AttachThingPrincipal and the certificate calls at roughly
 * 10-15 transactions per second on some accounts, see the AWS IoT Core quotas), so a bulk run with a
 * few parallel devices is throttled now and then: those calls wait with jittered exponential backoff
 * and try again until `budgetMs` has passed. The SDK's own retries are off (`maxAttempts: 1`):
 * its retry quota gives up early when many calls are throttled at once.
 */
export interface RetryPolicy {
  readonly backoff: BackoffOptions;
  /** How long one call may keep retrying. */
  readonly budgetMs: number;
  /** Told of every retry (for the summary's count). */
  readonly onRetry?: (operation: string, error: unknown) => void;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  backoff: { baseDelayMs: 200, maxDelayMs: 5_000 },
  budgetMs: 120_000,
};

/** Throttled: refused before it was processed, so even a non-idempotent call may be sent again. */
export function isThrottling(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    name === "ThrottlingException" || name === "TooManyRequestsException" || $metadata?.httpStatusCode === 429
  );
}

/** Calls `call` until it succeeds, fails with an error `retryable` refuses, or the budget is spent. */
export async function withRetries<T>(
  operation: string,
  call: () => Promise<T>,
  policy: RetryPolicy,
  retryable: (error: unknown) => boolean = isTransient,
): Promise<T> {
  const deadline = (policy.backoff.now ?? Date.now)() + policy.budgetMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!retryable(error) || !(await waitForRetry(attempt, deadline, policy.backoff))) throw error;
      policy.onRetry?.(operation, error);
    }
  }
}
