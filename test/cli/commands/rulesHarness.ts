import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { rulesCommand } from "../../../cli/commands/rules.ts";
import { type CliRun, runCli, type TestTerminal } from "../../support/cliHarness.ts";

/** The `plantwatch rules` tests' shared pieces: the example file, a small rules file, and a runner. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
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

/** Runs `plantwatch rules ...` in this process, with a terminal that is one only if `interactive`. */
export function plantwatchRules(args: readonly string[], terminal: TestTerminal = {}): Promise<CliRun> {
  return runCli(rulesCommand, args, terminal);
}
