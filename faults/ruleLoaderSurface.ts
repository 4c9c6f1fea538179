import { readFileSync } from "node:fs";
import fc from "fast-check";
import type { AlarmRuleDocument } from "../shared/contracts/alarmRules.ts";
import { loadRuleFile } from "../shared/contracts/loadRuleFile.ts";
import { type RuleProblem, validateRuleDocument } from "../shared/contracts/ruleProblems.ts";
import { type RuleInput, ruleInput } from "./ruleInputs.ts";
import { clip, type HostileInputsRow, tally, type Verdict } from "./surface.ts";

const EXAMPLES = new URL("../examples/alarms.yaml", import.meta.url);

/** What `loadRuleFile` answers when something threw inside it: a bug its last resort hid. */
const UNREAD = "cannot read the file:";

/**
 * C3 rules as `plantwatch rules validate|apply` load a file (`loadRuleFile`) and as `PUT /rules/{id}`
 * checks a body (`validateRuleDocument`), fed the example rules broken one to three nodes at a time
 * and YAML that attacks the parser. Refused: problems, each with a path and a message.
 */
export async function ruleLoaderRow(runs: number, seed: number): Promise<HostileInputsRow> {
  const examples = loadRuleFile(readFileSync(EXAMPLES, "utf8"), "alarms.yaml");
  if (!examples.ok) throw new Error("examples/alarms.yaml does not load; the rule fuzzing starts from it");
  const inputs = fc.sample(ruleInput(examples.documents as AlarmRuleDocument[]), { seed, numRuns: runs });
  return tally("rule loader", inputs, async (input) => verdictOf(input), showInput);
}

function verdictOf(input: RuleInput): Verdict {
  const result =
    input.via === "file"
      ? loadRuleFile(input.text, input.fileName)
      : validateRuleDocument(input.value, ["body"]);
  if (result.ok) return { kind: "accepted" };
  if (result.problems.length === 0) return { kind: "crash", error: "refused without a problem" };
  const reasons: string[] = [];
  for (const problem of result.problems) {
    const malformed =
      !Array.isArray(problem.path) || typeof problem.message !== "string" || problem.message === "";
    if (malformed)
      return { kind: "crash", error: `a problem without a path and message: ${JSON.stringify(problem)}` };
    if (problem.message.startsWith(UNREAD)) return { kind: "crash", error: problem.message };
    reasons.push(reasonOf(problem));
  }
  return { kind: "refused", reasons };
}

/**
 * A stable code for a problem: the field it is about, without list positions (`condition.value`),
 * or what kind of file problem it is. Unknown keys are hostile text, so they share one code.
 */
function reasonOf(problem: RuleProblem): string {
  const { path, message } = problem;
  if (path.length === 0) {
    if (message.startsWith("invalid YAML")) return "yaml_syntax";
    if (message.startsWith("invalid JSON")) return "json_syntax";
    if (message.startsWith("the file is empty")) return "empty_file";
    if (message.startsWith("a rules file must be")) return "not_a_rule_list";
    return "file";
  }
  if (message.startsWith("is not a known field") || message.startsWith("is not allowed on"))
    return "unknown_field";
  if (message.startsWith("duplicate id")) return "duplicate_id";
  const fields = path.filter((segment) => typeof segment === "string");
  const within = (fields[0] === "rules" && path.length > 1) || fields[0] === "body";
  const inRule = within ? fields.slice(1) : fields;
  return inRule.length === 0 ? "rule" : inRule.join(".");
}

function showInput(input: RuleInput): string {
  return input.via === "file"
    ? `${input.fileName}: ${JSON.stringify(input.text)}`
    : `PUT body ${clip(JSON.stringify(input.value) ?? String(input.value))}`;
}
