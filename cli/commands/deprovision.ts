import { Command } from "commander";
import { deprovisionDevice } from "../../provisioning/deprovisionDevice.ts";
import { thingNameProblem } from "../../provisioning/domain/deviceSpec.ts";
import { UsageError } from "../errors.ts";
import { action, type CliIo, processIo } from "../io.ts";
import {
  type ProvisioningDependencies,
  positiveInteger,
  readFleetFile,
  runDeviceFleet,
} from "../provisioning/commandSupport.ts";
import {
  addDeploymentOptions,
  type Deployment,
  type DeploymentOptions,
  resolveRegistryTable,
} from "../provisioning/deployment.ts";
import { deprovisionSummary, formatDeprovisionReport } from "../provisioning/reports.ts";
import { addTargetOptions } from "../target.ts";

interface DeprovisionOptions extends DeploymentOptions {
  readonly csv?: string;
  readonly removeFiles?: string;
  readonly yes?: boolean;
  readonly concurrency: number;
  readonly json?: boolean;
}

const HELP = `
For each certificate on the thing: detach its policies and the thing, deactivate it, delete it
(a certificate also attached to another thing is only detached). Then the thing and its registry item.
Safe to re-run: a device already removed is reported as "already gone".
Exit codes: 0 all done, 1 bad input, refused confirmation or some device failed, 2 AWS/runtime error.`;

/** `plantwatch deprovision`: removes devices that `provision` made. */
export function deprovisionCommand(
  io: CliIo = processIo(),
  dependencies: ProvisioningDependencies = {},
): Command {
  const command = new Command("deprovision")
    .description("remove devices: certificates (detached, deactivated, deleted), things, registry items")
    .argument("[thingName...]", "thing names (or --csv)")
    .option("--csv <file>", "a fleet file; its thingName column names the devices (- for stdin)")
    .option("--remove-files <out>", "also delete each device's files under <out>/<thingName>/")
    .option("-y, --yes", "do it without asking (required without a terminal, e.g. in CI)")
    .option("--concurrency <n>", "devices removed at once", positiveInteger, 5)
    .option("--json", "print the summary as JSON")
    .addHelpText("after", HELP);
  addDeploymentOptions(addTargetOptions(command), false);
  command.action(
    action(io, (names: string[], options: DeprovisionOptions) =>
      deprovision(io, dependencies, names, options),
    ),
  );
  command.configureOutput({ writeOut: io.out, writeErr: io.err });
  return command;
}

async function deprovision(
  io: CliIo,
  dependencies: ProvisioningDependencies,
  names: readonly string[],
  options: DeprovisionOptions,
): Promise<void> {
  if ((names.length === 0) === (options.csv === undefined)) {
    throw new UsageError("give thing names, or --csv <file>");
  }
  const thingNames =
    options.csv === undefined
      ? [...new Set(names)]
      : (await readFleetFile(io, options.csv, { namesOnly: true })).map((device) => device.thingName);
  const problems = thingNames.flatMap((name) => {
    const problem = thingNameProblem(name);
    return problem === undefined ? [] : [problem];
  });
  if (problems.length > 0) throw new UsageError(`${problems.join("\n")}\nnothing was changed`);

  const registryTable = await resolveRegistryTable(options);
  if (!options.yes) {
    if (!io.interactive) {
      throw new UsageError("no terminal to confirm: pass --yes to deprovision without asking");
    }
    const what = thingNames.length === 1 ? thingNames[0] : `${thingNames.length} devices`;
    const files = options.removeFiles === undefined ? "" : ` and their files in ${options.removeFiles}`;
    if (!(await io.confirm(`Delete ${what} (certificates, things, registry items${files})? [y/N] `))) {
      throw new UsageError("cancelled: nothing was changed");
    }
  }

  await runDeviceFleet(io, dependencies, {
    title: "deprovisioning",
    devices: thingNames,
    concurrency: options.concurrency,
    json: options.json,
    target: options,
    registryTable,
    prepare: async (deployment: Deployment) => {
      const context = {
        iot: deployment.iot,
        registry: deployment.registry,
        ...(options.removeFiles === undefined ? {} : { removeFilesFrom: options.removeFiles }),
      };
      return (thingName: string) => deprovisionDevice(thingName, context);
    },
    summarize: deprovisionSummary,
    format: formatDeprovisionReport,
  });
}
