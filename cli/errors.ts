import { PlantwatchError } from "../shared/errors.ts";

/** The exit codes of every command: scripts and CI can tell a bad input from a failed call. */
export const EXIT_CODES = {
  ok: 0,
  /** Invalid input or usage: a broken rules file, an unknown id, a refused confirmation. */
  usage: 1,
  /** AWS or another runtime failure: credentials, a missing stack, throttling, the network. */
  runtime: 2,
} as const;

/** A failure with the exit code and the message the user sees (no stack trace). */
export class CliError extends PlantwatchError {
  readonly exitCode: number;

  constructor(message: string, exitCode: number, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** The input or the usage is wrong; nothing was changed. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.usage);
    this.name = "UsageError";
  }
}
