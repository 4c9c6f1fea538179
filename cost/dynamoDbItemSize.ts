/**
 * The size DynamoDB bills an item at, from the native values the document client is given, by the
 * rules in https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html:
 * attribute names and strings by their UTF-8 bytes, numbers by their significant digits (about one
 * byte per two digits, plus one), booleans and null one byte, lists and maps 3 bytes plus one per
 * element plus their contents. `undefined` attributes are dropped (removeUndefinedValues).
 */
export function dynamoDbItemSize(item: Readonly<Record<string, unknown>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += utf8(name) + valueSize(value);
  }
  return size;
}

/** Write request units of a write: 1 per KB of the larger of the old and new item. */
export function writeUnits(...itemSizes: readonly number[]): number {
  return Math.max(1, Math.ceil(Math.max(0, ...itemSizes) / 1024));
}

/** Read request units of a strongly consistent read: 1 per 4 KB (halved when eventually consistent). */
export function readUnits(itemSize: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(itemSize / 4096));
  return consistent ? units : units / 2;
}

function valueSize(value: unknown): number {
  if (value === null || typeof value === "boolean") return 1;
  if (typeof value === "string") return utf8(value);
  if (typeof value === "number" || typeof value === "bigint") return numberSize(String(value));
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) {
    return 3 + value.reduce((total: number, element) => total + 1 + valueSize(element), 0);
  }
  if (value instanceof Set)
    return [...value].reduce((total: number, element) => total + valueSize(element), 0);
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, inner]) => inner !== undefined,
    );
    return 3 + entries.reduce((total, [name, inner]) => total + 1 + utf8(name) + valueSize(inner), 0);
  }
  return 0;
}

function numberSize(text: string): number {
  const digits = text
    .replace(/^-/, "")
    .replace(/e.*$/i, "")
    .replace(".", "")
    .replace(/^0+/, "")
    .replace(/0+$/, "");
  return Math.min(21, Math.ceil(Math.max(1, digits.length) / 2) + 1);
}

function utf8(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
