import type * as z from "zod/mini";
import { RANGE_OPS } from "../domain/alarms/rule.ts";
import { type AlarmRuleDocument, alarmRuleDocumentSchema, NESTED_FIELDS, RULE_FIELDS } from "./alarmRules.ts";

/**
 * Validation of C3 rule documents with a path and a plain message for every problem
 * (`rules[3].condition.op: must be one of ...`), for the loader, the API and stored items alike.
 */

export type ProblemPath = readonly (string | number)[];

export interface RuleProblem {
  /** From the file's root, e.g. `["rules", 3, "condition", "op"]`. */
  readonly path: ProblemPath;
  readonly message: string;
}

export type RuleDocumentResult =
  | { readonly ok: true; readonly document: AlarmRuleDocument }
  | { readonly ok: false; readonly problems: readonly RuleProblem[] };

export type RuleDocumentsResult =
  | { readonly ok: true; readonly documents: readonly AlarmRuleDocument[] }
  | { readonly ok: false; readonly problems: readonly RuleProblem[] };

/** `rules[3].condition.op` */
export function formatPath(path: ProblemPath): string {
  let text = "";
  for (const segment of path) {
    text += typeof segment === "number" ? `[${segment}]` : text === "" ? segment : `.${segment}`;
  }
  return text;
}

/** `rules[3].condition.op: must be one of ...` */
export function formatProblem(problem: RuleProblem): string {
  return problem.path.length === 0 ? problem.message : `${formatPath(problem.path)}: ${problem.message}`;
}

/** Checks one rule (a stored item, an API body); problem paths start with `at`. */
export function validateRuleDocument(value: unknown, at: ProblemPath = []): RuleDocumentResult {
  const parsed = alarmRuleDocumentSchema().safeParse(value);
  if (parsed.success) return { ok: true, document: parsed.data };
  return { ok: false, problems: parsed.error.issues.flatMap((issue) => describeIssue(issue, value, [], at)) };
}

/** Checks a rules file's content (a list of rules or `{ rules: [...] }`): every problem, with its path. */
export function validateRuleDocuments(file: unknown): RuleDocumentsResult {
  const problems: RuleProblem[] = [];
  let items: readonly unknown[];
  if (Array.isArray(file)) {
    items = file;
  } else if (isRecord(file) && "rules" in file) {
    for (const key of Object.keys(file).filter((key) => key !== "rules")) {
      problems.push({
        path: [key],
        message: "is not a known field (a rules file is a list or { rules: [...] })",
      });
    }
    if (!Array.isArray(file.rules))
      return { ok: false, problems: [{ path: ["rules"], message: "must be a list of rules" }] };
    items = file.rules;
  } else {
    return {
      ok: false,
      problems: [{ path: [], message: "a rules file must be a list of rules or { rules: [...] }" }],
    };
  }
  const documents: AlarmRuleDocument[] = [];
  const firstIndexOfId = new Map<string, number>();
  items.forEach((item, index) => {
    const result = validateRuleDocument(item, ["rules", index]);
    if (result.ok) documents.push(result.document);
    else problems.push(...result.problems);
    const id = isRecord(item) && typeof item.id === "string" ? item.id : undefined;
    if (id === undefined) return;
    const first = firstIndexOfId.get(id);
    if (first === undefined) firstIndexOfId.set(id, index);
    else
      problems.push({ path: ["rules", index, "id"], message: `duplicate id "${id}" (also rules[${first}])` });
  });
  return problems.length === 0 ? { ok: true, documents } : { ok: false, problems };
}

type Issue = z.core.$ZodIssue;
const DEFAULT_MESSAGE = "Invalid input";

function describeIssue(issue: Issue, root: unknown, origin: ProblemPath, at: ProblemPath): RuleProblem[] {
  const relative = [
    ...origin,
    ...issue.path.map((segment) => (typeof segment === "number" ? segment : String(segment))),
  ];
  const path = [...at, ...relative];
  const value = valueAt(root, relative);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: unknownKeyMessage(key, value, relative),
      }));
    case "invalid_union": {
      const options = (issue as { options?: readonly unknown[] }).options;
      if (options !== undefined) {
        const choices = `one of ${options.map(String).join(", ")}`;
        return [{ path, message: value === undefined ? `is required (${choices})` : `must be ${choices}` }];
      }
      // One alternative got further than "wrong type" (an `{ attribute, default }` with a bad
      // attribute, say): its problems say more than "must be a number or ...".
      const further = issue.errors.filter(
        (alternative) =>
          !alternative.every((inner) => inner.code === "invalid_type" && inner.path.length === 0),
      );
      if (value !== undefined && further.length === 1) {
        return (further[0] ?? []).flatMap((inner) => describeIssue(inner, root, relative, at));
      }
      break;
    }
  }
  return [{ path, message: messageFor(issue, value) }];
}

function messageFor(issue: Issue, value: unknown): string {
  if (value === undefined && issue.code === "invalid_value")
    return `is required (one of ${issue.values.join(", ")})`;
  if (value === undefined && (issue.code === "invalid_type" || issue.code === "invalid_union"))
    return "is required";
  if (issue.message !== DEFAULT_MESSAGE) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${show(value)}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${String(issue.values[0])}`
        : `must be one of ${issue.values.map(String).join(", ")}`;
    case "too_small":
      if (issue.origin === "number")
        return `must be ${issue.inclusive ? "at least" : "above"} ${issue.minimum}`;
      return "must not be empty";
    case "too_big":
      return `must be at most ${issue.maximum}`;
    default:
      return "is not valid";
  }
}

const EXPECTED: Readonly<Record<string, string>> = {
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "an object (a mapping)",
  array: "a list",
  int: "an integer",
};

function show(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function unknownKeyMessage(key: string, holder: unknown, relative: ProblemPath): string {
  const last = relative.at(-1);
  if (relative.length === 0 && isRecord(holder) && typeof holder.kind === "string") {
    const kind = holder.kind as keyof ReturnType<typeof RULE_FIELDS>;
    const kinds = Object.entries(RULE_FIELDS())
      .filter(([, fields]) => fields.includes(key))
      .map(([other]) => other);
    if (kinds.length > 0)
      return `is not allowed on ${kind === "offline" ? "an" : "a"} ${kind} rule (only on ${kinds.join(" and ")} rules)`;
    return unknownField(key, RULE_FIELDS()[kind] ?? []);
  }
  if ((last === "condition" || last === "clear") && isRecord(holder)) {
    const ranged = (RANGE_OPS as readonly unknown[]).includes(holder.op);
    if (key === "low" || key === "high") return "is only used with op inside or outside (use value)";
    if (key === "value" && ranged) return `is not used with op ${String(holder.op)} (use low and high)`;
    return unknownField(key, ranged ? ["op", "low", "high"] : ["op", "value"]);
  }
  return unknownField(
    key,
    typeof last === "string" ? (NESTED_FIELDS()[last as keyof ReturnType<typeof NESTED_FIELDS>] ?? []) : [],
  );
}

function unknownField(key: string, known: readonly string[]): string {
  const tolerance = key.length <= 4 ? 1 : 2;
  const nearest = known.find(
    (candidate) => editDistance(key.toLowerCase(), candidate.toLowerCase()) <= tolerance,
  );
  return nearest === undefined ? "is not a known field" : `is not a known field (did you mean "${nearest}"?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: ProblemPath): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}
