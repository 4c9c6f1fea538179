import { type Command, CommanderError } from "commander";
import type { CliIo } from "../../../cli/io.ts";
import { type LocalRequest, type LocalServer, startLocalServer } from "../../support/localHttpServer.ts";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one command in this process, as `plantwatch <args>` would, with a terminal that is none. */
export async function runCli(make: (io: CliIo) => Command, args: readonly string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  let code = 0;
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    interactive: false,
    confirm: async () => false,
    readText: async () => "",
    setExitCode: (exitCode) => {
      code = exitCode;
    },
  };
  const command = make(io);
  for (const each of [command, ...command.commands]) each.exitOverride();
  try {
    await command.parseAsync([...args], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode;
  }
  return { code, stdout, stderr };
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
