// SCAFFOLD: replaced by the real adapter (issue #11, series on InfluxDB). Signature is fixed.
import type { SeriesQuery, SeriesQueryRequest, SeriesQueryResult } from "../../ports/seriesQuery.ts";
import type { InfluxConnection } from "./influxConnection.ts";

export interface InfluxSeriesQueryOptions {
  readonly connection: InfluxConnection;
}

export class InfluxSeriesQuery implements SeriesQuery {
  constructor(readonly options: InfluxSeriesQueryOptions) {}
  query(_request: SeriesQueryRequest): Promise<SeriesQueryResult> {
    throw new Error("not built yet");
  }
}
