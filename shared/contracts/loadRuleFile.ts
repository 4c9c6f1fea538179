import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { AlarmRule } from "../domain/alarms/rule.ts";
import { type AlarmRuleDocument, compileRule } from "./alarmRules.ts";
import { formatProblem, type ProblemPath, type RuleProblem, validateRuleDocuments } from "./ruleProblems.ts";

/** A problem in a rules file, with where it is when that is known (1-based). */
export interface FileProblem extends RuleProblem {
  readonly line?: number;
  readonly column?: number;
}

export type RuleFileResult =
  | {
      readonly ok: true;
      readonly documents: readonly AlarmRuleDocument[];
      readonly rules: readonly AlarmRule[];
    }
  | { readonly ok: false; readonly problems: readonly FileProblem[] };

export type RuleFileFormat = "json" | "yaml";

/** By extension; anything else (stdin, say) is JSON if it parses as JSON, YAML otherwise. */
export function ruleFileFormat(text: string, fileName: string): RuleFileFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "yaml";
  try {
    JSON.parse(text);
    return "json";
  } catch {
    return "yaml";
  }
}

/**
 * Reads a C3 rules file (YAML or JSON): the documents and their compiled rules, or every problem,
 * each with its path (`rules[3].condition.op: must be one of ...`) and line. Never throws.
 */
export function loadRuleFile(text: string, fileName: string): RuleFileResult {
  try {
    return load(text.replace(/^\uFEFF/, ""), fileName);
  } catch (error) {
    return {
      ok: false,
      problems: [{ path: [], message: `cannot read the file: ${(error as Error).message}` }],
    };
  }
}

/** `alarms.yaml:12:7: rules[3].condition.op: must be one of ...` */
export function formatFileProblem(problem: FileProblem, fileName: string): string {
  const where = problem.line === undefined ? fileName : `${fileName}:${problem.line}:${problem.column ?? 1}`;
  return `${where}: ${formatProblem(problem)}`;
}

function load(text: string, fileName: string): RuleFileResult {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  let value: unknown;
  if (ruleFileFormat(text, fileName) === "json") {
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { ok: false, problems: [jsonSyntaxProblem(text, error as Error)] };
    }
  } else {
    const syntax = [...document.errors, ...document.warnings].map(
      (error): FileProblem => ({
        path: [],
        message: `invalid YAML: ${error.message}`,
        ...position(lines, error.pos[0]),
      }),
    );
    if (syntax.length > 0) return { ok: false, problems: syntax };
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      return { ok: false, problems: [{ path: [], message: `invalid YAML: ${(error as Error).message}` }] };
    }
  }
  if (value === null || value === undefined) {
    return {
      ok: false,
      problems: [{ path: [], message: "the file is empty: expected a list of rules or { rules: [...] }" }],
    };
  }
  const validated = validateRuleDocuments(value);
  if (!validated.ok) {
    const problems = validated.problems.map((problem): FileProblem => {
      // A bare list has no `rules` key: paths say `rules[3]` all the same.
      const inFile =
        Array.isArray(value) && problem.path[0] === "rules" ? problem.path.slice(1) : problem.path;
      return { ...problem, ...locate(document, lines, inFile) };
    });
    // In file order; problems without a place keep their order, first.
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    return { ok: false, problems };
  }
  return { ok: true, documents: validated.documents, rules: validated.documents.map(compileRule) };
}

/** The line and column of the deepest node on `path` that exists (a missing field: its parent). */
function locate(document: Document, lines: LineCounter, path: ProblemPath): Place {
  let node: unknown = document.contents;
  let offset = isSeq(node) || isMap(node) ? node.range?.[0] : undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) break;
      offset = isScalar(pair.key) ? (pair.key.range?.[0] ?? offset) : offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      const range = (node as { range?: readonly number[] } | undefined)?.range;
      if (range === undefined) break;
      offset = range[0];
    } else {
      break;
    }
  }
  return offset === undefined ? {} : position(lines, offset);
}

type Place = { readonly line?: number; readonly column?: number };

function position(lines: LineCounter, offset: number): Place {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function jsonSyntaxProblem(text: string, error: Error): FileProblem {
  const message = `invalid JSON: ${error.message}`;
  const position = /at position (\d+)/.exec(error.message)?.[1];
  if (position === undefined) return { path: [], message };
  const before = text.slice(0, Number(position));
  const line = before.split("\n").length;
  return { path: [], message, line, column: Number(position) - before.lastIndexOf("\n") };
}
