import { readFileSync } from "node:fs";
import type { TelemetryRuleEvent } from "../shared/contracts/telemetryRule.ts";
import { type AlarmEndpoints, alarmContainer } from "./alarmRig.ts";

/**
 * A warm evaluate container in its own process, for the parent to kill: evaluates the batch in a
 * file, in order, and writes `done <index>` after each message.
 */
const { endpoints, events } = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as {
  endpoints: AlarmEndpoints;
  events: TelemetryRuleEvent[];
};
const container = alarmContainer(endpoints);
for (const [index, event] of events.entries()) {
  await container.evaluate(event);
  process.stdout.write(`done ${index}\n`);
}
