import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { metricNameProblem } from "../../../../shared/contracts/metricName.ts";
import { parseTelemetry } from "../../../../shared/domain/ingest/parseTelemetry.ts";
import { QUARANTINE_REASONS } from "../../../../shared/domain/ingest/quarantineReason.ts";
import { DEFAULT_TELEMETRY_LIMITS, type ReceivedMessage } from "../../../../shared/domain/ingest/types.ts";

const RECEIVED_AT = Date.parse("2026-11-25T12:00:00.000Z");
const limits = { ...DEFAULT_TELEMETRY_LIMITS, maxSamplesPerMessage: 20, maxMetricsPerSample: 8 };

function received(payload: Uint8Array): ReceivedMessage {
  return { thingName: "press-7", receivedAt: RECEIVED_AT, payload };
}

const metricName = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,8}$/),
  fc.constantFrom("time", "device", "ts_x", "measure_value", "9lives", "", "a-b", "__proto__", "constructor"),
  fc.string({ maxLength: 10 }),
);
const metricValue = fc.oneof(
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 40 }),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.string({ minLength: 1100, maxLength: 1200 }),
);
const timestamp = fc.oneof(
  fc.integer({ min: RECEIVED_AT - 400 * 86_400_000, max: RECEIVED_AT + 3_600_000 }),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.double(),
  fc.string({ maxLength: 30 }),
);
const sampleLike = fc.oneof(
  fc.record(
    {
      ts: timestamp,
      seq: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 })),
      metrics: fc.dictionary(metricName, metricValue, { maxKeys: 10 }),
    },
    { requiredKeys: ["metrics"] },
  ),
  fc.jsonValue(),
);
const payloadLike = fc.oneof(
  sampleLike,
  fc.record({ samples: fc.array(sampleLike, { maxLength: 25 }) }),
  fc.jsonValue(),
);

/** The sample indexes a payload has, when its envelope is a valid single sample or batch. */
function sampleCount(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  if ("samples" in value) {
    const { samples } = value as { samples: unknown };
    return Array.isArray(samples) && samples.length <= limits.maxSamplesPerMessage
      ? samples.length
      : undefined;
  }
  return 1;
}

describe("parseTelemetry (properties)", () => {
  it("never throws and always accounts for arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const result = parseTelemetry(received(bytes), limits, RECEIVED_AT);
        expect(result.samples.length + result.quarantined.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws and always accounts for arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: "grapheme" }), (text) => {
        const result = parseTelemetry(received(new TextEncoder().encode(text)), limits, RECEIVED_AT);
        expect(result.samples.length + result.quarantined.length).toBeGreaterThan(0);
        for (const entry of result.quarantined) expect(QUARANTINE_REASONS).toContain(entry.reason);
      }),
      { numRuns: 500 },
    );
  });

  it("ends every sample of arbitrary JSON stored or quarantined with a reason, and stores only valid metrics", () => {
    fc.assert(
      fc.property(payloadLike, (value) => {
        const result = parseTelemetry(
          received(new TextEncoder().encode(JSON.stringify(value))),
          limits,
          RECEIVED_AT,
        );

        expect(result.samples.length + result.quarantined.length).toBeGreaterThan(0);
        for (const entry of result.quarantined) {
          expect(QUARANTINE_REASONS).toContain(entry.reason);
          expect(entry.detail.length).toBeGreaterThan(0);
        }
        const count = sampleCount(value);
        if (count !== undefined) {
          const stored = new Set(result.samples.map(({ sampleIndex }) => sampleIndex));
          const quarantined = new Set(result.quarantined.map(({ sampleIndex }) => sampleIndex));
          for (let index = 0; index < count; index++) {
            expect(stored.has(index) || quarantined.has(index)).toBe(true);
          }
        }
        for (const { sample } of result.samples) {
          expect(Object.keys(sample.metrics).length).toBeGreaterThan(0);
          for (const [name, metric] of Object.entries(sample.metrics)) {
            expect(metricNameProblem(name)).toBeUndefined();
            if (typeof metric === "number") expect(Number.isFinite(metric)).toBe(true);
            else expect(["boolean", "string"]).toContain(typeof metric);
          }
          expect(sample.time).toBeLessThanOrEqual(RECEIVED_AT + limits.clockSkewMs);
          expect(sample.time).toBeGreaterThanOrEqual(RECEIVED_AT - limits.maxSampleAgeMs);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
