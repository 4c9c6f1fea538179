/**
 * Why a message, a sample or a metric was quarantined (C6). Stable, machine-readable codes:
 * dashboards, metrics dimensions and the quarantine store's keys use them.
 */
export const QUARANTINE_REASONS = [
  /** The message exceeds the configured size limit; it is not parsed. */
  "payload_too_large",
  /** The payload is not UTF-8 JSON. */
  "invalid_json",
  /** The JSON does not have the C2 shape (e.g. no `metrics`, `seq` not an integer). */
  "schema",
  /** The thing name taken from the topic is not a valid IoT thing name. */
  "thing_name",
  /**
   * The MQTT client id that published is not the topic's thing name: another client writing as
   * this thing (IoT Core reports the id, `clientid()`, so a device cannot choose what it says).
   */
  "client_mismatch",
  /** A batch with more samples than allowed; the whole message is quarantined. */
  "too_many_samples",
  /** A sample with more metrics than allowed; the whole sample is quarantined. */
  "too_many_metrics",
  /** A sample whose `metrics` object is empty. */
  "no_metrics",
  /** A metric whose name breaks the naming rule or is reserved; only that metric is dropped. */
  "metric_name",
  /** A metric whose value is not a finite number, a boolean or a short string; only that metric is dropped. */
  "metric_value",
  /** `ts` is neither integer epoch milliseconds nor an RFC 3339 time. */
  "ts_invalid",
  /** `ts` is further in the future than the allowed clock skew. */
  "ts_future",
  /** `ts` is older than the series store accepts. */
  "ts_too_old",
  /** The series store refused the record; the detail carries its reason. */
  "store_rejected",
] as const;

export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];
