import fc from "fast-check";
import type { AlarmEventDetail } from "../../../../shared/domain/alarms/alarmEvent.ts";
import { ALARM_STATES } from "../../../../shared/domain/alarms/alarmState.ts";
import { RULE_KINDS, SEVERITIES } from "../../../../shared/domain/alarms/rule.ts";

/** Pieces that break naive text handling: markup, mentions, controls, halves of pairs, clusters. */
const NASTY = [
  "<",
  ">",
  "&",
  "&amp;",
  "<!channel>",
  "<https://evil.example|click>",
  "[x](https://evil.example)",
  "**",
  "_",
  "`",
  "|",
  "\n",
  "\r\n",
  "\t",
  "\u0000",
  "\u001b[31m",
  "\u0085",
  "\u2028",
  "\u202e",
  "\u2066",
  "\ud83d",
  "\ude00",
  "😀",
  "👩‍🔧",
  "🇩🇪",
  "e\u0301",
  "größe",
  "炉温过高",
  " ",
  "a",
  "-",
];

/** Anything a string field could hold, weighted towards trouble, up to ~700 code units. */
export const nastyString = fc.oneof(
  fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...NASTY), minLength: 150, maxLength: 300 }),
  fc.string({ unit: "grapheme-composite", minLength: 300, maxLength: 600 }),
);

const iso = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true })
  .map((date) => date.toISOString());

/**
 * Details of the C5 shape whose strings are anything at all: the formatters must hold their limits
 * and escape what they must even for events that would fail the schema.
 */
export const arbitraryDetail: fc.Arbitrary<AlarmEventDetail> = fc
  .record({
    ruleId: nastyString,
    thingName: nastyString,
    name: nastyString,
    severity: fc.constantFrom(...SEVERITIES),
    kind: fc.constantFrom(...RULE_KINDS),
    site: fc.option(nastyString, { nil: undefined }),
    line: fc.option(nastyString, { nil: undefined }),
    value: fc.constantFrom(...ALARM_STATES),
    previous: fc.constantFrom(...ALARM_STATES),
    reason: nastyString,
    timestamp: iso,
    trigger: fc.option(
      fc.record({
        metric: nastyString,
        value: fc.oneof(fc.double(), nastyString, fc.boolean()),
        sampleTime: iso,
      }),
      { nil: undefined },
    ),
    actor: fc.option(
      fc.record(
        { id: nastyString, note: fc.option(nastyString, { nil: undefined }) },
        { requiredKeys: ["id"] },
      ),
      { nil: undefined },
    ),
  })
  .map((r) => ({
    version: "1",
    alarmId: `${r.ruleId}:${r.thingName}`,
    rule: { id: r.ruleId, name: r.name, severity: r.severity, kind: r.kind },
    device: {
      thingName: r.thingName,
      ...(r.site === undefined ? {} : { site: r.site }),
      ...(r.line === undefined ? {} : { line: r.line }),
    },
    state: { value: r.value, previous: r.previous, reason: r.reason, timestamp: r.timestamp },
    ...(r.trigger === undefined ? {} : { trigger: r.trigger }),
    ...(r.actor === undefined ? {} : { actor: r.actor }),
  }));

/**
 * For properties over `arbitraryDetail`: a failure is reported at once, with its seed, instead of
 * being shrunk, which for records of long strings can take longer than the test may.
 * `PROPERTY_RUNS=20000` searches harder.
 */
export const PROPERTY_OPTIONS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200), endOnFailure: true };
