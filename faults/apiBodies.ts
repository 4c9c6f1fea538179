import fc from "fast-check";
import { OVEN_OVERHEAT_RULE } from "../test/support/operatorApi.ts";
import type { HostileRequest } from "./apiInputs.ts";
import {
  deepNesting,
  GREEDY_GLOBS,
  hostileDoc,
  nonUtf8Bytes,
  truncated,
  withBadBytes,
} from "./hostileValues.ts";
import { toJsonText } from "./jsonDoc.ts";
import { mutated } from "./mutateDoc.ts";

/** The body the route takes: valid, broken at one to three nodes, or anything else a client sends. */
export function bodyFor(
  route: string,
  pathId: string,
  broken: boolean,
): fc.Arbitrary<HostileRequest["body"]> {
  const base: fc.Arbitrary<unknown> =
    route === "PUT /rules/{id}"
      ? fc.constant({ ...OVEN_OVERHEAT_RULE, id: pathId })
      : route === "PUT /silences/{id}"
        ? fc.constantFrom("oven-*", ...GREEDY_GLOBS).map((glob) => ({
            match: { things: [glob], site: "plant-1" },
            duration: "1h",
            comment: "maintenance",
          }))
        : fc.constantFrom({ note: "checking the burner" }, { note: "checking", duration: "30m" }, {});
  const takesBody = route.startsWith("PUT") || route.startsWith("POST");
  if (!broken)
    return takesBody
      ? base.map((valid) => ({ text: JSON.stringify(valid), base64: false }))
      : fc.constant(undefined);
  const shaped = base.chain((valid) => mutated(valid)).map(toJsonText);
  const text = fc.oneof(
    { weight: 4, arbitrary: shaped },
    { weight: 1, arbitrary: truncated(shaped) },
    { weight: 1, arbitrary: hostileDoc.map(toJsonText) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("", "null", "{", "[]", '"x"', "NaN", '{"note":"a"}{"note":"b"}'),
    },
    { weight: 1, arbitrary: deepNesting.map((raw) => raw.text) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 64 * 1024, max: 128 * 1024 })
        .map((length) => `{"note":"${"x".repeat(length)}"}`),
    },
  );
  return fc.oneof(
    { weight: 6, arbitrary: text.map((content) => ({ text: content, base64: false })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(withBadBytes(shaped), nonUtf8Bytes)
        .map((bytes) => ({ text: Buffer.from(bytes).toString("base64"), base64: true })),
    },
    // Not base64 at all, though it says so.
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("!!!", "=", "a", "\u00ff")
        .map((content) => ({ text: content, base64: true })),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}
