/**
 * A value read from an AWS IoT Events definition, with the JSON path it was found at. CloudFormation
 * spells properties `AlarmRule`, the IoT Events API (and so `describe-alarm-model`) `alarmRule`, and
 * CDK's DynamoDB action is `DynamoDB` in one and `dynamoDB` in the other: properties are looked up
 * ignoring case, and paths name the key as the file spells it.
 */
export interface SourceNode {
  readonly value: unknown;
  /** e.g. `Resources.OvenOverheat.Properties.AlarmRule.SimpleRule.Threshold`. */
  readonly path: string;
}

export function rootNode(value: unknown): SourceNode {
  return { value, path: "" };
}

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  const segment = /^[A-Za-z_$][\w$:-]*$/.test(key) ? key : JSON.stringify(key);
  return path === "" ? segment : `${path}.${segment}`;
}

/** The property `name` of an object node (any case), or undefined when absent or not an object. */
export function child(node: SourceNode, name: string): SourceNode | undefined {
  if (!isRecord(node.value)) return undefined;
  const lower = name.toLowerCase();
  const key = Object.keys(node.value).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : { value: node.value[key], path: join(node.path, key) };
}

/** A chain of `child` lookups. */
export function descend(node: SourceNode, ...names: readonly string[]): SourceNode | undefined {
  let current: SourceNode | undefined = node;
  for (const name of names) {
    if (current === undefined) return undefined;
    current = child(current, name);
  }
  return current;
}

export function entries(node: SourceNode): readonly (readonly [string, SourceNode])[] {
  if (!isRecord(node.value)) return [];
  return Object.entries(node.value).map(([key, value]) => [key, { value, path: join(node.path, key) }]);
}

export function items(node: SourceNode | undefined): readonly SourceNode[] {
  if (node === undefined || !Array.isArray(node.value)) return [];
  return node.value.map((value, index) => ({ value, path: join(node.path, index) }));
}

/** `Ref`, `Fn::Sub`, `Fn::GetAtt`, ...: a value CloudFormation computes at deploy time. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key] = keys as [string];
  return key === "Ref" || key === "Condition" || key.startsWith("Fn::") ? key : undefined;
}

/** How a value is shown in the report and the comments: JSON, shortened. */
export function show(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
