import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { rulesCommand } from "../../cli/commands/rules.ts";
import type { CliIo } from "../../cli/io.ts";

/** The `plantwatch rules` tests' shared pieces: the example file, a small rules file, and a runner. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const EXAMPLE = join(ROOT, "examples/alarms.yaml");

export const OVEN = `- id: oven-overheat
  name: Oven temperature too high
  severity: critical
  kind: threshold
  metric: temperature
  condition: { op: ">", value: 250 }
- id: machine-offline
  name: Machine offline
  severity: major
  kind: offline
  after: 5m
`;

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly questions: readonly string[];
}

/** Runs `plantwatch rules ...` in this process, with a terminal that is one only if `interactive`. */
export async function plantwatchRules(
  args: readonly string[],
  terminal: { interactive?: boolean; answer?: boolean; stdin?: string } = {},
): Promise<Run> {
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
  const command = rulesCommand(io);
  for (const each of [command, ...command.commands]) each.exitOverride();
  try {
    await command.parseAsync([...args], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode;
  }
  return { code, stdout, stderr, questions };
}
