import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TelemetryRuleEvent } from "../shared/contracts/telemetryRule.ts";
import { seededRandom } from "../simulator/domain/random.ts";
import type { AlarmEndpoints } from "./alarmRig.ts";

const CHILD = join(import.meta.dirname, "evaluateChild.ts");

/**
 * Evaluates `events` in child processes: `kills` times a child is killed with SIGKILL at a random
 * point (after a random number of messages, plus a random few milliseconds, so inside a commit or
 * a publish), and the batch is delivered again from its start to a fresh process; the last run
 * completes. Returns after how many messages each kill came.
 */
export async function runKilledAndRedelivered(
  endpoints: AlarmEndpoints,
  events: readonly TelemetryRuleEvent[],
  options: { readonly kills: number; readonly seed: number },
): Promise<{ readonly kills: readonly number[] }> {
  const random = seededRandom(options.seed);
  const directory = mkdtempSync(join(tmpdir(), "plantwatch-faults-kill-"));
  const file = join(directory, "batch.json");
  writeFileSync(file, JSON.stringify({ endpoints, events }));
  const kills: number[] = [];
  try {
    for (let run = 0; run <= options.kills; run++) {
      const killAfter = run < options.kills ? Math.floor(random.next() * events.length) : undefined;
      const delayMs = Math.floor(random.next() * 25);
      const done = await runChild(file, killAfter, delayMs);
      if (killAfter === undefined) {
        if (done.exitCode !== 0 || done.count !== events.length) {
          throw new Error(
            `the complete run ended with ${done.exitCode} after ${done.count} of ${events.length}: ${done.stderr}`,
          );
        }
      } else kills.push(done.count);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  return { kills };
}

function runChild(
  file: string,
  killAfter: number | undefined,
  delayMs: number,
): Promise<{ readonly count: number; readonly exitCode: number | null; readonly stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, file], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_NO_WARNINGS: "1" },
    });
    let count = 0;
    let stderr = "";
    let buffered = "";
    let killing = false;
    const kill = () => {
      if (killing) return;
      killing = true;
      setTimeout(() => child.kill("SIGKILL"), delayMs);
    };
    if (killAfter === 0) kill();
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      count += lines.filter((line) => line.startsWith("done ")).length;
      if (killAfter !== undefined && count >= killAfter) kill();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ count, exitCode, stderr }));
  });
}
