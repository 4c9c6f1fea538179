import type { Clock } from "../../shared/ports/clock.ts";

/**
 * A clock that moves only when the test says so. A fixed clock is one never moved. Its `sleep`
 * moves it instead of waiting, so code that backs off (`BackoffOptions.now`/`sleep`) reaches its
 * deadline at once; every sleep is recorded. Its methods are plain functions: pass `clock.now` or
 * spread `...clock` where only a part is wanted.
 */
export interface ManualClock extends Clock {
  /** Epoch milliseconds. */
  now(): number;
  set(epochMs: number): void;
  advance(ms: number): void;
  /** Advances the clock by `ms` at once, without waiting. */
  sleep(ms: number): Promise<void>;
  /** Every `sleep` asked for, in order. */
  readonly sleeps: readonly number[];
}

export function manualClock(start: number): ManualClock {
  let current = start;
  const sleeps: number[] = [];
  return {
    now: () => current,
    set: (epochMs) => {
      current = epochMs;
    },
    advance: (ms) => {
      current += ms;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      current += ms;
    },
    sleeps,
  };
}
