import { PlantwatchError } from "../../shared/errors.ts";

/** What the local rules engine evaluates; named in every rejection so the reader knows what to change. */
export const SUPPORTED_IOT_SQL =
  "SELECT of *, fields (a, a.b), literals and topic(), topic(n), timestamp(), clientid(), encode(*, 'base64'), " +
  "isNull(x), isUndefined(x), with AS aliases; FROM '<topic filter>'; WHERE with = <> != < <= > >=, AND, OR, NOT " +
  "and parentheses";

interface IotSqlErrorContext {
  readonly sql: string;
  /** 1-based character position in `sql`. */
  readonly position: number;
  readonly ruleName?: string;
}

function located(problem: string, { sql, position, ruleName }: IotSqlErrorContext): string {
  const rule = ruleName === undefined ? "IoT SQL" : `IoT rule "${ruleName}"`;
  return `${rule}: ${problem} at position ${position} of: ${sql}`;
}

/** A problem at a place in a rule's IoT SQL; it carries the SQL, the position and the rule's name. */
abstract class LocatedIotSqlError extends PlantwatchError {
  readonly sql: string;
  readonly position: number;
  readonly ruleName: string | undefined;

  constructor(message: string, context: IotSqlErrorContext) {
    super(message);
    this.sql = context.sql;
    this.position = context.position;
    this.ruleName = context.ruleName;
  }
}

/**
 * Valid (or plausible) AWS IoT SQL that the local rules engine does not evaluate. The local stack
 * refuses to start on it rather than evaluate a rule differently from IoT Core.
 */
export class UnsupportedIotSqlError extends LocatedIotSqlError {
  readonly construct: string;

  constructor(construct: string, context: IotSqlErrorContext) {
    super(
      `${located(`${construct} is not supported locally`, context)} (supported: ${SUPPORTED_IOT_SQL})`,
      context,
    );
    this.name = "UnsupportedIotSqlError";
    this.construct = construct;
  }
}

/** SQL that IoT Core would reject too: a syntax error or an invalid topic filter. */
export class InvalidIotSqlError extends LocatedIotSqlError {
  constructor(problem: string, context: IotSqlErrorContext) {
    super(located(problem, context), context);
    this.name = "InvalidIotSqlError";
  }
}

/**
 * A message the rule cannot turn into a JSON object for its action. On AWS the action fails and
 * the rule's error action receives the message; the local stack reports it the same way.
 */
export class IotRulePayloadError extends PlantwatchError {
  readonly ruleName: string;
  readonly topic: string;

  constructor(ruleName: string, topic: string, problem: string) {
    super(`IoT rule "${ruleName}" cannot deliver the message on "${topic}": ${problem}`);
    this.name = "IotRulePayloadError";
    this.ruleName = ruleName;
    this.topic = topic;
  }
}
