import type { QuarantineReason } from "./quarantineReason.ts";

export type MetricValue = number | boolean | string;

/** One message as the telemetry rule hands it over, before anything is trusted. */
export interface ReceivedMessage {
  readonly thingName: string;
  /** Epoch milliseconds at which IoT Core received the message. */
  readonly receivedAt: number;
  readonly clientId?: string;
  readonly payload: Uint8Array;
}

/** A validated sample of one thing at one time. */
export interface Sample {
  readonly time: number;
  readonly seq?: number;
  readonly metrics: Readonly<Record<string, MetricValue>>;
}

/** Where a sample came from: the message's index in the batch and the sample's index in the message. */
export interface SampleRef {
  readonly messageIndex: number;
  readonly sampleIndex: number;
}

export interface QuarantineEntry {
  readonly reason: QuarantineReason;
  /** Human-readable detail, e.g. which metric and why. */
  readonly detail: string;
  readonly thingName: string;
  readonly receivedAt: number;
  readonly clientId?: string;
  /** Present when one sample (or one of its metrics) was quarantined rather than the whole message. */
  readonly sampleIndex?: number;
  readonly metric?: string;
  /** The original message: its text when it is UTF-8, otherwise base64. */
  readonly message: string;
  readonly messageEncoding: "utf8" | "base64";
}

/** The C2 limits, configurable per deployment. */
export interface TelemetryLimits {
  readonly maxMessageBytes: number;
  readonly maxSamplesPerMessage: number;
  readonly maxMetricsPerSample: number;
  readonly maxStringBytes: number;
  /** Samples further than this ahead of their receive time are quarantined. */
  readonly clockSkewMs: number;
  /** Samples older than this (relative to processing time) are quarantined. */
  readonly maxSampleAgeMs: number;
}

export const DEFAULT_TELEMETRY_LIMITS: TelemetryLimits = {
  maxMessageBytes: 128 * 1024,
  maxSamplesPerMessage: 500,
  maxMetricsPerSample: 200,
  maxStringBytes: 1024,
  clockSkewMs: 5 * 60_000,
  maxSampleAgeMs: 365 * 24 * 3_600_000,
};
