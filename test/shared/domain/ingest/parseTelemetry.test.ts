import { describe, expect, it } from "vitest";
import { parseTelemetry } from "../../../../shared/domain/ingest/parseTelemetry.ts";
import type { QuarantineReason } from "../../../../shared/domain/ingest/quarantineReason.ts";
import { DEFAULT_TELEMETRY_LIMITS, type ReceivedMessage } from "../../../../shared/domain/ingest/types.ts";

const RECEIVED_AT = Date.parse("2026-11-25T12:00:00.000Z");
const NOW = RECEIVED_AT + 1_000;

function message(payload: string | Uint8Array, overrides: Partial<ReceivedMessage> = {}): ReceivedMessage {
  return {
    thingName: "oven-3",
    receivedAt: RECEIVED_AT,
    clientId: "oven-3",
    payload: typeof payload === "string" ? new TextEncoder().encode(payload) : payload,
    ...overrides,
  };
}

function parse(payload: string | Uint8Array, overrides: Partial<ReceivedMessage> = {}) {
  return parseTelemetry(message(payload, overrides), DEFAULT_TELEMETRY_LIMITS, NOW);
}

describe("parseTelemetry", () => {
  it("accepts a single C2 sample with every metric type", () => {
    const result = parse(
      JSON.stringify({
        ts: 1764115200000,
        seq: 42,
        metrics: { temperature: 71.25, running: true, mode: "AUTO" },
      }),
      { receivedAt: 1764115200500 },
    );

    expect(result.quarantined).toEqual([]);
    expect(result.samples).toEqual([
      {
        sampleIndex: 0,
        sample: {
          time: 1764115200000,
          seq: 42,
          metrics: { temperature: 71.25, running: true, mode: "AUTO" },
        },
      },
    ]);
  });

  it("takes the receive time when ts is absent and parses RFC 3339 times with offsets", () => {
    const result = parse(
      JSON.stringify({
        samples: [
          { metrics: { temperature: 1 } },
          { ts: "2026-11-25T12:59:59.250+01:00", metrics: { temperature: 2 } },
        ],
      }),
    );

    expect(result.samples.map(({ sample }) => sample.time)).toEqual([RECEIVED_AT, RECEIVED_AT - 750]);
  });

  it("keeps the good metrics of a sample and quarantines each bad one with its own reason", () => {
    const result = parse(
      JSON.stringify({ metrics: { temperature: 70, "bad-name": 1, site: "x", pressure: null, note: [1] } }),
    );

    expect(result.samples).toEqual([
      { sampleIndex: 0, sample: { time: RECEIVED_AT, metrics: { temperature: 70 } } },
    ]);
    expect(result.quarantined.map(({ reason, metric }) => [reason, metric])).toEqual([
      ["metric_name", "bad-name"],
      ["metric_name", "site"],
      ["metric_value", "pressure"],
      ["metric_value", "note"],
    ]);
  });

  it("quarantines a metric named __proto__ rather than losing it, whatever its value", () => {
    // JSON.parse makes `__proto__` an own key; written as text, as a device would send it.
    const result = parse('{"metrics":{"temperature":70,"__proto__":{"temperature":1},"constructor":2}}');
    const alone = parse('{"metrics":{"__proto__":7}}');

    expect(result.samples).toEqual([
      { sampleIndex: 0, sample: { time: RECEIVED_AT, metrics: { temperature: 70, constructor: 2 } } },
    ]);
    expect(result.quarantined.map(({ reason, metric }) => [reason, metric])).toEqual([
      ["metric_name", "__proto__"],
    ]);
    expect(alone.quarantined.map(({ reason, metric }) => [reason, metric])).toEqual([
      ["metric_name", "__proto__"],
    ]);
  });

  it("quarantines one bad sample of a batch and keeps the others", () => {
    const result = parse(
      JSON.stringify({
        samples: [
          { metrics: { a: 1 } },
          { metrics: "nope" },
          { ts: 1.5, metrics: { a: 2 } },
          { metrics: { a: 3 } },
        ],
      }),
    );

    expect(result.samples.map(({ sampleIndex }) => sampleIndex)).toEqual([0, 3]);
    expect(result.quarantined.map(({ reason, sampleIndex }) => [reason, sampleIndex])).toEqual([
      ["schema", 1],
      ["ts_invalid", 2],
    ]);
  });

  const bigString = "x".repeat(1025);
  const cases: {
    name: string;
    payload: string | Uint8Array;
    reason: QuarantineReason;
    thingName?: string;
  }[] = [
    {
      name: "a message over the size limit",
      payload: `{"metrics":{"a":"${"x".repeat(140_000)}"}}`,
      reason: "payload_too_large",
    },
    {
      name: "bytes that are not UTF-8",
      payload: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
      reason: "invalid_json",
    },
    { name: "text that is not JSON", payload: "temperature=71", reason: "invalid_json" },
    { name: "an empty payload", payload: "", reason: "invalid_json" },
    { name: "JSON without metrics", payload: '{"ts":1}', reason: "schema" },
    { name: "a JSON array", payload: "[1,2]", reason: "schema" },
    { name: "a JSON number", payload: "42", reason: "schema" },
    { name: "JSON null", payload: "null", reason: "schema" },
    { name: "metrics that are an array", payload: '{"metrics":[1]}', reason: "schema" },
    { name: "a negative seq", payload: '{"seq":-1,"metrics":{"a":1}}', reason: "schema" },
    { name: "samples that are not an array", payload: '{"samples":{"a":1}}', reason: "schema" },
    { name: "an empty batch", payload: '{"samples":[]}', reason: "schema" },
    {
      name: "a thing name that IoT Core would never issue",
      payload: '{"metrics":{"a":1}}',
      reason: "thing_name",
      thingName: "oven 3/../x",
    },
    {
      name: "a batch over the sample limit",
      payload: JSON.stringify({ samples: Array.from({ length: 501 }, () => ({ metrics: { a: 1 } })) }),
      reason: "too_many_samples",
    },
    {
      name: "a sample over the metric limit",
      payload: JSON.stringify({
        metrics: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`m${i}`, i])),
      }),
      reason: "too_many_metrics",
    },
    { name: "an empty metrics object", payload: '{"metrics":{}}', reason: "no_metrics" },
    { name: "a metric name starting with a digit", payload: '{"metrics":{"1a":1}}', reason: "metric_name" },
    {
      name: "a metric name over 63 characters",
      payload: `{"metrics":{"a${"b".repeat(63)}":1}}`,
      reason: "metric_name",
    },
    {
      name: "a metric name reserved by Timestream",
      payload: '{"metrics":{"measure_value_x":1}}',
      reason: "metric_name",
    },
    { name: "a metric name with the ts_ prefix", payload: '{"metrics":{"ts_raw":1}}', reason: "metric_name" },
    {
      name: "an SQL reserved word as metric name",
      payload: '{"metrics":{"Select":1}}',
      reason: "metric_name",
    },
    { name: "a metric named like a dimension", payload: '{"metrics":{"device":1}}', reason: "metric_name" },
    {
      name: "a number that overflows to Infinity",
      payload: '{"metrics":{"a":1e400}}',
      reason: "metric_value",
    },
    { name: "a null metric", payload: '{"metrics":{"a":null}}', reason: "metric_value" },
    { name: "an object metric", payload: '{"metrics":{"a":{"b":1}}}', reason: "metric_value" },
    { name: "a string over 1024 bytes", payload: `{"metrics":{"a":"${bigString}"}}`, reason: "metric_value" },
    {
      name: "a ts in seconds by mistake",
      payload: '{"ts":1764115200,"metrics":{"a":1}}',
      reason: "ts_too_old",
    },
    {
      name: "a ts that is not a time",
      payload: '{"ts":"yesterday","metrics":{"a":1}}',
      reason: "ts_invalid",
    },
    {
      name: "an impossible date",
      payload: '{"ts":"2026-02-30T00:00:00Z","metrics":{"a":1}}',
      reason: "ts_invalid",
    },
    { name: "a fractional ts", payload: '{"ts":1764115200000.5,"metrics":{"a":1}}', reason: "ts_invalid" },
    { name: "a negative ts", payload: '{"ts":-5,"metrics":{"a":1}}', reason: "ts_invalid" },
    // A safe integer, but past what a Date holds: printing it in a ts_future detail would throw.
    {
      name: "a ts past year 275760",
      payload: '{"ts":8640000000000001,"metrics":{"a":1}}',
      reason: "ts_invalid",
    },
    {
      name: "a ts beyond the clock skew",
      payload: `{"ts":${RECEIVED_AT + 5 * 60_000 + 1},"metrics":{"a":1}}`,
      reason: "ts_future",
    },
  ];

  it.each(cases)("quarantines $name as $reason", ({ payload, reason, thingName }) => {
    const result = parse(payload, thingName === undefined ? {} : { thingName });

    expect(result.samples).toEqual([]);
    expect(result.quarantined.map((entry) => entry.reason)).toEqual([reason]);
    expect(result.quarantined[0]?.detail).toBeTruthy();
  });

  it("quarantines a whole message another MQTT client published as this thing, as client_mismatch", () => {
    const result = parse('{"metrics":{"temperature":900}}', { clientId: "test-bench-7" });

    expect(result.samples).toEqual([]);
    expect(result.quarantined).toEqual([
      expect.objectContaining({
        reason: "client_mismatch",
        detail: 'published by client "test-bench-7", not by oven-3',
        thingName: "oven-3",
        clientId: "test-bench-7",
      }),
    ]);
  });

  it("takes a message without a client id (recorded before the rule selected it) as the thing's own", () => {
    const { clientId: _, ...withoutClientId } = message('{"metrics":{"a":1}}');

    expect(parseTelemetry(withoutClientId, DEFAULT_TELEMETRY_LIMITS, NOW).samples).toHaveLength(1);
  });

  it("accepts a ts exactly at the clock-skew bound and a string of exactly 1024 bytes", () => {
    const exact = "é".repeat(512); // 2 bytes each
    const result = parse(JSON.stringify({ ts: RECEIVED_AT + 5 * 60_000, metrics: { a: exact } }));

    expect(result.quarantined).toEqual([]);
    expect(result.samples).toHaveLength(1);
  });

  it("keeps the original message, its thing and its client id on every entry", () => {
    const payload = '{"metrics":{"a":null}}';
    const [entry] = parse(payload).quarantined;

    expect(entry).toMatchObject({
      thingName: "oven-3",
      clientId: "oven-3",
      receivedAt: RECEIVED_AT,
      message: payload,
      messageEncoding: "utf8",
      sampleIndex: 0,
      metric: "a",
    });
  });

  it("keeps a payload that is not UTF-8 as base64", () => {
    const [entry] = parse(new Uint8Array([0xff, 0x00, 0x41])).quarantined;

    expect(entry).toMatchObject({ reason: "invalid_json", message: "/wBB", messageEncoding: "base64" });
  });

  it("hints at seconds-for-milliseconds when a ts is implausibly old", () => {
    const [entry] = parse('{"ts":1764115200,"metrics":{"a":1}}').quarantined;

    expect(entry?.detail).toContain("seconds instead of milliseconds");
  });
});
