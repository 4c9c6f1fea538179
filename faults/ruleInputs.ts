import fc from "fast-check";
import { stringify } from "yaml";
import type { AlarmRuleDocument } from "../shared/contracts/alarmRules.ts";
import { deepNesting, hostileString, truncated, withBadBytes } from "./hostileValues.ts";
import { type Doc, parsedOrText, toJsonText } from "./jsonDoc.ts";
import { mutated } from "./mutateDoc.ts";

/** A rules file as `plantwatch rules validate|apply` reads it, or a rule as `PUT /rules/{id}` parses it. */
export type RuleInput =
  | { readonly via: "file"; readonly text: string; readonly fileName: string }
  | { readonly via: "body"; readonly value: unknown };

/** YAML that attacks the parser rather than the schema: alias bombs, unsafe tags, odd directives. */
const HOSTILE_YAML = [
  "- *nowhere",
  "- &a [*a]",
  "- <<: { id: merged, name: Merged, severity: info }\n  kind: offline",
  "- !!js/function 'function () { return process.exit(1) }'",
  "- !!js/regexp /(a+)+$/",
  "- !!js/undefined ~",
  '- !!python/object/apply:os.system ["ls"]',
  "- !<tag:yaml.org,2002:js/function> x",
  "- !!binary aGk=",
  "- !!set { a, b }",
  "- !!omap [ a: 1, a: 2 ]",
  "- !custom x",
  "%YAML 1.1\n---\n- id: yaml-one-one\n  kind: offline",
  "%TAG ! tag:evil.example,2000:\n---\n- !x 1",
  "- id: a\n---\n- id: b",
  "- id: a\n\tname: tab",
  "? [a, b]\n: c",
  "- &k id: anchored-key",
  "rules: 5",
  "rules: [1, null, []]",
  "rules: []\nextra: 1",
  "~",
  "[]",
  "{}",
  "# only a comment",
  "",
  "\uFEFF\uFEFF- id: a",
  "- id: a\u0000",
  "- id: \u0085a\u2028",
  "- id: '\\x00'",
  '- "\\uD800"',
];

/** Scalars to splice into a rule's YAML in place of a value. */
const HOSTILE_YAML_VALUES = [
  "*nowhere",
  "!!js/function 'f(){}'",
  "!!binary aGk=",
  "!!float .nan",
  ".inf",
  "-.inf",
  "1e99999",
  "123456789012345678901234567890",
  "0x7FFFFFFFFFFFFFFFFFFFFFFF",
  "0o17",
  "2001-12-14t21:59:43.10-05:00",
  "{ a: 1, a: 2 }",
  "[ *nowhere ]",
  "!!str",
  "!!map [1]",
  "&x [*x]",
  '"\\u0000"',
  "|\n    multi\n    line",
];

function billionLaughs(levels: number): string {
  const lines = ['- &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level < levels; level++) {
    lines.push(`- &l${level} [${Array.from({ length: 9 }, () => `*l${level - 1}`).join(",")}]`);
  }
  return lines.join("\n");
}

/** The YAML of a document; its JSON text where it is not JSON (YAML reads most JSON). */
function asYaml(doc: Doc): string {
  const value = parsedOrText(doc);
  return typeof value === "string" ? value : stringify(value);
}

const MARK = "HOSTILE_VALUE_MARK";

export function ruleInput(bases: readonly AlarmRuleDocument[]): fc.Arbitrary<RuleInput> {
  const base = fc.constantFrom(...bases);
  const list = fc.array(base, { minLength: 1, maxLength: 3 });
  const brokenList = list.chain((rules) => mutated(rules));
  const brokenWrapped = list.chain((rules) => mutated({ rules }));
  const yamlText = fc.oneof(brokenList, brokenWrapped).map(asYaml);
  const jsonText = fc.oneof(brokenList, brokenWrapped).map(toJsonText);
  const spliced = fc
    .tuple(base, fc.nat(), fc.constantFrom(...HOSTILE_YAML_VALUES))
    .map(([rule, at, value]) => {
      // A marker in place of one field's value, then the raw YAML in the marker's place.
      const keys = Object.keys(rule);
      return stringify([{ ...rule, [keys[at % keys.length] as string]: MARK }]).replace(MARK, value);
    });
  const file = (text: fc.Arbitrary<string>, names: readonly string[]) =>
    fc
      .tuple(text, fc.constantFrom(...names))
      .map(([content, fileName]) => ({ via: "file" as const, text: content, fileName }));

  return fc.oneof(
    { weight: 4, arbitrary: file(yamlText, ["alarms.yaml", "alarms.yml", "-"]) },
    { weight: 3, arbitrary: file(jsonText, ["alarms.json", "-", "alarms.yaml"]) },
    { weight: 2, arbitrary: file(spliced, ["alarms.yaml"]) },
    { weight: 2, arbitrary: file(fc.constantFrom(...HOSTILE_YAML), ["alarms.yaml", "-"]) },
    { weight: 1, arbitrary: file(fc.integer({ min: 3, max: 9 }).map(billionLaughs), ["alarms.yaml"]) },
    { weight: 1, arbitrary: file(truncated(yamlText), ["alarms.yaml"]) },
    { weight: 1, arbitrary: file(truncated(jsonText), ["alarms.json"]) },
    {
      weight: 1,
      arbitrary: file(
        withBadBytes(yamlText).map((bytes) => Buffer.from(bytes).toString("utf8")),
        ["alarms.yaml"],
      ),
    },
    {
      weight: 1,
      arbitrary: file(
        deepNesting.map((raw) => raw.text),
        ["alarms.yaml", "alarms.json"],
      ),
    },
    { weight: 1, arbitrary: file(hostileString, ["alarms.yaml", "-"]) },
    {
      weight: 3,
      arbitrary: base
        .chain((rule) => mutated(rule))
        .map((doc) => ({ via: "body" as const, value: parsedOrText(doc) })),
    },
  );
}
