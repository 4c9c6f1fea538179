import type { ComparisonOperator, Expression } from "./iotSqlSyntax.ts";

/**
 * IoT SQL values: JSON values, plus `undefined` for IoT's Undefined (a missing field, a function
 * given the wrong type). Semantics from the operator reference
 * (https://docs.aws.amazon.com/iot/latest/developerguide/iot-sql-operators.html): comparisons with
 * Undefined are Undefined, AND/OR/NOT take only Booleans (or "true"/"false" strings), and a WHERE
 * clause passes only when it is exactly true.
 */
export type IotValue =
  | string
  | number
  | boolean
  | null
  | readonly IotValue[]
  | { readonly [key: string]: IotValue }
  | undefined;

/** What an expression can read of one message. */
export interface EvaluationContext {
  /** The topic the rule sees (for Basic Ingest, without its `$aws/rules/{rule}/` prefix). */
  readonly topic: string;
  readonly clientId: string;
  readonly receivedAt: number;
  /** The raw payload, for `encode(*, ...)`. */
  readonly payload: Uint8Array;
  /** The value of a payload field; throws when the payload is not JSON (see compileTopicRule). */
  field(path: readonly string[]): IotValue;
}

export function evaluateExpression(expression: Expression, context: EvaluationContext): IotValue {
  switch (expression.kind) {
    case "literal":
      return expression.value;
    case "field":
      return context.field(expression.path);
    case "topic":
      return expression.level === undefined ? context.topic : context.topic.split("/")[expression.level - 1];
    case "timestamp":
      return context.receivedAt;
    case "clientid":
      return context.clientId;
    case "encode": {
      if (expression.value === "payload") return Buffer.from(context.payload).toString("base64");
      const text = asText(evaluateExpression(expression.value, context));
      return text === undefined ? undefined : Buffer.from(text, "utf8").toString("base64");
    }
    case "isNull":
      return evaluateExpression(expression.operand, context) === null;
    case "isUndefined":
      return evaluateExpression(expression.operand, context) === undefined;
    case "compare":
      return compare(
        expression.operator,
        evaluateExpression(expression.left, context),
        evaluateExpression(expression.right, context),
      );
    case "and":
    case "or": {
      const left = asBoolean(evaluateExpression(expression.left, context));
      const right = asBoolean(evaluateExpression(expression.right, context));
      if (left === undefined || right === undefined) return undefined;
      return expression.kind === "and" ? left && right : left || right;
    }
    case "not": {
      const operand = asBoolean(evaluateExpression(expression.operand, context));
      return operand === undefined ? undefined : !operand;
    }
  }
}

function compare(operator: ComparisonOperator, left: IotValue, right: IotValue): boolean | undefined {
  if (left === undefined || right === undefined) return undefined;
  if (operator === "=") return sameValue(left, right);
  if (operator === "<>") return !sameValue(left, right);
  // Ordering converts both sides to Decimal; what does not convert makes the result Undefined.
  const a = asDecimal(left);
  const b = asDecimal(right);
  if (a === undefined || b === undefined) return undefined;
  if (operator === "<") return a < b;
  if (operator === "<=") return a <= b;
  if (operator === ">") return a > b;
  return a >= b;
}

/** `=`: same type and value, arrays in order, objects whatever their key order; mismatched types are not equal. */
function sameValue(left: IotValue, right: IotValue): boolean {
  if (left === null || right === null || typeof left !== "object" || typeof right !== "object")
    return left === right;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => sameValue(item, right[index]));
  }
  const leftObject = left as { readonly [key: string]: IotValue };
  const rightObject = right as { readonly [key: string]: IotValue };
  const keys = Object.keys(leftObject);
  return (
    keys.length === Object.keys(rightObject).length &&
    keys.every((key) => Object.hasOwn(rightObject, key) && sameValue(leftObject[key], rightObject[key]))
  );
}

/** Strings IoT SQL converts to Decimal (the `cast` reference gives this pattern). */
const DECIMAL_STRING = /^-?\d+(\.\d+)?([eE]-?\d+)?$/;

function asDecimal(value: IotValue): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && DECIMAL_STRING.test(value)) return Number(value);
  return undefined;
}

function asBoolean(value: IotValue): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  return undefined;
}

/** The standard conversion to String, as `encode(value, ...)` applies it before encoding. */
function asText(value: IotValue): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
