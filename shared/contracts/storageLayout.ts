/**
 * Where telemetry and quarantined data live: names the stack and the adapters must agree on,
 * and that queries and operators rely on.
 */

/** The dimensions every telemetry record carries, in this order; `device` is the thing name. */
export const SERIES_DIMENSIONS = ["device", "site", "line"] as const;

/** The table's composite partition key: records of one thing stay together. */
export const PARTITION_DIMENSION = SERIES_DIMENSIONS[0];

/** All metrics of a sample travel in one multi-measure record under this measure name. */
export const TELEMETRY_MEASURE_NAME = "metrics";

/** On InfluxDB: every sample is one point of this measurement, tagged with `SERIES_DIMENSIONS`, one field per metric. */
export const INFLUX_MEASUREMENT = "telemetry";

/** Key prefix of quarantine objects in the quarantine bucket. */
export const QUARANTINE_PREFIX = "quarantine/";

/** Key prefix of the stream consumer's shard checkpoints (`{prefix}{shardId}.json.gz`), in the quarantine bucket. */
export const SHARD_CHECKPOINT_PREFIX = "stream-checkpoints/";
