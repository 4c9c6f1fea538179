/** How a disconnected device waits before trying again: exponential, capped, with jitter. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

/** 1 s, 2 s, 4 s ... up to 30 s: a fleet that loses its broker does not reconnect in lockstep. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, factor: 2 };

/**
 * The wait before reconnect attempt `attempt` (0 for the first): `initialMs * factor^attempt`,
 * capped at `maxMs`, of which a random half is jitter ("equal jitter"), so waits never collapse to 0.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
