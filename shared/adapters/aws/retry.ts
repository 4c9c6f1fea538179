/** Exponential backoff with full jitter, bounded by a deadline rather than an attempt count. */
export interface BackoffOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseDelayMs: 50, maxDelayMs: 2_000 };

export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/** Sleeps before retry `attempt`, or returns false if that would pass the deadline. */
export async function waitForRetry(
  attempt: number,
  deadline: number,
  options: BackoffOptions,
): Promise<boolean> {
  const delay = backoffDelay(attempt, options);
  const now = (options.now ?? Date.now)();
  if (now + delay >= deadline) return false;
  await (options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(delay);
  return true;
}

interface AwsErrorShape {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
  readonly code?: string;
}

const TRANSIENT_NAMES = new Set([
  "ThrottlingException",
  "InternalServerException",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);
const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT"]);

/** Throttling, 5xx and dropped connections: worth another try. */
export function isTransient(error: unknown): boolean {
  const shape = error as AwsErrorShape;
  const status = shape?.$metadata?.httpStatusCode ?? 0;
  return (
    TRANSIENT_NAMES.has(shape?.name ?? "") ||
    TRANSIENT_CODES.has(shape?.code ?? "") ||
    status >= 500 ||
    status === 429 ||
    shape?.$retryable !== undefined
  );
}
