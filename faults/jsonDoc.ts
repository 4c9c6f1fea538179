/**
 * Documents built as a tree that can say what a JavaScript value cannot: the same key twice, a
 * `__proto__` key that is a real key (as JSON.parse makes it) and tokens that are not JSON at all
 * (`NaN`, `1e999`), then written out as text.
 */

/** A token written as it is: `NaN`, `-0`, `"\ud800"`. */
export class Raw {
  constructor(readonly text: string) {}
}

/** An object as a list of entries, so a key may repeat and any key is an own key. */
export class Entries {
  constructor(readonly entries: readonly (readonly [string, Doc])[]) {}
}

export type Doc = null | boolean | number | string | Raw | Entries | readonly Doc[];

export function toJsonText(doc: Doc): string {
  if (doc instanceof Raw) return doc.text;
  if (doc instanceof Entries) {
    return `{${doc.entries.map(([key, value]) => `${JSON.stringify(key)}:${toJsonText(value)}`).join(",")}}`;
  }
  if (Array.isArray(doc)) return `[${doc.map(toJsonText).join(",")}]`;
  return JSON.stringify(doc) ?? "null";
}

/** The value JSON.parse makes of the document (a `__proto__` key stays an own key), or its text if it is not JSON. */
export function parsedOrText(doc: Doc): unknown {
  const text = toJsonText(doc);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A plain JSON value as a tree, to be mutated. */
export function toDoc(value: unknown): Doc {
  if (Array.isArray(value)) return value.map(toDoc);
  if (typeof value === "object" && value !== null) {
    return new Entries(Object.entries(value).map(([key, inner]) => [key, toDoc(inner)]));
  }
  return value as Doc;
}
