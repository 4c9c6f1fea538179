import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline/promises";
import { CliError, EXIT_CODES, UsageError } from "./errors.ts";

/** The terminal as commands see it; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether a person can answer a question (stdin and stdout are terminals). */
  readonly interactive: boolean;
  confirm(question: string): Promise<boolean>;
  /** A file's text; `-` reads stdin. */
  readText(path: string): Promise<string>;
  setExitCode(code: number): void;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    confirm: async (question) => {
      const prompt = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return /^y(es)?$/i.test((await prompt.question(question)).trim());
      } finally {
        prompt.close();
      }
    },
    readText: async (path) => {
      if (path !== "-") return readFile(path, "utf8");
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}

/** Reads a file named on the command line; a missing or unreadable file is a usage error. */
export async function readInput(io: CliIo, path: string): Promise<string> {
  try {
    return await io.readText(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/**
 * Wraps a command's action: a `CliError` prints its message and sets its exit code; anything else
 * (an AWS error, say) prints its name and message and exits 2.
 */
export function action<A extends unknown[]>(io: CliIo, run: (...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await run(...args);
    } catch (error) {
      const known = error instanceof CliError;
      const { name, message } = error as Error;
      const hint =
        name === "CredentialsProviderError" ? " (configure AWS credentials, or pass --profile)" : "";
      io.err(`error: ${known || name === "Error" ? message : `${name}: ${message}`}${hint}\n`);
      io.setExitCode(known ? error.exitCode : EXIT_CODES.runtime);
    }
  };
}
