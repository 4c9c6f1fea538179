/** The parsed form of the supported AWS IoT SQL subset (version 2016-03-23). */

export type Literal = string | number | boolean | null;

export type ComparisonOperator = "=" | "<>" | "<" | "<=" | ">" | ">=";

export type Expression =
  | { readonly kind: "literal"; readonly value: Literal }
  /** A JSON path into the payload: `a.b` is `["a", "b"]`. */
  | { readonly kind: "field"; readonly path: readonly string[] }
  /** `topic()` (level undefined) or `topic(n)`, 1-based. */
  | { readonly kind: "topic"; readonly level?: number }
  | { readonly kind: "timestamp" }
  | { readonly kind: "clientid" }
  /** `encode(value, 'base64')`; `value` "payload" is `*`, the raw payload bytes. */
  | { readonly kind: "encode"; readonly value: Expression | "payload" }
  | { readonly kind: "isNull" | "isUndefined"; readonly operand: Expression }
  | {
      readonly kind: "compare";
      readonly operator: ComparisonOperator;
      readonly left: Expression;
      readonly right: Expression;
    }
  | { readonly kind: "and" | "or"; readonly left: Expression; readonly right: Expression }
  | { readonly kind: "not"; readonly operand: Expression };

export type SelectItem =
  | { readonly kind: "all" }
  | { readonly kind: "item"; readonly key: string; readonly expression: Expression };

export interface IotSqlStatement {
  readonly select: readonly SelectItem[];
  /** Undefined for a rule reached only through Basic Ingest. */
  readonly from: string | undefined;
  readonly where: Expression | undefined;
}
