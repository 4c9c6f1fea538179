import { readFileSync } from "node:fs";
import { Command } from "commander";
import { alarmsCommand } from "./commands/alarms.ts";
import { costCommand } from "./commands/cost.ts";
import { deprovisionCommand } from "./commands/deprovision.ts";
import { devicesCommand } from "./commands/devices.ts";
import { dlqCommand } from "./commands/dlq.ts";
import { doctorCommand } from "./commands/doctor.ts";
import { importCommand } from "./commands/import.ts";
import { kpiCommand } from "./commands/kpi.ts";
import { localCommand } from "./commands/local.ts";
import { provisionCommand } from "./commands/provision.ts";
import { queryCommand } from "./commands/query.ts";
import { rulesCommand } from "./commands/rules.ts";
import { silencesCommand } from "./commands/silences.ts";
import { simulateCommand } from "./commands/simulate.ts";
import { usersCommand } from "./commands/users.ts";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/** The `plantwatch` command (C8). Commands arrive with their issues; the help lists what exists. */
export function createProgram(): Command {
  const program = new Command("plantwatch")
    .description("Industrial telemetry and alarms on AWS IoT Core: the operator and developer command line")
    .version(version)
    .showHelpAfterError();

  program.addCommand(localCommand());
  program.addCommand(provisionCommand());
  program.addCommand(deprovisionCommand());
  program.addCommand(rulesCommand());
  program.addCommand(simulateCommand());
  program.addCommand(alarmsCommand());
  program.addCommand(silencesCommand());
  program.addCommand(devicesCommand());
  program.addCommand(queryCommand());
  program.addCommand(kpiCommand());
  program.addCommand(dlqCommand());
  program.addCommand(costCommand());
  program.addCommand(doctorCommand());
  program.addCommand(usersCommand());
  program.addCommand(importCommand());

  return program;
}
