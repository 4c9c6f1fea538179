import type { Clock } from "../../shared/ports/clock.ts";

/**
 * The simulator's time: where the clock stands (the `ts` of tick n is the start plus n intervals)
 * and how to wait for a tick. The system timer paces ticks in real time; a virtual timer jumps
 * to each tick at once, so tests run a five-minute scenario in moments with exact timestamps.
 */
export interface SimulationTimer extends Clock {
  /** Resolves at `time` (at once if it has passed), or early when `signal` aborts. */
  sleepUntil(time: number, signal?: AbortSignal): Promise<void>;
}

export const systemTimer: SimulationTimer = {
  now: () => Date.now(),
  sleepUntil: (time, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timeout);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timeout = setTimeout(done, Math.max(0, time - Date.now()));
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/** A clock that stands still until a sleep moves it forward; each sleep yields to I/O once. */
export function virtualTimer(startTime: number): SimulationTimer {
  let now = startTime;
  return {
    now: () => now,
    sleepUntil: async (time) => {
      now = Math.max(now, time);
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}
