import type { MeasureValue, WriteRecordsRequest } from "@aws-sdk/client-timestream-write";

const MAX_RECORDS = 100;
const MAX_VARCHAR_BYTES = 2048;
const MEASURE_TYPES = new Set(["DOUBLE", "BIGINT", "VARCHAR", "BOOLEAN", "TIMESTAMP"]);

/**
 * The checks behind the fake's ValidationException: the cheap ones Timestream itself makes, plus
 * plantwatch's own contract (CommonAttributes always used, MULTI records in milliseconds), which the
 * real service would accept otherwise. Returns the problem, or undefined for a valid request.
 */
export function validateWriteRecords(
  request: WriteRecordsRequest,
  poisonMeasureName?: string,
): string | undefined {
  if (!nonEmpty(request.DatabaseName) || !nonEmpty(request.TableName))
    return "DatabaseName and TableName are required";
  const records = request.Records;
  if (!Array.isArray(records) || records.length === 0) return "Records must contain at least one record";
  if (records.length > MAX_RECORDS)
    return `Records has ${records.length} records; at most ${MAX_RECORDS} are allowed`;
  const common = request.CommonAttributes;
  if (typeof common !== "object" || common === null)
    return "plantwatch sends CommonAttributes with every request";

  for (const [index, record] of records.entries()) {
    const where = `Records[${index}]`;
    const dimensions = [...(common.Dimensions ?? []), ...(record.Dimensions ?? [])];
    if (dimensions.length === 0) return `${where} has no dimensions`;
    const dimensionNames = dimensions.map((dimension) => dimension.Name);
    if (dimensions.some((dimension) => !nonEmpty(dimension.Name) || !nonEmpty(dimension.Value))) {
      return `${where} has a dimension with an empty name or value`;
    }
    if (new Set(dimensionNames).size !== dimensionNames.length) return `${where} repeats a dimension name`;
    if (!nonEmpty(record.MeasureName ?? common.MeasureName)) return `${where} has no MeasureName`;
    const valueType = record.MeasureValueType ?? common.MeasureValueType;
    if (valueType !== "MULTI") return `${where} has MeasureValueType ${valueType}; plantwatch writes MULTI`;
    const timeUnit = record.TimeUnit ?? common.TimeUnit ?? "MILLISECONDS";
    if (timeUnit !== "MILLISECONDS")
      return `${where} has TimeUnit ${timeUnit}; plantwatch writes MILLISECONDS`;
    const time = record.Time ?? common.Time;
    if (typeof time !== "string" || !/^\d{1,16}$/.test(time)) return `${where} has an invalid Time ${time}`;
    const version = record.Version ?? common.Version;
    if (version !== undefined && (!Number.isSafeInteger(version) || version < 0)) {
      return `${where} has an invalid Version ${version}`;
    }
    const measures = record.MeasureValues ?? common.MeasureValues;
    if (!Array.isArray(measures) || measures.length === 0) return `${where} has no MeasureValues`;
    const measureNames = measures.map((measure) => measure.Name);
    if (new Set(measureNames).size !== measureNames.length) return `${where} repeats a measure name`;
    for (const measure of measures) {
      const problem = checkMeasure(measure, dimensionNames, poisonMeasureName);
      if (problem) return `${where}: ${problem}`;
    }
  }
  return undefined;
}

function checkMeasure(measure: MeasureValue, dimensionNames: unknown[], poison?: string): string | undefined {
  const { Name: name, Value: value, Type: type } = measure;
  if (!nonEmpty(name)) return "a measure has no name";
  if (name === poison) return `measure name ${name} is not allowed`;
  if (dimensionNames.includes(name)) return `measure name ${name} is also a dimension name`;
  if (!MEASURE_TYPES.has(String(type))) return `measure ${name} has an invalid type ${type}`;
  if (typeof value !== "string") return `measure ${name} has no value`;
  switch (type) {
    case "DOUBLE":
      return value.trim() !== "" && Number.isFinite(Number(value))
        ? undefined
        : `measure ${name}: ${value} is not a finite DOUBLE`;
    case "BIGINT":
      return /^-?\d+$/.test(value) ? undefined : `measure ${name}: ${value} is not a BIGINT`;
    case "BOOLEAN":
      return value === "true" || value === "false" ? undefined : `measure ${name}: ${value} is not a BOOLEAN`;
    case "VARCHAR":
      return Buffer.byteLength(value) <= MAX_VARCHAR_BYTES
        ? undefined
        : `measure ${name} is longer than ${MAX_VARCHAR_BYTES} bytes`;
    default:
      return undefined;
  }
}

function nonEmpty(value: unknown): boolean {
  return typeof value === "string" && value.length > 0;
}
