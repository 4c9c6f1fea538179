import { readFile } from "node:fs/promises";
import { type Command, CommanderError } from "commander";
import type { CliIo } from "../../cli/io.ts";
import { type LocalRequest, type LocalServer, startLocalServer } from "./localHttpServer.ts";

/** The terminal a test gives a command; by default none: no person to ask, nothing on stdin. */
export interface TestTerminal {
  /** Whether a person could answer (default false). */
  readonly interactive?: boolean;
  /** What that person answers to every question (default no). */
  readonly answer?: boolean;
  /** What `-` reads (default nothing). */
  readonly stdin?: string;
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Every question the command asked, in order. */
  readonly questions: readonly string[];
}

/** A `CliIo` that records what a command writes and asks; files other than `-` are read from disk. */
export function recordingIo(terminal: TestTerminal = {}): { readonly io: CliIo; run(): CliRun } {
  let stdout = "";
  let stderr = "";
  let code = 0;
  const questions: string[] = [];
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    interactive: terminal.interactive ?? false,
    confirm: async (question) => {
      questions.push(question);
      return terminal.answer ?? false;
    },
    readText: async (path) => (path === "-" ? (terminal.stdin ?? "") : readFile(path, "utf8")),
    setExitCode: (exitCode) => {
      code = exitCode;
    },
  };
  return { io, run: () => ({ code, stdout, stderr, questions: [...questions] }) };
}

/**
 * Runs one command in this process, as `plantwatch <args>` would: commander's own exits (usage
 * errors, `--help`) become the run's exit code instead of ending the test process.
 */
export async function runCli(
  make: (io: CliIo) => Command,
  args: readonly string[],
  terminal: TestTerminal = {},
): Promise<CliRun> {
  const { io, run } = recordingIo(terminal);
  const command = make(io);
  exitOverrideAll(command);
  try {
    await command.parseAsync([...args], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    io.setExitCode(error.exitCode);
  }
  return run();
}

/** Subcommands copy the parent's settings when created, so the override must reach each one. */
function exitOverrideAll(command: Command): void {
  command.exitOverride();
  for (const subcommand of command.commands) exitOverrideAll(subcommand);
}

/** A server that records every request and answers 500: a test that expects none can say so. */
export async function startRecordingServer(): Promise<LocalServer & { readonly requests: LocalRequest[] }> {
  const requests: LocalRequest[] = [];
  const server = await startLocalServer((request) => {
    requests.push(request);
    return { status: 500, body: "this test expected no request" };
  });
  return Object.assign(server, { requests });
}

/** The URL of a port where nothing listens (a server started and stopped). */
export async function closedUrl(): Promise<string> {
  const server = await startLocalServer(() => ({ status: 200 }));
  await server.stop();
  return `${server.endpoint}/api`;
}
