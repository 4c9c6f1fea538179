import type { QuarantineReason } from "../../shared/domain/ingest/quarantineReason.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../shared/domain/ingest/types.ts";

const DAY_MS = 86_400_000;

/** A payload that breaks C2 in one known way, and what the ingest path must make of it. */
export interface BadPayload {
  readonly name: string;
  readonly description: string;
  /** The quarantine reasons `parseTelemetry` gives, in order (one per quarantined message, sample or metric). */
  readonly reasons: readonly QuarantineReason[];
  /** Samples of the message that are still stored (a bad metric drops only itself). */
  readonly storedSamples: number;
  /** The payload for a device whose clock reads `time`. */
  build(time: number): Uint8Array;
}

const text = (value: string) => new TextEncoder().encode(value);
const json = (value: unknown) => text(JSON.stringify(value));
const reading = { temperature: 201.5, running: true };

/**
 * One payload per C2 violation a device can commit, for the default limits. Four quarantine
 * reasons cannot come from a device's payload and are left out: `thing_name` (the thing name
 * comes from the topic, which the IoT policy binds to the device), `client_mismatch` (the client
 * id is IoT Core's, not the payload's), `store_rejected` (the series
 * store's verdict), and `payload_too_large` (IoT Core itself refuses messages over 128 KB and
 * drops the connection, so such a message never reaches the rule).
 */
export const BAD_PAYLOADS: readonly BadPayload[] = [
  {
    name: "not-json",
    description: "truncated JSON",
    reasons: ["invalid_json"],
    storedSamples: 0,
    build: (time) => text(`{"ts":${time},"metrics":{"temperature":`),
  },
  {
    name: "not-utf8",
    description: "a string with bytes that are not UTF-8",
    reasons: ["invalid_json"],
    storedSamples: 0,
    build: (time) =>
      new Uint8Array([...text(`{"ts":${time},"metrics":{"mode":"`), 0xc3, 0x28, ...text(`"}}`)]),
  },
  {
    name: "no-metrics",
    description: "readings under `values` instead of `metrics`",
    reasons: ["schema"],
    storedSamples: 0,
    build: (time) => json({ ts: time, values: reading }),
  },
  {
    name: "negative-seq",
    description: "seq is negative",
    reasons: ["schema"],
    storedSamples: 0,
    build: (time) => json({ ts: time, seq: -1, metrics: reading }),
  },
  {
    name: "empty-batch",
    description: "a batch without samples",
    reasons: ["schema"],
    storedSamples: 0,
    build: () => json({ samples: [] }),
  },
  {
    name: "bad-sample-in-batch",
    description: "a batch whose second sample has metrics that are not an object",
    reasons: ["schema"],
    storedSamples: 1,
    build: (time) =>
      json({
        samples: [
          { ts: time, metrics: reading },
          { ts: time, metrics: "hot" },
        ],
      }),
  },
  {
    name: "too-many-samples",
    description: `a batch of ${DEFAULT_TELEMETRY_LIMITS.maxSamplesPerMessage + 1} samples`,
    reasons: ["too_many_samples"],
    storedSamples: 0,
    build: (time) =>
      json({
        samples: Array.from({ length: DEFAULT_TELEMETRY_LIMITS.maxSamplesPerMessage + 1 }, (_, index) => ({
          ts: time - index,
          metrics: { temperature: 200 },
        })),
      }),
  },
  {
    name: "too-many-metrics",
    description: `a sample with ${DEFAULT_TELEMETRY_LIMITS.maxMetricsPerSample + 1} metrics`,
    reasons: ["too_many_metrics"],
    storedSamples: 0,
    build: (time) =>
      json({
        ts: time,
        metrics: Object.fromEntries(
          Array.from({ length: DEFAULT_TELEMETRY_LIMITS.maxMetricsPerSample + 1 }, (_, index) => [
            `zone_${index}`,
            index,
          ]),
        ),
      }),
  },
  {
    name: "empty-metrics",
    description: "a sample with no metrics",
    reasons: ["no_metrics"],
    storedSamples: 0,
    build: (time) => json({ ts: time, metrics: {} }),
  },
  {
    name: "bad-metric-names",
    description: "a metric name with a hyphen and a reserved one, beside a good metric",
    reasons: ["metric_name", "metric_name"],
    storedSamples: 1,
    build: (time) => json({ ts: time, metrics: { temperature: 201.5, "zone-2": 1, measure_name: "x" } }),
  },
  {
    name: "bad-metric-values",
    description: "a number that overflows to Infinity and a null, beside a good metric",
    reasons: ["metric_value", "metric_value"],
    storedSamples: 1,
    build: (time) =>
      text(`{"ts":${time},"metrics":{"temperature":1e999,"oil_pressure":null,"running":true}}`),
  },
  {
    name: "ts-not-a-time",
    description: "ts is an impossible date",
    reasons: ["ts_invalid"],
    storedSamples: 0,
    build: (time) => json({ ts: `${new Date(time).getUTCFullYear()}-02-30T10:00:00Z`, metrics: reading }),
  },
  {
    name: "ts-in-future",
    description: "ts an hour ahead of the device's clock",
    reasons: ["ts_future"],
    storedSamples: 0,
    build: (time) => json({ ts: time + 3_600_000, metrics: reading }),
  },
  {
    name: "ts-too-old",
    description: "ts 20 years ago, older than the store keeps (the shipped stages keep 1 and 5 years)",
    reasons: ["ts_too_old"],
    storedSamples: 0,
    build: (time) => json({ ts: time - 20 * 365 * DAY_MS, metrics: reading }),
  },
  {
    name: "ts-in-seconds",
    description: "ts in seconds instead of milliseconds",
    reasons: ["ts_too_old"],
    storedSamples: 0,
    build: (time) => json({ ts: Math.floor(time / 1000), metrics: reading }),
  },
];
