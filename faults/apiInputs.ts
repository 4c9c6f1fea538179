import fc from "fast-check";
import { OPERATOR_ROUTES } from "../shared/contracts/operatorApi.ts";
import { bodyFor } from "./apiBodies.ts";
import { GREEDY_GLOBS, hostileKey, hostileString } from "./hostileValues.ts";

/** A request as API Gateway hands it over: the raw path, decoded query parameters, lower-cased headers. */
export interface HostileRequest {
  readonly method: string;
  readonly path: string;
  readonly query: readonly (readonly [string, string])[];
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: { readonly text: string; readonly base64: boolean };
}

type Pairs = readonly (readonly [string, string])[];

/**
 * A valid request to one C7 route with zero, one or two of its parts broken: one hostile part at a
 * time gets past the others' checks and reaches the code behind them (and the stores), where a
 * request broken everywhere is refused at its first check.
 */
const PARTS = ["method", "segment", "tail", "query", "body", "headers"] as const;
type Part = (typeof PARTS)[number];

/** Values naming what the seeded fleet has (and some it has not), so valid requests reach the stores. */
const KNOWN: Readonly<Record<string, readonly string[]>> = {
  thingName: ["oven-3", "oven-4", "press-1", "line-2-packaging-robot-07", "ghost-9"],
  alarmId: [
    "oven-overheat:oven-3",
    "robot-overheat:line-2-packaging-robot-07",
    "oven-overheat:ghost-9",
    "nope:oven-3",
  ],
  action: ["ack", "acknowledge", "snooze", "disable", "enable", "reset"],
  id: ["oven-overheat", "new-rule", "maint-1"],
};

/** Each route's parameters, all valid. */
const VALID_QUERY: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "GET /devices": { thing: "oven-*", site: "plant-1", limit: "10" },
  "GET /devices/{thingName}/telemetry": {
    metric: "temperature",
    from: "2026-11-25T11:00:00Z",
    to: "2026-11-25T12:00:00Z",
    step: "1m",
  },
  "GET /alarms": { state: "ACTIVE,NORMAL", severity: "critical", thing: "oven-*", limit: "10" },
  "GET /alarms/{alarmId}/history": { limit: "5" },
  "GET /silences": { limit: "10" },
  "GET /kpis": {
    site: "plant-1",
    line: "line-1",
    from: "2026-11-25T00:00:00Z",
    to: "2026-11-25T12:00:00Z",
    bucket: "hour",
    limit: "10",
  },
};

const QUERY_NAMES = [
  "state",
  "severity",
  "thing",
  "site",
  "line",
  "limit",
  "next",
  "metric",
  "from",
  "to",
  "step",
  "device",
  "bucket",
];

const queryValue: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  fc.constantFrom(
    ...GREEDY_GLOBS,
    "ACTIVE,normal",
    "critical,,",
    "0",
    "1001",
    "-1",
    "1e3",
    "99999999999999999",
    "2026-02-30T00:00:00Z",
    "275760-09-13T00:00:01Z",
    "8640000000000001",
    "0s",
    "9999d",
    Buffer.from('{"l":"alarms","k":"oven-overheat:oven-3"}').toString("base64url"),
    Buffer.from('{"l":"other","k":"x"}').toString("base64url"),
    Buffer.from('{"l":"alarms","k":"x","__proto__":{"a":1}}').toString("base64url"),
  ),
);

const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  hostileString.map(percentEncoded),
  hostileString.map((text) => text.replaceAll("/", "")).filter((text) => text !== ""),
  fc.constantFrom("%", "%ZZ", "%E0%A4%A", "..", "%2F", "__proto__", "constructor", "x".repeat(300)),
);

const otherMethod = fc.constantFrom(
  "GET",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "HEAD",
  "OPTIONS",
  "TRACE",
  "PROPFIND",
  "get",
  "__PROTO__",
  "CONSTRUCTOR",
);

const hostileQuery: fc.Arbitrary<Pairs> = fc.array(
  fc.tuple(
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...QUERY_NAMES) }, { weight: 1, arbitrary: hostileKey }),
    queryValue,
  ),
  { minLength: 1, maxLength: 4 },
);

const hostileHeaders: fc.Arbitrary<Pairs> = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom("content-type", "content-length", "x-amz-date", "cookie", "host"), hostileKey),
    fc.oneof(fc.constantFrom("text/plain; charset=utf-16", "-1", "application/json\r\nx: y"), hostileString),
  ),
  { minLength: 1, maxLength: 3 },
);

function queryFor(route: string, broken: boolean): fc.Arbitrary<Pairs> {
  const valid = fc.subarray(Object.entries(VALID_QUERY[route] ?? {}));
  if (!broken) return valid;
  const oneReplaced = fc
    .tuple(valid, fc.nat())
    .filter(([pairs]) => pairs.length > 0)
    .chain(([pairs, at]) => {
      const [name] = pairs[at % pairs.length] as readonly [string, string];
      const value = name === "thing" ? fc.oneof(fc.constantFrom(...GREEDY_GLOBS), queryValue) : queryValue;
      return value.map((replaced) =>
        pairs.map(([key, old]) => [key, key === name ? replaced : old] as const),
      );
    });
  return route in VALID_QUERY ? fc.oneof(oneReplaced, hostileQuery) : hostileQuery;
}

const routed: fc.Arbitrary<HostileRequest> = fc
  .tuple(
    fc.constantFrom(...OPERATOR_ROUTES),
    fc.oneof(
      { weight: 1, arbitrary: fc.constant<Part[]>([]) },
      { weight: 4, arbitrary: fc.subarray([...PARTS], { minLength: 1, maxLength: 2 }) },
    ),
    fc.nat(),
  )
  .chain(([route, brokenParts, at]) => {
    const broken = (part: Part) => brokenParts.includes(part);
    const [method, template] = route.split(" ") as [string, string];
    const names = template.split("/").map((part) => /^\{(\w+)\}$/.exec(part)?.[1]);
    const parameters = names.flatMap((name, index) => (name === undefined ? [] : [index]));
    const brokenAt =
      broken("segment") && parameters.length > 0 ? parameters[at % parameters.length] : undefined;
    const segments = template.split("/").map((part, index) => {
      const name = names[index];
      if (name === undefined) return fc.constant(part);
      return index === brokenAt ? hostileSegment : fc.constantFrom(...(KNOWN[name] ?? ["x"]));
    });
    return fc
      .record({
        method: broken("method") ? otherMethod : fc.constant(method),
        segments: fc.tuple(...segments),
        tail: broken("tail") ? fc.constantFrom("/", "//", "/extra", "/..", "/%2F") : fc.constant(""),
        query: queryFor(route, broken("query")),
        headers: broken("headers")
          ? hostileHeaders
          : fc.constant([["content-type", "application/json"] as const]),
      })
      .chain(({ segments: filled, tail, ...rest }) =>
        bodyFor(route, decoded(filled.at(-1) ?? ""), broken("body")).map((body) => ({
          ...rest,
          path: `${filled.join("/")}${tail}`,
          ...(body === undefined ? {} : { body }),
        })),
      );
  });

const strayPath = fc.oneof(
  fc.constantFrom(
    "/",
    "//",
    "/devices//telemetry",
    "/__proto__",
    "/constructor/prototype",
    "/DEVICES",
    "/..",
  ),
  hostileString.map((text) => `/${text}`),
  fc.integer({ min: 1_000, max: 5_000 }).map((count) => "/a".repeat(count)),
);

export const hostileRequest: fc.Arbitrary<HostileRequest> = fc.oneof(
  { weight: 9, arbitrary: routed },
  {
    weight: 1,
    arbitrary: fc
      .record({
        method: otherMethod,
        path: strayPath,
        query: hostileQuery,
        headers: hostileHeaders,
        body: bodyFor("", "", true),
      })
      .map(({ body, ...rest }) => (body === undefined ? rest : { ...rest, body })),
  },
);

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `encodeURIComponent` of the string's UTF-8, where a lone surrogate becomes U+FFFD instead of throwing. */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((byte) =>
      byte < 0x80 && /[A-Za-z0-9\-_.!~*'()]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");
}
