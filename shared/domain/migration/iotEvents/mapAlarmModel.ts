import type { AlarmRuleDocument } from "../../../contracts/alarmRules.ts";
import type { Severity } from "../../alarms/rule.ts";
import { mapAlarmActions, mapNotifications } from "./alarmActions.ts";
import type { AlarmNaming } from "./alarmNaming.ts";
import type { AlarmModelSource, InputSource } from "./collectSources.ts";
import { parseProperty } from "./inputProperty.ts";
import type { AlarmMigration, MigrationOptions, Note } from "./migration.ts";
import { defaultSeverity, isIotEventsSeverity, SEVERITY_WHEN_ABSENT } from "./severityTable.ts";
import { mapSimpleRule } from "./simpleRule.ts";
import { child, descend, entries, type SourceNode, show } from "./sourceNode.ts";
import { resolveText } from "./templateValues.ts";

/** Properties understood; anything else is reported as not carried, never dropped unseen. */
const HANDLED = new Set(
  [
    "AlarmModelName",
    "AlarmModelDescription",
    "AlarmRule",
    "Severity",
    "Key",
    "AlarmCapabilities",
    "AlarmEventActions",
    "AlarmNotification",
  ].map((name) => name.toLowerCase()),
);
/** Bookkeeping of IoT Events itself, with no meaning for the rule. */
const NOT_NEEDED = new Set(
  [
    "RoleArn",
    "Tags",
    "AlarmModelArn",
    "AlarmModelVersion",
    "CreationTime",
    "LastUpdateTime",
    "Status",
    "StatusMessage",
  ].map((name) => name.toLowerCase()),
);

/** Matches the thing name, whatever the plant called it. */
const THING_KEY = /^(thing|device)[-_]?(name|id)?$/i;

export interface MappedName extends AlarmNaming {
  /** Unique among all the files. */
  readonly id: string;
}

/** One alarm model → one C3 threshold rule, each decision noted with its path in the source. */
export function mapAlarmModel(
  source: AlarmModelSource,
  naming: MappedName,
  options: MigrationOptions,
  inputs: readonly InputSource[],
): AlarmMigration {
  const decisions: Note[] = [naming.note];
  const todo: Note[] = [];
  const leftOut: Note[] = [];
  const place = { file: source.file, resource: source.resource, path: source.node.path };
  for (const [key, node] of entries(source.node)) {
    const lower = key.toLowerCase();
    if (!HANDLED.has(lower) && !NOT_NEEDED.has(lower)) {
      leftOut.push({ path: node.path, text: `${key} is not understood, so not carried` });
    }
  }
  const simple = mapSimpleRule(source, options, inputs, { decisions, todo });
  if (!simple.ok) {
    return { ...place, status: "refused", decisions, todo, leftOut: [...leftOut, simple.refusal] };
  }
  const severity = severityOf(source, options, decisions, leftOut);
  const latch = latchOf(source.node, decisions, leftOut);
  initialState(source.node, leftOut);
  keyOf(source, decisions, todo);
  const description = child(source.node, "AlarmModelDescription")?.value;
  const match = options.things === undefined ? undefined : { things: [...options.things] };
  decisions.push({
    path: source.node.path,
    text:
      match === undefined
        ? "match: every thing (IoT Events evaluated every message of the input; narrow with --things)"
        : `match: things ${match.things.join(", ")} (--things)`,
  });
  const target = { ruleId: naming.id, severity };
  mapAlarmActions(descend(source.node, "AlarmEventActions", "AlarmActions"), target, {
    decisions,
    todo,
    leftOut,
  });
  mapNotifications(child(source.node, "AlarmNotification"), target, { decisions, todo, leftOut });
  const rule: AlarmRuleDocument = {
    id: naming.id,
    name: naming.name,
    ...(typeof description === "string" && description !== "" ? { description } : {}),
    severity,
    ...(match === undefined ? {} : { match }),
    kind: "threshold",
    metric: simple.metric,
    condition: simple.condition,
    latch,
  };
  return { ...place, status: leftOut.length > 0 ? "partial" : "whole", rule, decisions, todo, leftOut };
}

function severityOf(
  source: AlarmModelSource,
  options: MigrationOptions,
  decisions: Note[],
  leftOut: Note[],
): Severity {
  const node = child(source.node, "Severity");
  if (node === undefined) {
    decisions.push({ path: source.node.path, text: `no Severity: ${SEVERITY_WHEN_ABSENT}` });
    return SEVERITY_WHEN_ABSENT;
  }
  const resolved = resolveText(node, source.context);
  const level = resolved.ok && resolved.hidden.length === 0 ? Number(resolved.text) : Number.NaN;
  if (!isIotEventsSeverity(level)) {
    leftOut.push({
      path: node.path,
      text: `Severity ${show(node.value)} is not an integer the file states: ${SEVERITY_WHEN_ABSENT} instead; set it in the rule`,
    });
    return SEVERITY_WHEN_ABSENT;
  }
  const mapped = options.severityMap.get(level);
  const severity = mapped ?? defaultSeverity(level);
  decisions.push({
    path: node.path,
    text: `Severity ${level} → ${severity} (${mapped === undefined ? "default table; --severity-map changes it" : "--severity-map"})`,
  });
  return severity;
}

type Flag = boolean | undefined | "unreadable";

function flag(node: SourceNode | undefined): Flag {
  if (node === undefined) return undefined;
  if (node.value === true || node.value === "true") return true;
  if (node.value === false || node.value === "false") return false;
  return "unreadable";
}

function latchOf(alarm: SourceNode, decisions: Note[], leftOut: Note[]): boolean {
  const node = descend(alarm, "AlarmCapabilities", "AcknowledgeFlow", "Enabled");
  const enabled = flag(node);
  const path = node?.path ?? alarm.path;
  if (enabled === true) {
    decisions.push({
      path,
      text: "AcknowledgeFlow enabled → latch: true (after clearing, the alarm stays LATCHED until acknowledged, as in IoT Events)",
    });
  } else if (enabled === false) {
    decisions.push({
      path,
      text: "AcknowledgeFlow disabled → latch: false (the alarm returns to NORMAL with the value; acknowledging an ACTIVE alarm stays possible)",
    });
  } else if (enabled === undefined) {
    decisions.push({
      path,
      text: "no AcknowledgeFlow.Enabled in the source → latch: false; set latch: true if these alarms had to be acknowledged",
    });
  } else {
    leftOut.push({
      path,
      text: `AcknowledgeFlow.Enabled ${show(node?.value)} is not true or false: latch: false instead`,
    });
  }
  return enabled === true;
}

function initialState(alarm: SourceNode, leftOut: Note[]): void {
  const node = descend(alarm, "AlarmCapabilities", "InitializationConfiguration", "DisabledOnInitialization");
  const disabled = flag(node);
  if (node === undefined || disabled === false) return;
  leftOut.push({
    path: node.path,
    text:
      disabled === true
        ? "DisabledOnInitialization: plantwatch rules have no initial DISABLED state, so these alarms start NORMAL and raise at once; keep the rule out of `rules apply` until it should run, or disable each alarm after its first sample (`plantwatch alarms disable <rule>:<thing>`)"
        : `DisabledOnInitialization ${show(node.value)} is not true or false`,
  });
}

function keyOf(source: AlarmModelSource, decisions: Note[], todo: Note[]): void {
  const node = child(source.node, "Key");
  const alarmInstance =
    "plantwatch keeps one alarm per thing, {ruleId}:{thingName}, the thing being the {thingName} of the telemetry topic";
  if (node === undefined) {
    decisions.push({
      path: source.node.path,
      text: `no Key: IoT Events kept one alarm for all messages together; ${alarmInstance}`,
    });
    return;
  }
  const resolved = resolveText(node, source.context);
  const parsed = resolved.ok ? parseProperty(resolved.text) : undefined;
  const key = parsed?.kind === "input" ? parsed.reference.path.at(-1) : undefined;
  if (key !== undefined && THING_KEY.test(key)) {
    decisions.push({
      path: node.path,
      text: `Key ${key}: one alarm per device, as in IoT Events (${alarmInstance})`,
    });
    return;
  }
  todo.push({
    path: node.path,
    text: `Key ${resolved.ok ? resolved.text : show(node.value)} is not the device's thing name: ${alarmInstance}; each ${key ?? "key value"} must publish as its own thing (dt/plantwatch/<${key ?? "value"}>/telemetry, provisioned under that name)`,
  });
}
