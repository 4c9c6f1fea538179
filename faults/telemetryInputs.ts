import fc from "fast-check";
import {
  deepNesting,
  hostileDoc,
  hostileNumber,
  hostileString,
  nonUtf8Bytes,
  PROTOTYPE_KEYS,
  truncated,
  withBadBytes,
} from "./hostileValues.ts";
import { type Doc, Entries, parsedOrText, Raw, toJsonText } from "./jsonDoc.ts";
import { mutated } from "./mutateDoc.ts";

/** One MQTT message: as the telemetry rule's event (possibly malformed), or published on a topic. */
export type TelemetryInput =
  | { readonly via: "event"; readonly event: unknown }
  | {
      readonly via: "topic";
      readonly topic: string;
      readonly clientId: string;
      readonly payload: Uint8Array;
    };

const RECEIVED_AT = Date.parse("2026-11-25T12:00:00.000Z");
const VALID_METRICS = { temperature: 71.25, vibration_rms: 0.12, running: true, mode: "AUTO" };
const validSample = (index: number) => ({
  ts: RECEIVED_AT - 1_000 * index,
  seq: index,
  metrics: VALID_METRICS,
});

/** Every way C2's `ts` goes wrong: seconds for milliseconds, skew, impossible or odd RFC 3339. */
const hostileTs: fc.Arbitrary<Doc> = fc.oneof(
  fc.constantFrom<Doc>(
    Math.floor(RECEIVED_AT / 1000),
    RECEIVED_AT + 3_600_000,
    RECEIVED_AT - 2 * 365 * 86_400_000,
    -1,
    1.5,
    8.64e15,
    8.64e15 + 1,
    "2026-02-30T00:00:00Z",
    "2026-11-25 12:00:00Z",
    "2026-11-25T12:00:00+25:00",
    "2026-11-25T24:00:00Z",
    "0000-01-01T00:00:00Z",
    "+275760-09-13T00:00:00.000Z",
    "2026-11-25T12:00:00.1234567891Z",
    "2026-11-25T11:59:00Z\n",
    "1764072000000",
  ),
  hostileNumber,
  hostileString,
);

/** A metric value the store must not be handed: wrong types, overlong, line breaks, NaN spelled out. */
const hostileMetricValue: fc.Arbitrary<Doc> = fc.oneof(
  hostileDoc,
  fc.constantFrom<Doc>("line\nbreak", "x".repeat(1025), "é".repeat(600), [], new Entries([]), new Raw("NaN")),
);

/** Metric names: prototype keys, reserved words, the edges of the pattern. */
const hostileMetricName: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "time",
      "TIME",
      "measure_value::double",
      "ts_x",
      "device",
      "select",
      "a".repeat(64),
      "_a",
      "1a",
    ),
  },
  { weight: 1, arbitrary: hostileString },
);

const payloadDoc: fc.Arbitrary<Doc> = fc.oneof(
  { weight: 4, arbitrary: mutated(validSample(0)) },
  { weight: 2, arbitrary: mutated({ samples: [validSample(0), validSample(1), validSample(2)] }) },
  { weight: 2, arbitrary: hostileDoc },
  {
    weight: 2,
    arbitrary: hostileTs.map(
      (ts) =>
        new Entries([
          ["ts", ts],
          ["metrics", new Entries([["temperature", 20]])],
        ]),
    ),
  },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(hostileMetricName, hostileMetricValue), { minLength: 1, maxLength: 3 })
      .map((metrics) => new Entries([["metrics", new Entries([["temperature", 20], ...metrics])]])),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Doc>(
      new Entries([["metrics", new Entries([])]]),
      new Entries([["metrics", new Entries(Array.from({ length: 201 }, (_, i) => [`m${i}`, i] as const))]]),
      new Entries([["samples", Array.from({ length: 501 }, (_, i) => toDocSample(i))]]),
      new Entries([["samples", []]]),
      new Entries([["samples", new Entries([["0", toDocSample(0)]])]]),
    ),
  },
);

function toDocSample(index: number): Doc {
  return new Entries([
    ["ts", RECEIVED_AT - index],
    ["metrics", new Entries([["t", index]])],
  ]);
}

const payloadText = payloadDoc.map(toJsonText);

/** Beyond IoT Core's 128 KB: a valid shape padded past the limit. */
const oversized = fc
  .integer({ min: 128 * 1024, max: 256 * 1024 })
  .map((length) => `{"metrics":{"note":"${"x".repeat(length)}"}}`);

const payloadBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 8, arbitrary: payloadText.map(utf8) },
  { weight: 2, arbitrary: truncated(payloadText).map(utf8) },
  { weight: 1, arbitrary: withBadBytes(payloadText) },
  { weight: 1, arbitrary: nonUtf8Bytes },
  { weight: 1, arbitrary: deepNesting.map((raw) => utf8(raw.text)) },
  { weight: 1, arbitrary: oversized.map(utf8) },
  {
    weight: 1,
    arbitrary: payloadText.chain((text) =>
      fc.constantFrom(utf8(`\uFEFF${text}`), Buffer.from(text, "utf16le"), utf8(`${text} ${text}`)),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("", " ", "null", "[]", "{", '"\\ud800"', "1", '{"metrics":{"a":1}}garbage', "\u0000")
      .map(utf8),
  },
);

const goodThing = fc.constantFrom("oven-3", "press:1", "A_b-9", "__proto__", "constructor", "x".repeat(128));
const hostileThing: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  fc.constantFrom("", "x".repeat(129), "+", "#", "$aws", "a/b", "a b", "oven-3\u0000"),
);

/** Mostly valid, so that the payload is what gets judged. */
const thing = fc.oneof({ weight: 4, arbitrary: goodThing }, { weight: 1, arbitrary: hostileThing });

/**
 * A client id other than the thing's, now and then: IoT Core connects a device under its thing name,
 * so most inputs carry that, and the payload is what gets judged; the rest must be client_mismatch.
 */
const otherClientId: fc.Arbitrary<string | null> = fc.option(hostileString, { freq: 5 });

/** What the rule event's fields may hold when something other than the rule invokes the function. */
const anyValue: fc.Arbitrary<unknown> = hostileDoc.map(parsedOrText);

const ruleEvent: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ bytes: payloadBytes, thingName: thing, otherClient: otherClientId })
      .map(({ bytes, thingName, otherClient }) => ({
        payload: Buffer.from(bytes).toString("base64"),
        thingName,
        receivedAt: RECEIVED_AT,
        clientId: otherClient ?? thingName,
      })),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        payload: fc.oneof(
          payloadBytes.map((bytes) => Buffer.from(bytes).toString("base64")),
          hostileString,
          anyValue,
        ),
        thingName: fc.oneof(goodThing, anyValue),
        receivedAt: fc.oneof(hostileNumber.map(parsedOrText), anyValue),
        clientId: anyValue,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyValue },
);

/** A topic the telemetry rule matches, directly or by Basic Ingest, whose thing-name level is hostile. */
function topic(ruleName: string, thingName: string, basicIngest: boolean): string {
  // No level separator, and no wildcard: the broker refuses a publish to a topic with one.
  const name = thingName.replace(/[/+#]/g, "");
  return basicIngest
    ? `$aws/rules/${ruleName}/dt/plantwatch/${name}/telemetry`
    : `dt/plantwatch/${name}/telemetry`;
}

export function telemetryInput(ruleName: string): fc.Arbitrary<TelemetryInput> {
  return fc.oneof(
    { weight: 3, arbitrary: ruleEvent.map((event) => ({ via: "event" as const, event })) },
    {
      weight: 1,
      arbitrary: fc
        .record({
          thingName: thing,
          basicIngest: fc.boolean(),
          otherClient: otherClientId,
          payload: payloadBytes,
        })
        .map(({ thingName, basicIngest, otherClient, payload }) => ({
          via: "topic" as const,
          topic: topic(ruleName, thingName, basicIngest),
          clientId: otherClient ?? thingName,
          payload,
        })),
    },
  );
}

function utf8(text: string): Uint8Array {
  return Buffer.from(text, "utf8");
}
