/** The `Examples:` section every operator command's `--help` ends with. */
export function examples(...commands: readonly string[]): string {
  return `\nExamples:\n${commands.map((command) => `  $ ${command}\n`).join("")}`;
}
