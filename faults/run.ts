import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type FaultScale, runFaults } from "./faultSuite.ts";
import { reliabilityReport } from "./reliabilityReport.ts";

/**
 * `npm run faults`: every fault of the suite at full size, the table on stdout, and with
 * `--write <file>` the report (docs/reliability.md). `--quick` runs the sizes `npm test` runs.
 */
const { values } = parseArgs({
  options: { quick: { type: "boolean" }, write: { type: "string" } },
});
const scale: FaultScale = values.quick ? "quick" : "full";
const started = Date.now();
const result = await runFaults(scale, { progress: (line) => process.stderr.write(`${line}\n`) });
const report = reliabilityReport(result, { scale, seconds: Math.round((Date.now() - started) / 1000) });
process.stdout.write(`${report}\n`);
if (values.write) writeFileSync(values.write, `${report}\n`);
process.exitCode = result.keepsPromises ? 0 : 1;
