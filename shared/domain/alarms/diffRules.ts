import type { AlarmRuleDocument } from "../../contracts/alarmRules.ts";

/** One field that differs, by its dotted path in the document (`condition.value`); absent = undefined. */
export interface FieldChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ChangedRule {
  readonly id: string;
  readonly before: unknown;
  readonly after: AlarmRuleDocument;
  readonly changes: readonly FieldChange[];
}

export interface StoredDocument {
  readonly id: string;
  /** As stored: usually a valid document, possibly not (a hand-edited item). */
  readonly document: unknown;
}

/** What applying a file would do; every list sorted by rule id. */
export interface RuleDiff {
  readonly added: readonly AlarmRuleDocument[];
  readonly changed: readonly ChangedRule[];
  /** In the table, not in the file. */
  readonly removed: readonly StoredDocument[];
  readonly unchanged: readonly AlarmRuleDocument[];
}

const byId = (a: { readonly id: string }, b: { readonly id: string }) =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** Compares the stored documents with a file's; key order never counts as a change. */
export function diffRules(
  current: readonly StoredDocument[],
  desired: readonly AlarmRuleDocument[],
): RuleDiff {
  const stored = new Map(current.map((entry) => [entry.id, entry.document]));
  const wanted = new Set(desired.map((document) => document.id));
  const added: AlarmRuleDocument[] = [];
  const changed: ChangedRule[] = [];
  const unchanged: AlarmRuleDocument[] = [];
  for (const document of desired) {
    if (!stored.has(document.id)) {
      added.push(document);
      continue;
    }
    const before = stored.get(document.id);
    const changes = fieldChanges(before, document, "");
    if (changes.length === 0) unchanged.push(document);
    else changed.push({ id: document.id, before, after: document, changes });
  }
  const removed = current.filter((entry) => !wanted.has(entry.id));
  return {
    added: added.sort(byId),
    changed: changed.sort(byId),
    removed: [...removed].sort(byId),
    unchanged: unchanged.sort(byId),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Objects field by field (keys sorted); lists and values as wholes. */
function fieldChanges(before: unknown, after: unknown, path: string): FieldChange[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => fieldChanges(before[key], after[key], path === "" ? key : `${path}.${key}`));
  }
  return canonicalJson(before) === canonicalJson(after) ? [] : [{ path, before, after }];
}

/** `condition.value: 250 → 260`, `for: (none) → 60s` */
export function describeFieldChange(change: FieldChange): string {
  return `${change.path === "" ? "(whole rule)" : change.path}: ${formatValue(change.before)} → ${formatValue(change.after)}`;
}

function formatValue(value: unknown): string {
  if (value === undefined) return "(none)";
  // Bare when it cannot be misread as a number or a boolean: `60s`, `oven-*`, `critical`.
  if (typeof value === "string" && /^[\w.:*?/-]+$/.test(value) && !/^(?:[-\d.]+|true|false)$/.test(value)) {
    return value;
  }
  return canonicalJson(value);
}

/**
 * JSON with object keys sorted at every level: equal documents give equal text whatever their key
 * order (DynamoDB maps keep none), for comparing and hashing rule sets.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    isRecord(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
