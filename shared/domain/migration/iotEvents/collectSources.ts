import { child, descend, entries, isRecord, items, rootNode, type SourceNode } from "./sourceNode.ts";
import { NO_TEMPLATE, type TemplateContext } from "./templateValues.ts";

/** One file, read: a CloudFormation template (JSON, YAML, CDK's `cdk.out`) or a `describe-*` output. */
export interface SourceDocument {
  readonly file: string;
  readonly value: unknown;
}

/** Something found at a place: the file, the resource (logical id or model name) and the JSON path. */
export interface Finding {
  readonly file: string;
  readonly resource: string;
  readonly path: string;
  readonly message: string;
}

export interface AlarmModelSource {
  readonly file: string;
  /** The logical id in a template; the alarm model's name in a `describe-alarm-model` output. */
  readonly resource: string;
  /** The alarm model's properties (`Properties` of the resource, or the whole output). */
  readonly node: SourceNode;
  readonly context: TemplateContext;
}

export interface InputSource {
  readonly file: string;
  readonly resource: string;
  readonly path: string;
  /** The input's name when the file states it. */
  readonly name?: string;
  /** The attributes' `JsonPath`s. */
  readonly attributes: readonly string[];
}

export interface Sources {
  readonly alarmModels: readonly AlarmModelSource[];
  readonly inputs: readonly InputSource[];
  /** What cannot be an alarm rule: detector models, other IoT Events resources, unknown files. */
  readonly refused: readonly Finding[];
  /** Resources of other services in a template (roles, topics, ...): listed, not migrated. */
  readonly ignored: readonly Finding[];
}

const ALARM_MODEL = "AWS::IoTEvents::AlarmModel";
const INPUT = "AWS::IoTEvents::Input";
const DETECTOR_MODEL = "AWS::IoTEvents::DetectorModel";

const DETECTOR_MODEL_REFUSAL =
  "a detector model is a state machine of your own design, not an alarm: plantwatch rules (threshold, rate, offline) cannot express it; write its conditions as rules by hand, or keep the logic in code subscribed to the telemetry";

/** Sorts every file's IoT Events definitions into alarm models, inputs, refusals and the rest. */
export function collectSources(documents: readonly SourceDocument[]): Sources {
  const sources = { alarmModels: [], inputs: [], refused: [], ignored: [] } satisfies {
    [K in keyof Sources]: Sources[K][number][];
  };
  for (const document of documents) {
    const root = rootNode(document.value);
    const resources = child(root, "Resources");
    if (resources !== undefined && isRecord(resources.value)) {
      collectTemplate(document.file, resources, parameterDefaults(child(root, "Parameters")), sources);
    } else {
      collectOutput(document.file, root, sources);
    }
  }
  return sources;
}

function parameterDefaults(parameters: SourceNode | undefined): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const [name, parameter] of parameters === undefined ? [] : entries(parameters)) {
    const value = child(parameter, "Default")?.value;
    if (typeof value === "string" || typeof value === "number") defaults.set(name, String(value));
  }
  return defaults;
}

function collectTemplate(
  file: string,
  resources: SourceNode,
  defaults: ReadonlyMap<string, string>,
  sources: { alarmModels: AlarmModelSource[]; inputs: InputSource[]; refused: Finding[]; ignored: Finding[] },
): void {
  const inputNames = new Map<string, string>();
  for (const [logicalId, resource] of entries(resources)) {
    const name = descend(resource, "Properties", "InputName")?.value;
    if (child(resource, "Type")?.value === INPUT && typeof name === "string") inputNames.set(logicalId, name);
  }
  const context: TemplateContext = { inputNames, parameterDefaults: defaults };
  for (const [logicalId, resource] of entries(resources)) {
    const type = child(resource, "Type")?.value;
    const properties = child(resource, "Properties") ?? { value: {}, path: `${resource.path}.Properties` };
    const at = { file, resource: logicalId, path: resource.path };
    if (type === ALARM_MODEL) {
      sources.alarmModels.push({ file, resource: logicalId, node: properties, context });
    } else if (type === INPUT) {
      sources.inputs.push({ ...input(file, logicalId, properties), name: inputNames.get(logicalId) });
    } else if (type === DETECTOR_MODEL) {
      sources.refused.push({ ...at, message: `${DETECTOR_MODEL}: ${DETECTOR_MODEL_REFUSAL}` });
    } else if (typeof type === "string" && type.startsWith("AWS::IoTEvents::")) {
      sources.refused.push({ ...at, message: `${type}: not an alarm model; plantwatch has no equivalent` });
    } else {
      sources.ignored.push({ ...at, message: `${String(type)}: not an IoT Events resource` });
    }
  }
}

/** `aws iotevents describe-alarm-model`, `describe-input` or `describe-detector-model` output. */
function collectOutput(
  file: string,
  root: SourceNode,
  sources: { alarmModels: AlarmModelSource[]; inputs: InputSource[]; refused: Finding[] },
): void {
  const alarmModelName = child(root, "alarmModelName")?.value;
  if (child(root, "alarmRule") !== undefined) {
    const resource = typeof alarmModelName === "string" ? alarmModelName : file;
    sources.alarmModels.push({ file, resource, node: root, context: NO_TEMPLATE });
    return;
  }
  const detector = child(root, "detectorModel");
  if (detector !== undefined) {
    const name = descend(detector, "detectorModelConfiguration", "detectorModelName")?.value;
    sources.refused.push({
      file,
      resource: typeof name === "string" ? name : file,
      path: detector.path,
      message: `detector model: ${DETECTOR_MODEL_REFUSAL}`,
    });
    return;
  }
  const definition = child(root, "input");
  if (definition !== undefined) {
    const name = descend(definition, "inputConfiguration", "inputName")?.value;
    const resource = typeof name === "string" ? name : file;
    sources.inputs.push({
      ...input(file, resource, definition),
      ...(typeof name === "string" ? { name } : {}),
    });
    return;
  }
  sources.refused.push({
    file,
    resource: file,
    path: "",
    message:
      "neither a CloudFormation template (no Resources) nor a describe-alarm-model output (no alarmRule)",
  });
}

function input(file: string, resource: string, definitionParent: SourceNode): InputSource {
  const definition = child(definitionParent, "InputDefinition") ?? definitionParent;
  const attributes = items(child(definition, "Attributes")).flatMap((attribute) => {
    const path = child(attribute, "JsonPath")?.value;
    return typeof path === "string" ? [path] : [];
  });
  return { file, resource, path: definitionParent.path, attributes };
}
