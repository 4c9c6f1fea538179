import { Command } from "commander";
import type { DeviceDetailView, DeviceView } from "../../shared/contracts/operatorApi.ts";
import {
  type ApiDependencies,
  type ApiTargetOptions,
  addApiTargetOptions,
  operatorApiClient,
} from "../api/apiTarget.ts";
import { label, thingGlob, thingName } from "../api/operatorArguments.ts";
import { formatDeviceDetail, formatDeviceTable } from "../format/devices.ts";
import { examples } from "../format/help.ts";
import { outputStyle } from "../format/table.ts";
import { action, type CliIo, processIo } from "../io.ts";

interface ListOptions extends ApiTargetOptions {
  readonly thing?: string;
  readonly site?: string;
  readonly line?: string;
  readonly json?: boolean;
}

interface ShowOptions extends ApiTargetOptions {
  readonly json?: boolean;
}

const LIST_EXAMPLES = [
  "plantwatch devices list --site plant-1",
  "plantwatch devices list --thing 'oven-*' --json",
];
const SHOW_EXAMPLES = ["plantwatch devices show oven-3", "plantwatch devices show oven-3 --local"];

/** `plantwatch devices list|show`: the registry, connectivity and alarms per thing, over the operator API (C7). */
export function devicesCommand(io: CliIo = processIo(), dependencies: ApiDependencies = {}): Command {
  const devices = new Command("devices")
    .description("registered devices: site, line, last seen, connectivity, active alarms")
    .addHelpText("after", examples(...LIST_EXAMPLES, ...SHOW_EXAMPLES));

  addApiTargetOptions(
    devices
      .command("list")
      .description("list registered devices")
      .option("--thing <glob>", "only things matching this glob (* and ?), e.g. 'oven-*'", thingGlob)
      .option("--site <site>", "only things of this site", label)
      .option("--line <line>", "only things of this line", label)
      .option("--json", "print the devices as JSON (the API's device views)")
      .addHelpText("after", examples(...LIST_EXAMPLES)),
  ).action(action(io, (options: ListOptions) => list(io, dependencies, options)));

  addApiTargetOptions(
    devices
      .command("show")
      .description("show one device with its alarms")
      .argument("<thingName>", "the thing name, e.g. oven-3")
      .option("--json", "print the device view as JSON")
      .addHelpText("after", examples(...SHOW_EXAMPLES)),
  ).action(action(io, (name: string, options: ShowOptions) => show(io, dependencies, name, options)));

  for (const command of [devices, ...devices.commands]) {
    command.configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  return devices;
}

async function list(io: CliIo, dependencies: ApiDependencies, options: ListOptions): Promise<void> {
  const client = await operatorApiClient(options, dependencies);
  const found = await client.getAll<DeviceView>(["devices"], {
    thing: options.thing,
    site: options.site,
    line: options.line,
  });
  if (options.json) {
    io.out(`${JSON.stringify(found, null, 2)}\n`);
    return;
  }
  if (found.length === 0) {
    io.out("No devices match.\n");
    return;
  }
  io.out(`${found.length} device(s)\n${formatDeviceTable(found, outputStyle(io))}`);
  const unprovisioned = found.filter((device) => device.provisioned === false);
  if (unprovisioned.length > 0) {
    io.out(
      `Not provisioned (publishing, but not in the registry): ${unprovisioned.map((device) => device.thingName).join(", ")}\n`,
    );
  }
}

async function show(
  io: CliIo,
  dependencies: ApiDependencies,
  name: string,
  options: ShowOptions,
): Promise<void> {
  const valid = thingName(name);
  const client = await operatorApiClient(options, dependencies);
  const device = await client.get<DeviceDetailView>(["devices", valid]);
  io.out(options.json ? `${JSON.stringify(device, null, 2)}\n` : formatDeviceDetail(device, outputStyle(io)));
}
