import fc from "fast-check";
import { hostileDoc, hostileKey } from "./hostileValues.ts";
import { type Doc, Entries, Raw, toDoc } from "./jsonDoc.ts";

/** Ways to break one node of a valid document. */
type Mutation =
  | { readonly op: "replace"; readonly value: Doc }
  | { readonly op: "remove" }
  | { readonly op: "addKey"; readonly key: string; readonly value: Doc }
  | { readonly op: "duplicateKey"; readonly value: Doc }
  | { readonly op: "wrap" };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("replace" as const), value: hostileDoc }) },
  { weight: 1, arbitrary: fc.constant({ op: "remove" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("addKey" as const), key: hostileKey, value: hostileDoc }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("duplicateKey" as const), value: hostileDoc }) },
  { weight: 1, arbitrary: fc.constant({ op: "wrap" as const }) },
);

/** A valid document with one to three of its nodes broken (the root included). */
export function mutated(base: unknown): fc.Arbitrary<Doc> {
  return fc
    .array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 })
    .map((mutations) => mutations.reduce((doc, [at, change]) => mutateAt(doc, at, change), toDoc(base)));
}

function mutateAt(doc: Doc, at: number, change: Mutation): Doc {
  return mutateNode(doc, at % countNodes(doc), change);
}

function countNodes(doc: Doc): number {
  if (doc instanceof Entries) return 1 + doc.entries.reduce((sum, [, value]) => sum + countNodes(value), 0);
  if (Array.isArray(doc)) return 1 + doc.reduce((sum: number, value) => sum + countNodes(value), 0);
  return 1;
}

/** Node `index` in pre-order (0 is `doc` itself) changed; the rest as it was. */
function mutateNode(doc: Doc, index: number, change: Mutation): Doc {
  if (index === 0) return apply(doc, change);
  let remaining = index - 1;
  const visit = (value: Doc): Doc => {
    if (remaining < 0) return value;
    const size = countNodes(value);
    if (remaining >= size) {
      remaining -= size;
      return value;
    }
    const changed = mutateNode(value, remaining, change);
    remaining = -1;
    return changed;
  };
  if (doc instanceof Entries) {
    return new Entries(
      doc.entries
        .map(([key, value]) => [key, visit(value)] as const)
        .filter(([, value]) => value !== REMOVED),
    );
  }
  if (Array.isArray(doc)) return doc.map(visit).filter((value) => value !== REMOVED);
  return doc;
}

/** A marker the parent drops; a removed root becomes `null`. */
const REMOVED = new Raw("null");

function apply(doc: Doc, change: Mutation): Doc {
  switch (change.op) {
    case "replace":
      return change.value;
    case "remove":
      return REMOVED;
    case "wrap":
      return [doc];
    case "addKey":
      return doc instanceof Entries
        ? new Entries([...doc.entries, [change.key, change.value]])
        : change.value;
    case "duplicateKey": {
      if (!(doc instanceof Entries) || doc.entries.length === 0) return change.value;
      const [key] = doc.entries[0] as readonly [string, Doc];
      return new Entries([...doc.entries, [key, change.value]]);
    }
  }
}
