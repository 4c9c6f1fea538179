import type {
  _Record,
  Dimension,
  MeasureValue,
  MeasureValueType,
  WriteRecordsCommandInput,
} from "@aws-sdk/client-timestream-write";
import { groupBy } from "../../collections.ts";
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
 * Cuts points into WriteRecords requests of at most 100 records. A series (thing and its
 * site/line) with a full request's worth of points gets requests of its own with the dimensions
 * once in `CommonAttributes`; the rest of all series share requests, each record carrying its
 * dimensions. Timestream bills a request's bytes in 1 KB units, so a stream batch of 100 things'
 * messages costs one request of ~20 units instead of 100 requests of 1 unit each.
 */
export function toWriteChunks(
  points: readonly SeriesPoint[],
  target: { readonly databaseName: string; readonly tableName: string },
): WriteChunk[] {
  const bySeries = groupBy(points, seriesKey);

  const chunks: WriteChunk[] = [];
  const shared: SeriesPoint[] = [];
  for (const group of bySeries.values()) {
    let start = 0;
    for (; group.length - start >= MAX_RECORDS_PER_WRITE; start += MAX_RECORDS_PER_WRITE) {
      chunks.push(toChunk(group.slice(start, start + MAX_RECORDS_PER_WRITE), target));
    }
    for (let index = start; index < group.length; index++) shared.push(group[index] as SeriesPoint);
  }
  for (let start = 0; start < shared.length; start += MAX_RECORDS_PER_WRITE) {
    chunks.push(toChunk(shared.slice(start, start + MAX_RECORDS_PER_WRITE), target));
  }
  return chunks;
}

function seriesKey(point: SeriesPoint): string {
  return `${point.thingName}\u0000${point.site ?? ""}\u0000${point.line ?? ""}`;
}

/** One request; the dimensions go in `CommonAttributes` when every point is of one series. */
function toChunk(
  points: readonly SeriesPoint[],
  target: { readonly databaseName: string; readonly tableName: string },
): WriteChunk {
  const first = points[0] as SeriesPoint;
  const oneSeries = points.every((point) => seriesKey(point) === seriesKey(first));
  return {
    input: {
      DatabaseName: target.databaseName,
      TableName: target.tableName,
      CommonAttributes: {
        ...(oneSeries ? { Dimensions: dimensionsOf(first) } : {}),
        MeasureName: TELEMETRY_MEASURE_NAME,
        MeasureValueType: "MULTI",
        TimeUnit: "MILLISECONDS",
      },
      Records: points.map((point) =>
        oneSeries ? toRecord(point) : { Dimensions: dimensionsOf(point), ...toRecord(point) },
      ),
    },
    refs: points.map((point) => point.ref),
  };
}

function dimensionsOf(point: SeriesPoint): Dimension[] {
  const [device, site, line] = SERIES_DIMENSIONS;
  const dimensions: Dimension[] = [{ Name: device, Value: point.thingName }];
  if (point.site !== undefined) dimensions.push({ Name: site, Value: point.site });
  if (point.line !== undefined) dimensions.push({ Name: line, Value: point.line });
  return dimensions;
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
