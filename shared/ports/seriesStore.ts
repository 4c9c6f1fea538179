import type { MetricValue, SampleRef } from "../domain/ingest/types.ts";

/** One sample, ready for a series store: who, where, when, what, and which write wins on replay. */
export interface SeriesPoint {
  readonly thingName: string;
  readonly site?: string;
  readonly line?: string;
  /** Epoch milliseconds (event time). */
  readonly time: number;
  /** Larger wins when the same thing and time are written twice with different values. */
  readonly version: number;
  readonly metrics: Readonly<Record<string, MetricValue>>;
  readonly ref: SampleRef;
}

export interface SeriesWriteResult {
  /** Points the store refused for good, with the store's own reason. */
  readonly rejected: readonly { readonly ref: SampleRef; readonly reason: string }[];
  /** Points not written before the deadline (throttling, outages): the caller must retry them. */
  readonly unwritten: readonly SampleRef[];
  /** Requests retried after throttling or a server error. */
  readonly retries: number;
}

export interface SeriesStore {
  /** Writes as much as it can before `deadline` (epoch ms); never throws for a per-point problem. */
  write(points: readonly SeriesPoint[], options: { readonly deadline: number }): Promise<SeriesWriteResult>;
}
