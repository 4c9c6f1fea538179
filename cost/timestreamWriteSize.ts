import type { MeasureValue, WriteRecordsCommandInput } from "@aws-sdk/client-timestream-write";

/**
 * The billed size of a WriteRecords request, by the rules in
 * https://docs.aws.amazon.com/timestream/latest/developerguide/metering-and-pricing.writes.html:
 * per record 8 bytes of timestamp, the UTF-8 bytes of dimension names and values, measure names
 * and string values, 8 bytes per double, 1 per boolean. Dimensions given once in CommonAttributes
 * count once per request (Timestream "charges only once for repeated dimensions" in a batch).
 * The request is then billed in 1 KB write units.
 */
export function timestreamRequestBytes(input: WriteRecordsCommandInput): number {
  const common = input.CommonAttributes ?? {};
  let bytes = 0;
  for (const dimension of common.Dimensions ?? []) bytes += utf8(dimension.Name) + utf8(dimension.Value);
  for (const record of input.Records ?? [])
    bytes += recordBytes({ ...common, ...record, Dimensions: record.Dimensions });
  return bytes;
}

/** Bytes one record takes in storage (its dimensions included), by the same rules. */
export function timestreamRecordBytes(input: WriteRecordsCommandInput, index: number): number {
  const common = input.CommonAttributes ?? {};
  const record = input.Records?.[index] ?? {};
  return recordBytes({
    ...common,
    ...record,
    Dimensions: [...(common.Dimensions ?? []), ...(record.Dimensions ?? [])],
  });
}

function recordBytes(record: {
  readonly Dimensions?: readonly { Name?: string; Value?: string }[] | undefined;
  readonly MeasureName?: string | undefined;
  readonly MeasureValues?: readonly MeasureValue[] | undefined;
}): number {
  let bytes = 8 + utf8(record.MeasureName);
  for (const dimension of record.Dimensions ?? []) bytes += utf8(dimension.Name) + utf8(dimension.Value);
  for (const measure of record.MeasureValues ?? []) {
    bytes += utf8(measure.Name);
    bytes +=
      measure.Type === "DOUBLE" || measure.Type === "BIGINT"
        ? 8
        : measure.Type === "BOOLEAN"
          ? 1
          : utf8(measure.Value);
  }
  return bytes;
}

function utf8(text: string | undefined): number {
  return text === undefined ? 0 : Buffer.byteLength(text, "utf8");
}
