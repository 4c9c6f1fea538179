import fc from "fast-check";
import { type Doc, Entries, Raw } from "./jsonDoc.ts";

/** Hostile building blocks the three surfaces share. */

/** Keys that reshape an object when assigned instead of defined, or shadow what code looks up. */
export const PROTOTYPE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
] as const;

/** Number spellings JSON has no room for, and values at the edges of what code expects. */
const RAW_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e-999", "0x1F", "01", "+1", ".5"];
const EDGE_NUMBERS = [
  -0,
  -1,
  0.5,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  8.64e15,
  8.64e15 + 1,
  1e21,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
];

/** Control characters, escape sequences, injections and unicode that trips naive code. */
export const HOSTILE_FRAGMENTS = [
  "\u0000",
  "\u0007",
  "\b",
  "\t",
  "\n",
  "\r\n",
  "\u001b[2J",
  "\u007f",
  "\u0085",
  "\u2028",
  "\u2029",
  "\uFEFF",
  "\u200B",
  "\u202E",
  "\uD800",
  "\uDFFF",
  "🔥",
  "e\u0301",
  "ｏｖｅｎ",
  "İ",
  "\\",
  "\\u0000",
  "%00",
  "%2F",
  "%",
  "%ZZ",
  "../",
  "*",
  "?",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style lookup, literally
  "${jndi:ldap://x}",
  "{{7*7}}",
  "'; DROP TABLE t;--",
  '" OR 1=1',
  "<script>",
  ",tag=x ",
  "=",
  " ",
  "NaN",
  "-Infinity",
] as const;

export const hostileNumber: fc.Arbitrary<Doc> = fc.oneof(
  fc.constantFrom(...EDGE_NUMBERS),
  fc.constantFrom(...RAW_NUMBERS).map((text) => new Raw(text)),
  fc.double(),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
);

/** Strings made of hostile fragments, arbitrary code points, or sheer length. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(fc.constantFrom(...HOSTILE_FRAGMENTS), { minLength: 1, maxLength: 4 })
      .map((parts) => parts.join("")),
  },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 24 }) },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "null", "true", "0", "[]", "{}") },
  { weight: 1, arbitrary: fc.integer({ min: 129, max: 5_000 }).map((length) => "x".repeat(length)) },
);

/** Keys: prototype keys first, then whatever hostile strings make. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 1, arbitrary: hostileString },
);

const hostileScalar: fc.Arbitrary<Doc> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  hostileNumber,
  hostileString,
  // A lone surrogate survives only as an escape inside JSON text.
  fc.constantFrom('"\\ud800"', '"\\udfff\\u0000"').map((text) => new Raw(text)),
);

/** Any hostile JSON-ish value, a few levels deep. */
export const hostileDoc: fc.Arbitrary<Doc> = fc.letrec<{ doc: Doc }>((tie) => ({
  doc: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileScalar,
    fc.array(tie("doc"), { maxLength: 4 }),
    fc.array(fc.tuple(hostileKey, tie("doc")), { maxLength: 4 }).map((entries) => new Entries(entries)),
  ),
})).doc;

/**
 * Valid globs that a backtracking matcher explores exponentially against a name they do not match
 * (each star tries every split of the name), and one that matches everything.
 */
export const GREEDY_GLOBS = [
  `${"*".repeat(20)}x`,
  `${"*".repeat(60)}0`,
  `${"*".repeat(40)}?x`,
  "*".repeat(128),
];

/** Nesting far deeper than any document needs: recursion in a parser or validator overflows here. */
export const deepNesting: fc.Arbitrary<Raw> = fc
  .tuple(fc.integer({ min: 1_000, max: 20_000 }), fc.constantFrom("[", '{"a":'))
  .map(([depth, open]) => new Raw(`${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}`));

/** The text cut somewhere inside: what a dropped connection or a full disk leaves. */
export function truncated(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(text, fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([whole, fraction]) => whole.slice(0, Math.floor(whole.length * fraction)));
}

/** Bytes that are not UTF-8: overlong forms, encoded surrogates, stray continuation bytes, UTF-16. */
export const nonUtf8Bytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constantFrom(
    Uint8Array.of(0xc0, 0xaf),
    Uint8Array.of(0xed, 0xa0, 0x80),
    Uint8Array.of(0xff, 0xfe),
    Uint8Array.of(0x80),
    Uint8Array.of(0xf4, 0x90, 0x80, 0x80),
  ),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Uint8Array.of(0xff, ...bytes)),
);

/** A valid text with bytes that are not UTF-8 spliced in. */
export function withBadBytes(text: fc.Arbitrary<string>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(text, nonUtf8Bytes, fc.nat()).map(([whole, bad, at]) => {
    const bytes = Buffer.from(whole, "utf8");
    const cut = bytes.length === 0 ? 0 : at % bytes.length;
    return Buffer.concat([bytes.subarray(0, cut), bad, bytes.subarray(cut)]);
  });
}
