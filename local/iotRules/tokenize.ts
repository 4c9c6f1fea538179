import { InvalidIotSqlError, UnsupportedIotSqlError } from "./errors.ts";

export type TokenKind = "word" | "string" | "number" | "symbol" | "end";

export interface Token {
  readonly kind: TokenKind;
  /** The source text: a word as written, a string without its quotes, a symbol. */
  readonly text: string;
  /** 1-based character position in the statement. */
  readonly position: number;
  /** The quote a string was written with. */
  readonly quote?: "'" | '"';
}

/** Longest first, so `<=` is not read as `<` then `=`. */
const SYMBOLS = [
  "<>",
  "!=",
  "<=",
  ">=",
  "*",
  ",",
  ".",
  "(",
  ")",
  "=",
  "<",
  ">",
  "+",
  "-",
  "/",
  "%",
  "[",
  "]",
  "{",
  "}",
  ":",
];
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const SPACE = /\s+/y;

export function tokenize(sql: string, ruleName?: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  const context = (at: number) => ({
    sql,
    position: at + 1,
    ...(ruleName === undefined ? {} : { ruleName }),
  });
  const sticky = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = index;
    return pattern.exec(sql)?.[0];
  };

  while (index < sql.length) {
    const space = sticky(SPACE);
    if (space !== undefined) {
      index += space.length;
      continue;
    }
    const char = sql.charAt(index);
    if (char === "'" || char === '"') {
      const close = sql.indexOf(char, index + 1);
      if (close < 0) throw new InvalidIotSqlError(`unterminated string ${char}...`, context(index));
      const text = sql.slice(index + 1, close);
      const backslash = text.indexOf("\\");
      if (backslash >= 0)
        throw new UnsupportedIotSqlError("an escape sequence in a string", context(index + 1 + backslash));
      tokens.push({ kind: "string", text, position: index + 1, quote: char });
      index = close + 1;
      continue;
    }
    const word = sticky(WORD);
    const number = word === undefined ? sticky(NUMBER) : undefined;
    const symbol = SYMBOLS.find((candidate) => sql.startsWith(candidate, index));
    const [kind, text]: [TokenKind, string | undefined] =
      word !== undefined ? ["word", word] : number !== undefined ? ["number", number] : ["symbol", symbol];
    if (text === undefined) throw new InvalidIotSqlError(`unexpected character "${char}"`, context(index));
    tokens.push({ kind, text, position: index + 1 });
    index += text.length;
  }
  tokens.push({ kind: "end", text: "end of statement", position: sql.length + 1 });
  return tokens;
}
