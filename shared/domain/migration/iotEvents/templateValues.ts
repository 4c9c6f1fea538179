import { intrinsicName, isRecord, type SourceNode, show } from "./sourceNode.ts";

/** What a template knows without deploying: the literal names of its IoT Events inputs. */
export interface TemplateContext {
  /** Logical id → `InputName`, for `Ref` and `${...}` in `Fn::Sub`. */
  readonly inputNames: ReadonlyMap<string, string>;
  /** Parameter → its `Default`, to say what a `Ref` would most likely be. */
  readonly parameterDefaults: ReadonlyMap<string, string>;
}

export const NO_TEMPLATE: TemplateContext = { inputNames: new Map(), parameterDefaults: new Map() };

export type ResolvedText =
  /** `hidden`: the `${...}` of `Fn::Sub` left in `text` because only a deployment knows them. */
  | { readonly ok: true; readonly text: string; readonly hidden: readonly string[]; readonly note?: string }
  | { readonly ok: false; readonly reason: string };

/**
 * A string property as far as the file tells it. `Ref` to an input of the same template and the
 * `${...}` of `Fn::Sub` that name one (or that `Fn::Sub` defines literally) are resolved; anything
 * else a deployment decides (parameters, pseudo parameters, `Fn::GetAtt`, imports) is left as it is
 * and said.
 */
export function resolveText(node: SourceNode, context: TemplateContext): ResolvedText {
  const { value } = node;
  if (typeof value === "string") return { ok: true, text: value, hidden: [] };
  if (typeof value === "number" || typeof value === "boolean") {
    return { ok: true, text: String(value), hidden: [] };
  }
  const intrinsic = intrinsicName(value);
  if (intrinsic === undefined || !isRecord(value)) {
    return { ok: false, reason: `${show(value)} is not a string` };
  }
  const argument = value[intrinsic];
  if (intrinsic === "Ref" && typeof argument === "string") {
    const name = context.inputNames.get(argument);
    const fallback = context.parameterDefaults.get(argument);
    const hint = fallback === undefined ? "" : ` (the parameter's Default is ${fallback})`;
    return name === undefined
      ? { ok: false, reason: `{ Ref: ${argument} } is only known once the stack is deployed${hint}` }
      : { ok: true, text: name, hidden: [], note: `Ref ${argument} is the input ${name}` };
  }
  if (intrinsic === "Fn::Sub") return substitute(argument, context);
  // A list that is itself an intrinsic (`{ Ref: ListParameter }`) is a deployment's to know.
  if (
    intrinsic === "Fn::Join" &&
    Array.isArray(argument) &&
    typeof argument[0] === "string" &&
    Array.isArray(argument[1])
  ) {
    const resolved = argument[1].map((part) => resolveText({ value: part, path: node.path }, context));
    const failed = resolved.find((part) => !part.ok);
    if (failed !== undefined && !failed.ok) return failed;
    const texts = resolved.flatMap((part) => (part.ok ? [part] : []));
    return {
      ok: true,
      text: texts.map((part) => part.text).join(argument[0]),
      hidden: texts.flatMap((part) => part.hidden),
    };
  }
  return { ok: false, reason: `${intrinsic} ${show(argument)} is only known once the stack is deployed` };
}

function substitute(argument: unknown, context: TemplateContext): ResolvedText {
  const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
  if (typeof template !== "string") return { ok: false, reason: `Fn::Sub ${show(argument)} is not a string` };
  const hidden: string[] = [];
  const known: string[] = [];
  const text = template.replace(/\$\{(!?)([^}]*)\}/g, (whole, literalMark: string, name: string) => {
    if (literalMark === "!") return `\${${name}}`;
    const literal = isRecord(variables) ? variables[name] : undefined;
    const value = typeof literal === "string" ? literal : context.inputNames.get(name);
    if (value === undefined) {
      hidden.push(name);
      return whole;
    }
    known.push(`\${${name}} is ${value}`);
    return value;
  });
  return {
    ok: true,
    text,
    hidden,
    ...(known.length > 0 ? { note: `Fn::Sub: ${known.join(", ")}` } : {}),
  };
}
