/**
 * An EventBridge event-pattern matcher for the subset plantwatch's rules use: nested objects, lists
 * of exact values (strings, numbers, booleans, null), `{ "exists": true|false }`, `{ "prefix": ... }`
 * and `$or`. Any other operator throws, so a pattern that grows beyond the subset cannot pass unseen.
 * Follows the documented semantics: every field of the pattern must match; a list matches when any
 * of its entries does; an array in the event matches when any of its elements does.
 */
export function matchesPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([key, condition]) => {
    if (key === "$or") {
      if (!Array.isArray(condition)) throw new Error("$or must be a list of patterns");
      return condition.some((alternative) => matchesPattern(alternative as Record<string, unknown>, event));
    }
    const value = event[key];
    if (Array.isArray(condition)) return condition.some((entry) => matchesLeaf(entry, value));
    if (isObject(condition)) return value !== undefined && matchesPattern(condition, value);
    throw new Error(`pattern field ${key} must be a list or an object`);
  });
}

function matchesLeaf(entry: unknown, value: unknown): boolean {
  if (isObject(entry)) {
    const [operator, ...others] = Object.keys(entry);
    if (others.length > 0) throw new Error(`one operator per entry, got ${Object.keys(entry).join(", ")}`);
    if (operator === "exists") return (value !== undefined && !isObject(value)) === entry.exists;
    if (operator === "prefix")
      return values(value).some((v) => typeof v === "string" && v.startsWith(String(entry.prefix)));
    throw new Error(`operator ${operator} is outside the matcher's subset`);
  }
  return values(value).some((v) => v === entry);
}

function values(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
