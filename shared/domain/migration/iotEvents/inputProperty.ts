/**
 * An IoT Events input property reference, `$input.TemperatureInput.sensorData.temperature`: the
 * input's name, then the path in its messages. Segments may be back-quoted (`` `my-field` ``) or, in
 * a template, a `${...}` that `Fn::Sub` leaves to the deployment.
 */
export interface InputReference {
  readonly input: string;
  /** Unquoted segments of the path inside the message. */
  readonly path: readonly string[];
}

const SEGMENT = /[A-Za-z_][A-Za-z0-9_]*|`[^`]+`|\$\{[^}]+\}/y;

export type ParsedProperty =
  | { readonly kind: "input"; readonly reference: InputReference }
  | { readonly kind: "sitewise" }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "boolean"; readonly value: boolean }
  | { readonly kind: "expression" };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** An input property or a threshold, as far as a simple rule can use it. */
export function parseProperty(text: string): ParsedProperty {
  const trimmed = text.trim();
  if (trimmed.startsWith("$sitewise.")) return { kind: "sitewise" };
  if (NUMBER.test(trimmed)) return { kind: "number", value: Number(trimmed) };
  if (trimmed === "true" || trimmed === "false") return { kind: "boolean", value: trimmed === "true" };
  const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(trimmed);
  if (quoted) return { kind: "string", value: quoted[1] ?? quoted[2] ?? "" };
  const reference = parseInputReference(trimmed);
  return reference === undefined ? { kind: "expression" } : { kind: "input", reference };
}

function parseInputReference(text: string): InputReference | undefined {
  const prefix = "$input.";
  if (!text.startsWith(prefix)) return undefined;
  const segments: string[] = [];
  let at = prefix.length;
  for (;;) {
    SEGMENT.lastIndex = at;
    const match = SEGMENT.exec(text);
    if (match === null) return undefined;
    segments.push(match[0].replace(/^`|`$/g, ""));
    at = SEGMENT.lastIndex;
    if (at === text.length) break;
    if (text[at] !== ".") return undefined;
    at += 1;
  }
  const [input, ...path] = segments;
  return input === undefined || path.length === 0 ? undefined : { input, path };
}

/** `TemperatureInput.sensorData.temperature`: how `--metric-map` names a property. */
export function referenceKey(reference: InputReference): string {
  return [reference.input, ...reference.path].join(".");
}

export function isHidden(segment: string): boolean {
  return segment.startsWith("${");
}
