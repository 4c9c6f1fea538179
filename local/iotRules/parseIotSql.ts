import { InvalidIotSqlError, UnsupportedIotSqlError } from "./errors.ts";
import type { ComparisonOperator, Expression, IotSqlStatement, SelectItem } from "./iotSqlSyntax.ts";
import { type Token, tokenize } from "./tokenize.ts";
import { topicFilterProblem } from "./topicFilter.ts";

const COMPARISONS: Readonly<Record<string, ComparisonOperator>> = {
  "=": "=",
  "<>": "<>",
  "!=": "<>",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};
const ARITHMETIC = new Set(["+", "-", "*", "/", "%"]);
/** Clauses of other SQL dialects, named in the error rather than reported as a syntax error. */
const OTHER_CLAUSES = new Set([
  "JOIN",
  "INNER",
  "LEFT",
  "RIGHT",
  "GROUP",
  "ORDER",
  "HAVING",
  "LIMIT",
  "UNION",
]);

/**
 * Parses the supported subset of AWS IoT SQL (2016-03-23) with a recursive descent, one token of
 * look-ahead. Anything outside the subset fails here, naming the construct and its position.
 */
export function parseIotSql(sql: string, ruleName?: string): IotSqlStatement {
  return new Parser(sql, ruleName).statement();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(
    private readonly sql: string,
    private readonly ruleName: string | undefined,
  ) {
    this.tokens = tokenize(sql, ruleName);
  }

  statement(): IotSqlStatement {
    this.expectWord("SELECT");
    if (this.isWord("VALUE")) this.unsupported("SELECT VALUE");
    const select = [this.selectItem()];
    while (this.acceptSymbol(",")) select.push(this.selectItem());
    const from = this.acceptWord("FROM") ? this.topicFilter() : undefined;
    const where = this.acceptWord("WHERE") ? this.expression() : undefined;
    if (this.peek().kind !== "end") this.unexpected("the end of the statement");
    return { select, from, where };
  }

  private selectItem(): SelectItem {
    if (this.acceptSymbol("*")) return { kind: "all" };
    const start = this.peek();
    const expression = this.expression();
    if (this.acceptWord("AS")) {
      const alias = this.peek();
      if (alias.kind !== "word") this.unexpected("a name after AS");
      this.index += 1;
      if (this.isSymbol(".")) this.unsupported("a nested alias (AS a.b)");
      return { kind: "item", key: alias.text, expression };
    }
    // IoT Core names an unaliased field after its last segment; for anything else we do not know
    // the name it would choose, so we ask for one.
    if (expression.kind !== "field")
      this.unsupported("a SELECT item other than a field without AS <name>", start);
    return { kind: "item", key: expression.path[expression.path.length - 1] ?? "", expression };
  }

  private topicFilter(): string {
    const token = this.peek();
    if (token.kind !== "string" || token.quote !== "'") this.unexpected("a topic filter in single quotes");
    const problem = topicFilterProblem(token.text);
    if (problem !== undefined)
      throw new InvalidIotSqlError(`invalid topic filter: ${problem}`, this.at(token));
    this.index += 1;
    return token.text;
  }

  private expression(): Expression {
    let left = this.conjunction();
    while (this.acceptWord("OR")) left = { kind: "or", left, right: this.conjunction() };
    return left;
  }

  private conjunction(): Expression {
    let left = this.negation();
    while (this.acceptWord("AND")) left = { kind: "and", left, right: this.negation() };
    return left;
  }

  private negation(): Expression {
    if (this.acceptWord("NOT")) return { kind: "not", operand: this.negation() };
    return this.comparison();
  }

  private comparison(): Expression {
    const left = this.operand();
    const token = this.peek();
    if (token.kind === "word" && token.text.toUpperCase() === "IS") {
      this.unsupported("IS [NOT] NULL (IoT SQL has isNull() and isUndefined())");
    }
    if (token.kind === "word" && ["IN", "LIKE", "BETWEEN"].includes(token.text.toUpperCase())) {
      this.unsupported(`the ${token.text.toUpperCase()} operator`);
    }
    const operator = token.kind === "symbol" ? COMPARISONS[token.text] : undefined;
    if (operator === undefined) return left;
    this.index += 1;
    return { kind: "compare", operator, left, right: this.operand() };
  }

  private operand(): Expression {
    const value = this.primary();
    const next = this.peek();
    if (next.kind === "symbol" && ARITHMETIC.has(next.text))
      this.unsupported(`the arithmetic operator "${next.text}"`);
    if (next.kind === "symbol" && next.text === "[") this.unsupported("an array index");
    if (next.kind === "symbol" && next.text === ".") this.unsupported("a field of a function result");
    return value;
  }

  private primary(): Expression {
    const token = this.peek();
    if (token.kind === "string") {
      this.index += 1;
      return { kind: "literal", value: token.text };
    }
    if (token.kind === "number") {
      this.index += 1;
      return { kind: "literal", value: Number(token.text) };
    }
    if (token.kind === "symbol") return this.symbolPrimary(token);
    if (token.kind === "end") this.unexpected("a value");
    const word = token.text.toUpperCase();
    if (word === "TRUE" || word === "FALSE" || word === "NULL") {
      this.index += 1;
      return { kind: "literal", value: word === "NULL" ? null : word === "TRUE" };
    }
    if (word === "CASE") this.unsupported("a CASE expression");
    if (word === "SELECT") this.unsupported("a nested SELECT");
    if (["FROM", "WHERE", "AS", "AND", "OR"].includes(word)) this.unexpected("a value");
    this.index += 1;
    if (this.isSymbol("(")) return this.call(token);
    const path = [token.text];
    while (this.acceptSymbol(".")) {
      const segment = this.peek();
      if (segment.kind !== "word") this.unexpected("a field name after '.'");
      this.index += 1;
      path.push(segment.text);
    }
    return { kind: "field", path };
  }

  private symbolPrimary(token: Token): Expression {
    if (token.text === "-" && this.tokens[this.index + 1]?.kind === "number") {
      this.index += 2;
      return { kind: "literal", value: -Number(this.tokens[this.index - 1]?.text) };
    }
    if (token.text === "(") {
      this.index += 1;
      if (this.isWord("SELECT")) this.unsupported("a nested SELECT");
      const inner = this.expression();
      this.expectSymbol(")");
      return inner;
    }
    if (token.text === "[") this.unsupported("an array literal");
    if (token.text === "{") this.unsupported("an object literal");
    return this.unexpected("a value");
  }

  private call(nameToken: Token): Expression {
    const name = nameToken.text.toLowerCase();
    this.expectSymbol("(");
    const args: (Expression | "payload")[] = [];
    if (!this.acceptSymbol(")")) {
      do args.push(this.acceptSymbol("*") ? "payload" : this.expression());
      while (this.acceptSymbol(","));
      this.expectSymbol(")");
    }
    const [first, second] = args;
    const arity = (count: number) => {
      if (args.length !== count) {
        throw new InvalidIotSqlError(`${nameToken.text}() takes ${count} argument(s)`, this.at(nameToken));
      }
    };
    if (args.includes("payload") && name !== "encode")
      this.unsupported(`* as an argument of ${nameToken.text}()`, nameToken);
    switch (name) {
      case "topic": {
        if (args.length === 0) return { kind: "topic" };
        arity(1);
        const level = first !== "payload" && first?.kind === "literal" ? first.value : undefined;
        if (typeof level !== "number" || !Number.isSafeInteger(level) || level < 1) {
          this.unsupported("topic() with an argument other than a whole number from 1", nameToken);
        }
        return { kind: "topic", level };
      }
      case "timestamp":
      case "clientid":
        arity(0);
        return { kind: name };
      case "encode": {
        arity(2);
        if (second === "payload" || second?.kind !== "literal" || second.value !== "base64") {
          throw new InvalidIotSqlError("encode() supports only the 'base64' encoding", this.at(nameToken));
        }
        return { kind: "encode", value: first ?? "payload" };
      }
      case "isnull":
      case "isundefined":
        arity(1);
        return { kind: name === "isnull" ? "isNull" : "isUndefined", operand: first as Expression };
      default:
        return this.unsupported(`the function ${nameToken.text}()`, nameToken);
    }
  }

  private peek(): Token {
    // The token list always ends with an "end" token, and the index never passes it.
    return this.tokens[Math.min(this.index, this.tokens.length - 1)] as Token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === "word" && token.text.toUpperCase() === word;
  }

  private isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === "symbol" && token.text === symbol;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.index += 1;
    return true;
  }

  private acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.index += 1;
    return true;
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) this.unexpected(word);
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) this.unexpected(`"${symbol}"`);
  }

  private at(token: Token) {
    return {
      sql: this.sql,
      position: token.position,
      ...(this.ruleName === undefined ? {} : { ruleName: this.ruleName }),
    };
  }

  private unsupported(construct: string, token: Token = this.peek()): never {
    throw new UnsupportedIotSqlError(construct, this.at(token));
  }

  private unexpected(expected: string): never {
    const token = this.peek();
    const word = token.text.toUpperCase();
    if (token.kind === "word" && OTHER_CLAUSES.has(word)) this.unsupported(word);
    const found =
      token.kind === "end" ? token.text : token.kind === "string" ? `'${token.text}'` : `"${token.text}"`;
    throw new InvalidIotSqlError(`expected ${expected}, found ${found}`, this.at(token));
  }
}
