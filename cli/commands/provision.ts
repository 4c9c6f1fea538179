import { Command, Option } from "commander";
import { amazonRootCa1, KEY_TYPES, type KeyType } from "../../provisioning/credentials.ts";
import { DEVICE_FILES } from "../../provisioning/deviceFolder.ts";
import {
  attributeCountProblem,
  attributeNameProblem,
  attributeValueProblem,
  type DeviceSpec,
  thingNameProblem,
  thingTypeProblem,
} from "../../provisioning/domain/deviceSpec.ts";
import { provisionDevice } from "../../provisioning/provisionDevice.ts";
import { MATCH_FIELDS } from "../../shared/ports/deviceRecords.ts";
import { CliError, EXIT_CODES, UsageError } from "../errors.ts";
import { action, type CliIo, processIo } from "../io.ts";
import {
  collect,
  type ProvisioningDependencies,
  positiveInteger,
  readFleetFile,
  runDeviceFleet,
} from "../provisioning/commandSupport.ts";
import {
  addDeploymentOptions,
  type Deployment,
  type DeploymentOptions,
  resolveProvisionOutputs,
} from "../provisioning/deployment.ts";
import { formatProvisionReport, provisionSummary } from "../provisioning/reports.ts";
import { addTargetOptions } from "../target.ts";

interface ProvisionOptions extends DeploymentOptions {
  readonly csv?: string;
  readonly site?: string;
  readonly line?: string;
  readonly model?: string;
  readonly attr: readonly string[];
  readonly out: string;
  readonly awsKeys?: boolean;
  readonly keyType: KeyType;
  readonly thingType?: string;
  readonly concurrency: number;
  readonly json?: boolean;
}

const FOLDER_HELP = `
Each device gets <out>/<thingName>/ with ${DEVICE_FILES.certificate}, ${DEVICE_FILES.privateKey} (mode 0600),
${DEVICE_FILES.caCertificate} and ${DEVICE_FILES.config} (endpoint, topics, attributes; read by \`plantwatch simulate\`).
Running it again changes only what differs and says "unchanged" otherwise. A device whose provisioning
fails is rolled back (what this run made for it is deleted) and the step is named.
Exit codes: 0 all done, 1 bad input or some device failed, 2 AWS/runtime error before any device.

Examples:
  plantwatch provision oven-3 --site plant-1 --line line-2 --model X100 --attr maxTemp=250
  plantwatch provision --csv fleet.csv --concurrency 5 --out ./devices`;

/** `plantwatch provision` (C8): things, certificates, the device policy, registry items and device folders. */
export function provisionCommand(
  io: CliIo = processIo(),
  dependencies: ProvisioningDependencies = {},
): Command {
  const command = new Command("provision")
    .description(
      "onboard devices: thing, certificate (key made locally), policy, registry item, device folder",
    )
    .argument("[thingName]", "the device's thing name (or --csv for a fleet)")
    .option(
      "--csv <file>",
      "fleet file with the header thingName,site,line,model,<more attributes> (- for stdin)",
    )
    .option("--site <site>", "site attribute (alarm rules match on it)")
    .option("--line <line>", "line attribute")
    .option("--model <model>", "model attribute")
    .option(
      "--attr <key=value>",
      "a further attribute such as an alarm threshold: maxTemp=250 (repeatable)",
      collect,
      [],
    )
    .option("--out <dir>", "output folder; each device gets <dir>/<thingName>/", "./devices")
    .option(
      "--aws-keys",
      "let AWS IoT make the key pair (CreateKeysAndCertificate) instead of a local key and CSR",
    )
    .addOption(
      new Option("--key-type <type>", `local key: ec = ${KEY_TYPES.ec.label}, rsa = ${KEY_TYPES.rsa.label}`)
        .choices(Object.keys(KEY_TYPES))
        .default("ec"),
    )
    .option(
      "--thing-type <name>",
      "an existing thing type; lets the thing carry all attributes (else site/line/model)",
    )
    .option("--concurrency <n>", "devices provisioned at once with --csv", positiveInteger, 5)
    .option("--json", "print the summary as JSON")
    .addHelpText("after", FOLDER_HELP);
  addDeploymentOptions(addTargetOptions(command), true);
  command.action(
    action(io, (thingName: string | undefined, options: ProvisionOptions, self: Command) =>
      provision(io, dependencies, thingName, options, self.getOptionValueSource("keyType") === "cli"),
    ),
  );
  command.configureOutput({ writeOut: io.out, writeErr: io.err });
  return command;
}

async function provision(
  io: CliIo,
  dependencies: ProvisioningDependencies,
  thingName: string | undefined,
  options: ProvisionOptions,
  keyTypeGiven: boolean,
): Promise<void> {
  // All input is checked before anything is looked up or changed.
  if (options.awsKeys && keyTypeGiven)
    throw new UsageError("--key-type is for local keys; drop it or --aws-keys");
  const thingTypeName = options.thingType;
  if (thingTypeName !== undefined) {
    const problem = thingTypeProblem(thingTypeName);
    if (problem !== undefined) throw new UsageError(`--thing-type: ${problem}`);
  }
  const devices = await devicesOf(io, thingName, options);

  const outputs = await resolveProvisionOutputs(options);
  await runDeviceFleet(io, dependencies, {
    title: "provisioning",
    devices,
    concurrency: options.concurrency,
    json: options.json,
    target: options,
    registryTable: outputs.registryTable,
    prepare: async (deployment: Deployment) => {
      if (!(await deployment.iot.policyExists(outputs.policyName))) {
        throw new CliError(
          `IoT policy ${outputs.policyName} does not exist here: deploy the stack, or check --policy/--region`,
          EXIT_CODES.runtime,
        );
      }
      const dataEndpoint = await deployment.iot.dataEndpoint();
      const caCertificatePem = amazonRootCa1(dependencies.rootCertificates);
      if (caCertificatePem === undefined) {
        throw new CliError("Amazon Root CA 1 is not in this Node.js build's root store", EXIT_CODES.runtime);
      }
      const context = {
        iot: deployment.iot,
        registry: deployment.registry,
        ...outputs,
        dataEndpoint,
        caCertificatePem,
        outDir: options.out,
        keySource: options.awsKeys ? ("aws" as const) : ("csr" as const),
        keyType: options.keyType,
        ...(thingTypeName === undefined ? {} : { thingTypeName }),
      };
      return (spec: DeviceSpec) => provisionDevice(spec, context);
    },
    summarize: (results, notStarted, retries) =>
      provisionSummary(
        results,
        notStarted.map((spec) => spec.thingName),
        retries,
      ),
    format: formatProvisionReport,
  });
}

async function devicesOf(
  io: CliIo,
  thingName: string | undefined,
  options: ProvisionOptions,
): Promise<DeviceSpec[]> {
  if ((thingName === undefined) === (options.csv === undefined)) {
    throw new UsageError("give one thing name, or --csv <file> for a fleet");
  }
  if (options.csv !== undefined) {
    const perDevice = ["site", "line", "model"].filter((flag) => options[flag as "site"] !== undefined);
    if (perDevice.length > 0 || options.attr.length > 0) {
      throw new UsageError(
        "--site, --line, --model and --attr are for one device; with --csv they are columns",
      );
    }
    return readFleetFile(io, options.csv, { thingTypeName: options.thingType });
  }
  const name = thingName as string;
  const problems: string[] = [];
  const nameProblem = thingNameProblem(name);
  if (nameProblem !== undefined) problems.push(`thing name: ${nameProblem}`);
  for (const field of MATCH_FIELDS) {
    const value = options[field];
    const problem = value === undefined ? undefined : attributeValueProblem(value);
    if (problem !== undefined) problems.push(`--${field}: ${problem}`);
  }
  const attributes: Record<string, string> = {};
  for (const pair of options.attr) {
    const [key = "", ...rest] = pair.split("=");
    const value = rest.join("=");
    const problem =
      rest.length === 0 ? "expected key=value" : (attributeNameProblem(key) ?? attributeValueProblem(value));
    if (problem !== undefined) problems.push(`--attr ${pair}: ${problem}`);
    else if (key in attributes) problems.push(`--attr ${pair}: ${key} is given twice`);
    else if (value !== "") attributes[key] = value;
  }
  const spec: DeviceSpec = {
    thingName: name,
    ...Object.fromEntries(MATCH_FIELDS.flatMap((field) => (options[field] ? [[field, options[field]]] : []))),
    attributes,
  };
  const countProblem = attributeCountProblem(spec, options.thingType);
  if (countProblem !== undefined) problems.push(countProblem);
  if (problems.length > 0) throw new UsageError(`${problems.join("\n")}\nnothing was changed`);
  return [spec];
}
