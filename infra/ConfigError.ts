/** The configuration is invalid; `problems` lists each one, prefixed with its context path. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(
      `invalid plantwatch configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
      options,
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}
