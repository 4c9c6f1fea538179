import { type AlarmRuleDocument, ATTRIBUTE_PATTERN } from "../../../contracts/alarmRules.ts";
import { METRIC_NAME_PATTERN, metricNameProblem } from "../../../contracts/metricName.ts";
import type { ComparisonOp } from "../../alarms/rule.ts";
import type { AlarmModelSource, InputSource } from "./collectSources.ts";
import { type InputReference, isHidden, parseProperty, referenceKey } from "./inputProperty.ts";
import type { MigrationOptions, Note } from "./migration.ts";
import { child, entries, type SourceNode, show } from "./sourceNode.ts";
import { resolveText } from "./templateValues.ts";

type ThresholdCondition = Extract<AlarmRuleDocument, { kind: "threshold" }>["condition"];

export type SimpleRuleResult =
  | { readonly ok: true; readonly metric: string; readonly condition: ThresholdCondition }
  | { readonly ok: false; readonly refusal: Note };

const OPERATORS: Readonly<Record<string, ComparisonOp>> = {
  GREATER: ">",
  GREATER_OR_EQUAL: ">=",
  LESS: "<",
  LESS_OR_EQUAL: "<=",
  EQUAL: "==",
  NOT_EQUAL: "!=",
};

/** A device without the attribute never raises: the message it came from in IoT Events had none either. */
const NEVER_REACHED = Number.MAX_SAFE_INTEGER;

const SITEWISE =
  "a SiteWise asset property: plantwatch evaluates device telemetry (C2), not SiteWise assets; publish the value as a metric and write the rule by hand";
const EXPRESSION =
  "an expression beyond a simple rule (only `$input.<Input>.<path>`, a number or a quoted string map)";

/**
 * `AlarmRule.SimpleRule` → a threshold rule's metric and condition. The metric is the input
 * property's last path segment unless `--metric-map` names it; a threshold that is another input
 * property becomes a registry attribute, set per device with `provision --attr`.
 */
export function mapSimpleRule(
  source: AlarmModelSource,
  options: MigrationOptions,
  inputs: readonly InputSource[],
  notes: { decisions: Note[]; todo: Note[] },
): SimpleRuleResult {
  const alarmRule = child(source.node, "AlarmRule");
  const simple = alarmRule === undefined ? undefined : child(alarmRule, "SimpleRule");
  if (alarmRule === undefined || simple === undefined) {
    const other = alarmRule === undefined ? [] : entries(alarmRule).map(([key]) => key);
    const text = `no AlarmRule.SimpleRule${other.length > 0 ? ` (has ${other.join(", ")})` : ""}: only simple rules map to plantwatch rules`;
    return refused(alarmRule?.path ?? source.node.path, text);
  }
  const property = field(source, simple, "InputProperty");
  if (!property.ok) return property;
  const parsed = parseProperty(property.text);
  if (parsed.kind === "sitewise") return refused(property.path, `InputProperty is ${SITEWISE}`);
  if (parsed.kind !== "input")
    return refused(property.path, `InputProperty ${property.text} is ${EXPRESSION}`);
  const metric = metricOf(parsed.reference, property, options, inputs, notes.decisions);
  if (!metric.ok) return metric;

  const operator = field(source, simple, "ComparisonOperator");
  if (!operator.ok) return operator;
  const op = OPERATORS[operator.text];
  if (op === undefined) {
    return refused(
      operator.path,
      `ComparisonOperator ${operator.text} is none of ${Object.keys(OPERATORS).join(", ")}`,
    );
  }
  const threshold = field(source, simple, "Threshold");
  if (!threshold.ok) return threshold;
  const condition = conditionOf(op, threshold, notes);
  if (!condition.ok) return condition;
  notes.decisions.push({
    path: operator.path,
    text: `${operator.text} → "${op}": raises on the first sample that breaches and clears on the first that does not, as IoT Events did`,
  });
  return { ok: true, metric: metric.metric, condition: condition.condition };
}

type Field =
  | { readonly ok: true; readonly text: string; readonly path: string }
  | { readonly ok: false; readonly refusal: Note };

function field(source: AlarmModelSource, parent: SourceNode, name: string): Field {
  const node = child(parent, name);
  if (node === undefined) return refused(`${parent.path}.${name}`, `no ${name}`);
  const resolved = resolveText(node, source.context);
  if (!resolved.ok) return refused(node.path, `${name}: ${resolved.reason}; write the rule by hand`);
  return { ok: true, text: resolved.text, path: node.path };
}

function refused(path: string, text: string): { readonly ok: false; readonly refusal: Note } {
  return { ok: false, refusal: { path, text } };
}

function metricOf(
  reference: InputReference,
  property: { readonly text: string; readonly path: string },
  options: MigrationOptions,
  inputs: readonly InputSource[],
  decisions: Note[],
): { readonly ok: true; readonly metric: string } | { readonly ok: false; readonly refusal: Note } {
  const key = referenceKey(reference);
  const mapped = options.metricMap.get(key);
  const last = reference.path.at(-1) ?? "";
  if (mapped === undefined && isHidden(last)) {
    return refused(
      property.path,
      `InputProperty ${property.text}: the metric is only known once the stack is deployed; pass --metric-map`,
    );
  }
  const metric = mapped ?? last;
  const problem = metricNameProblem(metric);
  if (problem !== undefined) {
    return refused(
      property.path,
      `${problem}: pass --metric-map '${key}=<name>' (names match ${METRIC_NAME_PATTERN.source})`,
    );
  }
  const path = reference.path.join(".");
  decisions.push({
    path: property.path,
    text: `metric ${metric}: ${mapped === undefined ? "the last segment of" : "--metric-map for"} ${property.text}; devices publish it in the metrics of their C2 telemetry (IoT Events read ${path} from messages to ${isHidden(reference.input) ? "an input named at deploy time" : `the input ${reference.input}`})`,
  });
  const input = inputs.find((candidate) => candidate.name === reference.input);
  if (input !== undefined && input.attributes.length > 0 && !input.attributes.includes(path)) {
    decisions.push({
      path: property.path,
      text: `the input ${reference.input} (${input.file}) declares no attribute ${path} (it has ${input.attributes.join(", ")})`,
    });
  }
  return { ok: true, metric };
}

function conditionOf(
  op: ComparisonOp,
  threshold: { readonly text: string; readonly path: string },
  notes: { decisions: Note[]; todo: Note[] },
):
  | { readonly ok: true; readonly condition: ThresholdCondition }
  | { readonly ok: false; readonly refusal: Note } {
  const parsed = parseProperty(threshold.text);
  const equality = op === "==" || op === "!=";
  switch (parsed.kind) {
    case "number":
      notes.decisions.push({
        path: threshold.path,
        text: `threshold ${threshold.text} → value ${parsed.value}`,
      });
      return { ok: true, condition: { op, value: parsed.value } };
    case "string":
    case "boolean":
      if (!equality)
        return refused(
          threshold.path,
          `Threshold ${threshold.text} is not a number, so ${op} cannot compare it`,
        );
      notes.decisions.push({
        path: threshold.path,
        text: `threshold ${threshold.text} → value ${show(parsed.value)}`,
      });
      return { ok: true, condition: { op: op as "==" | "!=", value: parsed.value } };
    case "input": {
      const attribute = parsed.reference.path.at(-1) ?? "";
      if (op === "!=" || isHidden(attribute) || !ATTRIBUTE_PATTERN.test(attribute)) {
        return refused(
          threshold.path,
          op === "!="
            ? `Threshold ${threshold.text} with NOT_EQUAL: no default keeps devices without the attribute quiet; write the rule by hand`
            : `Threshold ${threshold.text}: ${attribute} cannot be a registry attribute name`,
        );
      }
      const fallback = op === "<" || op === "<=" ? -NEVER_REACHED : NEVER_REACHED;
      notes.decisions.push({
        path: threshold.path,
        text: `threshold ${threshold.text} → the device attribute ${attribute} (default ${fallback}, so a device without it never raises)`,
      });
      notes.todo.push({
        path: threshold.path,
        text: `IoT Events took the threshold from each message (${parsed.reference.path.join(".")}); plantwatch takes it from the device registry: set it per device with \`plantwatch provision <thing> --attr ${attribute}=<value>\``,
      });
      return { ok: true, condition: { op, value: { attribute, default: fallback } } };
    }
    case "sitewise":
      return refused(threshold.path, `Threshold is ${SITEWISE}`);
    default:
      return refused(threshold.path, `Threshold ${threshold.text} is ${EXPRESSION}`);
  }
}
