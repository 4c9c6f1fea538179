/**
 * Globs on thing names (`*` any run, `?` one character) compiled to one anchored expression: the
 * rules' `match.things` and the silences' `match.things` mean the same.
 */
export function compileThingGlobs(globs: readonly string[]): RegExp {
  const alternatives = globs.map((glob) =>
    glob
      .split("")
      .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join(""),
  );
  return new RegExp(`^(?:${alternatives.join("|")})$`);
}
