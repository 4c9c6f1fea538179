import { metricNameProblem } from "../../contracts/metricName.ts";
import { batchEnvelopeSchema, sampleEnvelopeSchema } from "../../contracts/telemetryPayload.ts";
import { THING_NAME_PATTERN } from "../../contracts/telemetryTopic.ts";
import { parseTimestamp } from "./parseTimestamp.ts";
import type { QuarantineReason } from "./quarantineReason.ts";
import type { MetricValue, QuarantineEntry, ReceivedMessage, Sample, TelemetryLimits } from "./types.ts";

export interface ParsedSample {
  readonly sampleIndex: number;
  readonly sample: Sample;
}

export interface ParsedMessage {
  readonly samples: readonly ParsedSample[];
  readonly quarantined: readonly QuarantineEntry[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * C2 parsing: every sample of a message ends either in `samples` or in `quarantined` with a reason,
 * and a bad metric drops only itself. Never throws, whatever the bytes.
 *
 * `now` is the processing time: the store's retention (`ts_too_old`) is judged against it, while
 * clock skew (`ts_future`) is judged against the receive time so a replay decides the same way.
 */
export function parseTelemetry(
  message: ReceivedMessage,
  limits: TelemetryLimits,
  now: number,
): ParsedMessage {
  const quarantined: QuarantineEntry[] = [];
  const text = decode(message.payload);
  const original =
    text === undefined
      ? { message: Buffer.from(message.payload).toString("base64"), messageEncoding: "base64" as const }
      : { message: text, messageEncoding: "utf8" as const };
  const quarantine = (
    reason: QuarantineReason,
    detail: string,
    at?: { sampleIndex?: number; metric?: string },
  ) => {
    quarantined.push({
      reason,
      detail,
      thingName: message.thingName,
      receivedAt: message.receivedAt,
      ...(message.clientId === undefined ? {} : { clientId: message.clientId }),
      ...at,
      ...original,
    });
  };
  const rejectWhole = (reason: QuarantineReason, detail: string): ParsedMessage => {
    quarantine(reason, detail);
    return { samples: [], quarantined };
  };

  if (!THING_NAME_PATTERN.test(message.thingName)) {
    return rejectWhole(
      "thing_name",
      `thing name ${JSON.stringify(message.thingName.slice(0, 140))} is not valid`,
    );
  }
  // The device policy lets a certificate connect only as its own thing, so a client id other than
  // the topic's thing name means some other policy of the account let this client publish here.
  // No client id (a replay of an event recorded before the rule selected it) is not a mismatch.
  if (message.clientId !== undefined && message.clientId !== message.thingName) {
    return rejectWhole(
      "client_mismatch",
      `published by client ${JSON.stringify(message.clientId.slice(0, 140))}, not by ${message.thingName}`,
    );
  }
  if (message.payload.byteLength > limits.maxMessageBytes) {
    return rejectWhole(
      "payload_too_large",
      `message is ${message.payload.byteLength} bytes; the limit is ${limits.maxMessageBytes}`,
    );
  }
  if (text === undefined) return rejectWhole("invalid_json", "payload is not valid UTF-8");

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return rejectWhole("invalid_json", (error as Error).message);
  }

  let rawSamples: readonly unknown[];
  if (typeof json === "object" && json !== null && "samples" in json) {
    const batch = batchEnvelopeSchema().safeParse(json);
    if (!batch.success) return rejectWhole("schema", describeIssues(batch.error.issues));
    if (batch.data.samples.length > limits.maxSamplesPerMessage) {
      return rejectWhole(
        "too_many_samples",
        `batch has ${batch.data.samples.length} samples; the limit is ${limits.maxSamplesPerMessage}`,
      );
    }
    rawSamples = batch.data.samples;
  } else {
    rawSamples = [json];
  }

  const samples: ParsedSample[] = [];
  rawSamples.forEach((raw, sampleIndex) => {
    const sample = parseSample(raw, sampleIndex, message.receivedAt, limits, now, quarantine);
    if (sample) samples.push({ sampleIndex, sample });
  });
  return { samples, quarantined };
}

type Quarantine = (
  reason: QuarantineReason,
  detail: string,
  at?: { sampleIndex?: number; metric?: string },
) => void;

function parseSample(
  raw: unknown,
  sampleIndex: number,
  receivedAt: number,
  limits: TelemetryLimits,
  now: number,
  quarantine: Quarantine,
): Sample | undefined {
  const envelope = sampleEnvelopeSchema().safeParse(raw);
  if (!envelope.success) {
    quarantine("schema", describeIssues(envelope.error.issues), { sampleIndex });
    return undefined;
  }
  const { ts, seq } = envelope.data;
  // Not zod's copy of `metrics`: it copies a record by assignment, where a `__proto__` key sets the
  // copy's prototype instead of becoming a key, so that metric would vanish without a quarantine entry.
  // JSON.parse keeps it an own key, which the name check then refuses.
  const rawMetrics = (raw as { readonly metrics: Readonly<Record<string, unknown>> }).metrics;

  const time = ts === undefined ? receivedAt : parseTimestamp(ts);
  if (time === undefined) {
    quarantine("ts_invalid", `ts ${JSON.stringify(ts)} is neither epoch milliseconds nor RFC 3339`, {
      sampleIndex,
    });
    return undefined;
  }
  if (time > receivedAt + limits.clockSkewMs) {
    quarantine(
      "ts_future",
      `ts ${new Date(time).toISOString()} is ${Math.round((time - receivedAt) / 1000)} s after receipt; the allowed skew is ${limits.clockSkewMs / 1000} s`,
      { sampleIndex },
    );
    return undefined;
  }
  if (time < now - limits.maxSampleAgeMs) {
    const secondsHint = time < 1e11 ? " (seconds instead of milliseconds?)" : "";
    quarantine(
      "ts_too_old",
      `ts ${new Date(time).toISOString()} is older than the store keeps (${limits.maxSampleAgeMs / 86_400_000} days)${secondsHint}`,
      { sampleIndex },
    );
    return undefined;
  }

  const names = Object.keys(rawMetrics);
  if (names.length === 0) {
    quarantine("no_metrics", "sample has no metrics", { sampleIndex });
    return undefined;
  }
  if (names.length > limits.maxMetricsPerSample) {
    quarantine(
      "too_many_metrics",
      `sample has ${names.length} metrics; the limit is ${limits.maxMetricsPerSample}`,
      { sampleIndex },
    );
    return undefined;
  }

  const metrics: Record<string, MetricValue> = {};
  let kept = 0;
  for (const name of names) {
    const nameProblem = metricNameProblem(name);
    if (nameProblem) {
      quarantine("metric_name", nameProblem, { sampleIndex, metric: name.slice(0, 80) });
      continue;
    }
    const value = rawMetrics[name];
    const valueProblem = metricValueProblem(value, limits.maxStringBytes);
    if (valueProblem) {
      quarantine("metric_value", `${name}: ${valueProblem}`, { sampleIndex, metric: name });
      continue;
    }
    metrics[name] = value as MetricValue;
    kept++;
  }
  // Every dropped metric already has its entry; a sample left empty is simply not stored.
  if (kept === 0) return undefined;
  return seq === undefined ? { time, metrics } : { time, seq, metrics };
}

function metricValueProblem(value: unknown, maxStringBytes: number): string | undefined {
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? undefined : `${value} is not a finite number`;
    case "boolean":
      return undefined;
    case "string": {
      // Cheap bound first: UTF-8 never needs more than 3 bytes per UTF-16 unit.
      if (value.length * 3 <= maxStringBytes) return undefined;
      const bytes = Buffer.byteLength(value, "utf8");
      return bytes <= maxStringBytes ? undefined : `string of ${bytes} bytes exceeds ${maxStringBytes}`;
    }
    default:
      return `${value === null ? "null" : Array.isArray(value) ? "array" : typeof value} is not a number, boolean or string`;
  }
}

function decode(payload: Uint8Array): string | undefined {
  try {
    return utf8.decode(payload);
  } catch {
    return undefined;
  }
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`,
    )
    .join("; ");
}
