import type {
  _Record,
  Dimension,
  MeasureValue,
  MeasureValueType,
  WriteRecordsCommandInput,
} from "@aws-sdk/client-timestream-write";
import { SERIES_DIMENSIONS, TELEMETRY_MEASURE_NAME } from "../../contracts/storageLayout.ts";
import type { MetricValue, SampleRef } from "../../domain/ingest/types.ts";
import type { SeriesPoint } from "../../ports/seriesStore.ts";

/** Timestream accepts at most 100 records per WriteRecords request. */
export const MAX_RECORDS_PER_WRITE = 100;

export interface WriteChunk {
  readonly input: WriteRecordsCommandInput;
  /** `refs[i]` is the sample behind `input.Records[i]`. */
  readonly refs: readonly SampleRef[];
}

/**
 * Groups points by series (thing and its site/line) so the dimensions go once per request in
 * `CommonAttributes`, and cuts each group into requests of at most 100 records.
 */
export function toWriteChunks(
  points: readonly SeriesPoint[],
  target: { readonly databaseName: string; readonly tableName: string },
): WriteChunk[] {
  const bySeries = new Map<string, SeriesPoint[]>();
  for (const point of points) {
    const key = `${point.thingName}\u0000${point.site ?? ""}\u0000${point.line ?? ""}`;
    const group = bySeries.get(key);
    if (group) group.push(point);
    else bySeries.set(key, [point]);
  }

  const chunks: WriteChunk[] = [];
  for (const group of bySeries.values()) {
    const first = group[0] as SeriesPoint;
    const [device, site, line] = SERIES_DIMENSIONS;
    const dimensions: Dimension[] = [{ Name: device, Value: first.thingName }];
    if (first.site !== undefined) dimensions.push({ Name: site, Value: first.site });
    if (first.line !== undefined) dimensions.push({ Name: line, Value: first.line });
    for (let start = 0; start < group.length; start += MAX_RECORDS_PER_WRITE) {
      const slice = group.slice(start, start + MAX_RECORDS_PER_WRITE);
      chunks.push({
        input: {
          DatabaseName: target.databaseName,
          TableName: target.tableName,
          CommonAttributes: {
            Dimensions: dimensions,
            MeasureName: TELEMETRY_MEASURE_NAME,
            MeasureValueType: "MULTI",
            TimeUnit: "MILLISECONDS",
          },
          Records: slice.map(toRecord),
        },
        refs: slice.map((point) => point.ref),
      });
    }
  }
  return chunks;
}

function toRecord(point: SeriesPoint): _Record {
  const measures: MeasureValue[] = [];
  for (const name in point.metrics) {
    measures.push(toMeasure(name, point.metrics[name] as MetricValue));
  }
  return { Time: String(point.time), Version: point.version, MeasureValues: measures };
}

function toMeasure(name: string, value: MetricValue): MeasureValue {
  // Numbers are always DOUBLE, so a metric that reports 1 and later 1.5 never changes type (C2).
  const type: MeasureValueType =
    typeof value === "number" ? "DOUBLE" : typeof value === "boolean" ? "BOOLEAN" : "VARCHAR";
  return { Name: name, Value: String(value), Type: type };
}

/** Splits a chunk in two, for isolating the record that makes Timestream refuse a whole request. */
export function splitChunk(chunk: WriteChunk): [WriteChunk, WriteChunk] {
  const records = chunk.input.Records ?? [];
  const middle = Math.ceil(records.length / 2);
  return [
    { input: { ...chunk.input, Records: records.slice(0, middle) }, refs: chunk.refs.slice(0, middle) },
    { input: { ...chunk.input, Records: records.slice(middle) }, refs: chunk.refs.slice(middle) },
  ];
}
