import type { CounterSlot, RunSegment } from "../domain/kpis/deviceFacts.ts";

/**
 * Aggregated facts of one series, computed in the store (C9): a month of samples never leaves it.
 * Requests carry only validated thing and metric names and numbers.
 */
export interface RunSegmentsRequest {
  readonly thingName: string;
  readonly metric: string;
  /** Running while the value is above this (booleans are 1 and 0). */
  readonly threshold: number;
  /** Epoch ms, inclusive; the store also reads `gapAfterMs` before it, for the state at `from`. */
  readonly from: number;
  /** Epoch ms, exclusive; the store also reads `gapAfterMs` after it, for the last sample's end. */
  readonly to: number;
  /** A sample's state holds until the next sample when that comes at most this much later. */
  readonly gapAfterMs: number;
  /** Where the last sample's state ends when no later one exists (`min(to + gapAfterMs, now)`). */
  readonly horizon: number;
}

export interface CounterIncreaseRequest {
  readonly thingName: string;
  readonly metric: string;
  /** Samples in [from, to) count; the one before `from` (within `gapAfterMs`) is the base. */
  readonly from: number;
  readonly to: number;
  /** Increases over a longer silence are left out (made in unknown time). */
  readonly gapAfterMs: number;
  /** Slot width (`SLOT_MS`); slots start at its multiples since the epoch. */
  readonly slotMs: number;
}

export interface SeriesFacts {
  /**
   * Known time of the running signal: segments of equal state (oldest first), each sample holding
   * until the next one if it comes within `gapAfterMs`; longer silences are left out (data gaps).
   */
  runSegments(request: RunSegmentsRequest): Promise<RunSegment[]>;
  /**
   * A counter's increases per slot: a rise counts its difference, a fall is a reset and counts the
   * new value. Slots with samples only; none at all when the counter has no samples in the range.
   */
  counterIncreases(request: CounterIncreaseRequest): Promise<CounterSlot[]>;
}
