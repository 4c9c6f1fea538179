/** A validated telemetry query: the thing and metric already match their patterns. */
export interface SeriesQueryRequest {
  readonly thingName: string;
  readonly metric: string;
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
  /** Bucket width in ms (whole seconds); absent for raw points. */
  readonly stepMs?: number;
  /** The most points returned; the newest are kept. */
  readonly maxPoints: number;
}

export interface SeriesQueryPoint {
  /** Epoch ms: the sample time, or the bucket start. */
  readonly time: number;
  /** The sample, or the bucket average. */
  readonly value: number;
  readonly min?: number;
  readonly max?: number;
  readonly count?: number;
}

export interface SeriesQueryResult {
  /** Oldest first. */
  readonly points: readonly SeriesQueryPoint[];
  /** More points existed than `maxPoints`. */
  readonly truncated: boolean;
}

export interface SeriesQuery {
  query(request: SeriesQueryRequest): Promise<SeriesQueryResult>;
}
