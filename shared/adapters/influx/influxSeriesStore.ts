// SCAFFOLD: replaced by the real adapter (issue #11, series on InfluxDB). Signature is fixed.
import type { SeriesPoint, SeriesStore, SeriesWriteResult } from "../../ports/seriesStore.ts";
import type { BackoffOptions } from "../aws/retry.ts";
import type { InfluxConnection } from "./influxConnection.ts";

export interface InfluxSeriesStoreOptions {
  readonly connection: InfluxConnection;
  /** Lines per `/write` request. @default 5000 */
  readonly maxLinesPerRequest?: number;
  readonly backoff?: BackoffOptions;
}

export class InfluxSeriesStore implements SeriesStore {
  constructor(readonly options: InfluxSeriesStoreOptions) {}
  write(_points: readonly SeriesPoint[], _options: { readonly deadline: number }): Promise<SeriesWriteResult> {
    throw new Error("not built yet");
  }
}
