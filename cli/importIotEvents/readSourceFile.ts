import { type CollectionTag, Pair, parse, Scalar, type ScalarTag, YAMLMap } from "yaml";
import { ruleFileFormat } from "../../shared/contracts/loadRuleFile.ts";

/**
 * CloudFormation's short-form tags (`!Sub`, `!Ref`, `!GetAtt`, ...) as the long form a JSON template
 * spells (`{ "Fn::Sub": ... }`), so the mapping sees one shape whatever the file's format.
 */
const FUNCTIONS = [
  "Base64",
  "Cidr",
  "FindInMap",
  "GetAtt",
  "GetAZs",
  "ImportValue",
  "Join",
  "Select",
  "Split",
  "Sub",
  "Transform",
  "And",
  "Equals",
  "If",
  "Not",
  "Or",
  "ToJsonString",
  "Length",
] as const;

function longForm(tag: string): string {
  return tag === "Ref" || tag === "Condition" ? tag : `Fn::${tag}`;
}

/** `!GetAtt Resource.Attribute` is the scalar form of `[Resource, Attribute]`. */
function scalarArgument(tag: string, value: string): unknown {
  if (tag !== "GetAtt") return value;
  const dot = value.indexOf(".");
  return dot < 0 ? value : [value.slice(0, dot), value.slice(dot + 1)];
}

function cloudFormationTags(): (ScalarTag | CollectionTag)[] {
  return ["Ref", "Condition", ...FUNCTIONS].flatMap((name): (ScalarTag | CollectionTag)[] => {
    const tag = `!${name}`;
    const key = longForm(name);
    const wrap = (node: unknown) => {
      // A map made outside a document has no schema to build pairs with: the pair is made here.
      const map = new YAMLMap();
      map.items.push(new Pair(new Scalar(key), node));
      return map;
    };
    return [
      { tag, resolve: (value: string) => ({ [key]: scalarArgument(name, value) }) },
      { tag, collection: "seq", resolve: (sequence) => wrap(sequence) },
      { tag, collection: "map", resolve: (map) => wrap(map) },
    ];
  });
}

/** A template or `describe-*` output: JSON by extension or content, else YAML with CloudFormation's tags. */
export function readSourceFile(text: string, fileName: string): unknown {
  const body = text.replace(/^\uFEFF/, "");
  if (ruleFileFormat(body, fileName) === "json") return JSON.parse(body);
  return parse(body, { customTags: cloudFormationTags(), maxAliasCount: 100, prettyErrors: false });
}
