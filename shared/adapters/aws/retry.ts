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

/** The time by `options`' clock: Date.now unless a test gives its own. */
export function nowOf(options: BackoffOptions): number {
  return (options.now ?? Date.now)();
}

/** The least time a request is given, even when the deadline is nearer. */
const MIN_REQUEST_MS = 1_000;
/** The longest a Node.js timer can wait; a longer delay would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The abort signal of one request: a hung request must not outlive the deadline either, yet each
 * gets a fair minimum (`MIN_REQUEST_MS`) even when the deadline is nearer.
 */
export function requestSignal(deadline: number, options: BackoffOptions): AbortSignal {
  return AbortSignal.timeout(Math.min(Math.max(MIN_REQUEST_MS, deadline - nowOf(options)), MAX_TIMER_MS));
}

/** Sleeps before retry `attempt`, or returns false if that would pass the deadline. */
export async function waitForRetry(
  attempt: number,
  deadline: number,
  options: BackoffOptions,
): Promise<boolean> {
  const delay = backoffDelay(attempt, options);
  if (nowOf(options) + delay >= deadline) return false;
  await (options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(delay);
  return true;
}

interface AwsErrorShape {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
  readonly code?: string;
}

/**
 * The one list of AWS error names that pass with time, whichever service answers: throttles
 * (including those answered with a 4xx, as SNS's topic and KMS throttles and DynamoDB's capacity
 * errors are), server-side failures and timeouts. A name no service of ours throws costs nothing.
 */
const TRANSIENT_NAMES = new Set([
  "ThrottlingException",
  "ThrottledException",
  "KMSThrottlingException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "InternalServerException",
  "InternalServerError",
  "InternalServiceError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);
/** Connections lost or refused before an answer (Node's socket error codes). */
const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT"]);

/**
 * An error name (or a batch API's per-entry error code, e.g. PutEvents' `ErrorCode`, whose
 * retryable codes `InternalFailure` and `ThrottlingException` are in the one list) that passes with time.
 */
export function isTransientErrorName(name: string): boolean {
  return TRANSIENT_NAMES.has(name);
}

/**
 * Throttling, 5xx, timeouts and dropped connections: worth another try later. The one classifier
 * of AWS SDK v3 errors, used by every adapter's retry loop, by the secret reader's `retryable` and
 * by the operator API's `unavailable` answer.
 */
export function isTransient(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const shape = error as AwsErrorShape;
  const status = shape.$metadata?.httpStatusCode ?? 0;
  return (
    isTransientErrorName(shape.name ?? "") ||
    TRANSIENT_CODES.has(shape.code ?? "") ||
    status >= 500 ||
    status === 429 ||
    // The SDK marks errors its own retry strategy would retry (modelled @retryable, throttling).
    shape.$retryable !== undefined
  );
}
