import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { DEMO_RULES_PATH, DEMO_SCENARIOS } from "../../local/demoFleet.ts";
import { LocalStartupError, type LocalStartupReason } from "../../local/errors.ts";
import { DEFAULT_DATA_DIR } from "../../local/localDataDir.ts";
import { type LocalStack, startLocalStack } from "../../local/localStack.ts";
import {
  type LocalWebhook,
  parseLocalWebhook,
  UnknownWebhookFormatError,
} from "../../local/localWebhookSink.ts";
import { WEBHOOK_FORMATS } from "../../shared/contracts/alarmNotification.ts";
import type { MachineModelFile } from "../../shared/contracts/kpis.ts";
import { loadMachineModels } from "../../shared/contracts/loadMachineModels.ts";
import { SCENARIO_NAMES, type ScenarioName } from "../../simulator/domain/scenarios.ts";
import { CliError, EXIT_CODES } from "../errors.ts";
import { consoleReporter } from "../format/consoleReporter.ts";
import { outputStyle } from "../format/table.ts";
import { action, type CliIo, processIo } from "../io.ts";
import { count, scenarios, seed } from "../simulate/options.ts";
import { httpUrlParser } from "../target.ts";

interface LocalOptions {
  readonly dataDir: string;
  readonly reset?: boolean;
  readonly host: string;
  readonly mqttPort: number;
  readonly mqttsPort: number;
  readonly httpPort: number;
  readonly sweepSeconds: number;
  readonly webhook: readonly LocalWebhook[];
  readonly demo: boolean;
  readonly devices: number;
  readonly scenario: readonly ScenarioName[];
  readonly seed?: number;
  readonly machines?: MachineModelFile;
}

/** `--machines <file>`: C9 machine models (YAML or JSON), every problem named before the stack starts. */
function machineModels(path: string): MachineModelFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InvalidArgumentError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const loaded = loadMachineModels(text);
  if (!loaded.ok) throw new InvalidArgumentError(`${path}: ${loaded.problems.join("; ")}`);
  return loaded.file;
}

/** What tests replace: how the command learns it is to stop (default: SIGINT or SIGTERM). */
export interface LocalCommandDependencies {
  /** Resolves when the stack is to stop; gets the running stack. */
  readonly untilStopped?: (stack: LocalStack) => Promise<void>;
}

/** `plantwatch local` (C8): the embedded stack, what `npm start` runs. */
export function localCommand(io: CliIo = processIo(), dependencies: LocalCommandDependencies = {}): Command {
  const command = new Command("local")
    .description(
      "run all of plantwatch on this machine, without AWS: MQTT broker, IoT rules, functions, API, dashboard and a demo fleet",
    )
    .option(
      "--data-dir <dir>",
      "where data, certificates and the series are kept across restarts",
      DEFAULT_DATA_DIR,
    )
    .option("--reset", "delete the data directory first (only if it is a plantwatch data directory)")
    .option(
      "--host <address>",
      "address to listen on (0.0.0.0 for the network: nothing here authenticates operators)",
      "127.0.0.1",
    )
    .addOption(new Option("--mqtt-port <n>", "plain MQTT port").argParser(listenPort).default(1883))
    .addOption(
      new Option("--mqtts-port <n>", "MQTT over mutual TLS port (the local CA)")
        .argParser(listenPort)
        .default(8883),
    )
    .addOption(
      new Option("--http-port <n>", "dashboard and operator API (/api) port")
        .argParser(listenPort)
        .default(8080),
    )
    .addOption(
      new Option(
        "--sweep-seconds <n>",
        "seconds between sweeps (offline things, ended snoozes, reminders); AWS runs it every 60",
      )
        .argParser(sweepSeconds)
        .default(15),
    )
    .addOption(
      new Option(
        "--webhook <[format=]url>",
        `POST each alarm notification to this URL as the deployed webhook of that format would (${WEBHOOK_FORMATS.join(", ")}); a bare URL is json; repeatable`,
      )
        .argParser(webhookList)
        .default([]),
    )
    .option("--no-demo", "no demo devices and rules: an empty stack")
    .addOption(new Option("--devices <n>", "demo devices (oven-1 ...)").argParser(count).default(6))
    .addOption(
      new Option("--scenario <names>", `demo scenarios, comma-separated: ${SCENARIO_NAMES.join(", ")}`)
        .argParser(scenarios)
        .default(DEMO_SCENARIOS, DEMO_SCENARIOS.join(",")),
    )
    .addOption(new Option("--seed <n>", "demo random seed (default: random)").argParser(seed))
    .addOption(
      new Option(
        "--machines <file>",
        "machine models for KPIs (YAML or JSON, schemas/machine-model-v1.schema.json; default: running, parts_total, parts_good, idealCycleSeconds)",
      ).argParser(machineModels),
    )
    .addHelpText(
      "after",
      [
        "",
        "Every port takes 0 for a free one. Data stays in --data-dir across restarts; --reset starts afresh.",
        `The demo applies ${relative(process.cwd(), DEMO_RULES_PATH)} when no rules are stored yet.`,
        "",
        "Each --webhook gets exactly the body the deployed stack's webhook of its format sends: a Slack",
        "chat.postMessage body, a Teams Adaptive Card, a PagerDuty Events v2 event, or the alarm event",
        "as JSON (a bare URL). Silences, reminders and escalations apply as on AWS.",
        "",
        "Exit code: 0 after Ctrl-C, 2 when a port is taken or the stack cannot start, 1 on a usage error",
        "(an unknown --webhook format too).",
        "",
        "Examples:",
        "  npm start",
        "  plantwatch local --no-demo --http-port 9090 --webhook http://localhost:9000/hook",
        "  plantwatch local --webhook slack=http://localhost:9000/slack --webhook teams=http://localhost:9000/teams",
        "  plantwatch local --reset --devices 12 --scenario overheat,offline,bad-payloads",
      ].join("\n"),
    )
    .action(action(io, (options: LocalOptions) => runLocal(io, options, dependencies)));
  command.configureOutput({ writeOut: io.out, writeErr: io.err });
  return command;
}

async function runLocal(
  io: CliIo,
  options: LocalOptions,
  dependencies: LocalCommandDependencies,
): Promise<void> {
  const style = outputStyle(io);
  // Locally the SDK only talks to dynalite: its notice about future Node.js versions is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  io.err("Starting the plantwatch local stack...\n");
  const stack = await startOrExplain({
    dataDir: options.dataDir,
    reset: options.reset ?? false,
    host: options.host,
    mqttPort: options.mqttPort,
    mqttsPort: options.mqttsPort,
    httpPort: options.httpPort,
    sweepSeconds: options.sweepSeconds,
    webhooks: options.webhook,
    ...(options.machines === undefined ? {} : { machines: options.machines }),
    demo: options.demo
      ? {
          devices: options.devices,
          scenarios: options.scenario,
          ...(options.seed === undefined ? {} : { seed: options.seed }),
        }
      : false,
    report: consoleReporter(io, style),
  });
  io.out(startupText(stack, options));
  await (dependencies.untilStopped ?? untilSignal)(stack);
  io.err("Stopping (the data stays in place)...\n");
  await stack.close();
  io.setExitCode(0);
}

/** A data directory that is not ours is the user's to change; a port or an address is the machine's state. */
const STARTUP_EXIT_CODES: Readonly<Record<LocalStartupReason, number>> = {
  foreign_data_dir: EXIT_CODES.usage,
  port_unavailable: EXIT_CODES.runtime,
  address_unavailable: EXIT_CODES.runtime,
  data_dir_in_use: EXIT_CODES.runtime,
};

/** Starts the stack; a start-up failure keeps its message and gets its exit code. */
async function startOrExplain(options: Parameters<typeof startLocalStack>[0]): Promise<LocalStack> {
  try {
    return await startLocalStack(options);
  } catch (error) {
    if (!(error instanceof LocalStartupError)) throw error;
    throw new CliError(error.message, STARTUP_EXIT_CODES[error.reason], { cause: error });
  }
}

function startupText(stack: LocalStack, options: LocalOptions): string {
  const shown = (path: string) => {
    const inside = relative(process.cwd(), path);
    return inside === "" ? "." : inside.startsWith("..") ? path : inside;
  };
  const rows: [string, string][] = [
    ["Dashboard", `${stack.urls.dashboard}/`],
    ["API (C7)", stack.urls.api],
    ["MQTT", `${stack.urls.mqtt}   plain; client id = thing name`],
    ["MQTT, mTLS", `${stack.urls.mqtts}  client certificate from the local CA, CN = thing name`],
    ["CA", shown(stack.certificates.ca)],
    ["Devices", `${shown(stack.certificates.devices)}/<thing>.pem and .key`],
    ["Data", `${shown(stack.layout.root)}  (kept across restarts; --reset starts afresh)`],
    ["Sweep", options.sweepSeconds > 0 ? `every ${options.sweepSeconds} s` : "off"],
    [
      "Webhooks",
      options.webhook.length > 0
        ? options.webhook.map(({ format, url }) => `${format}=${url}`).join(", ")
        : "none (--webhook FORMAT=URL)",
    ],
  ];
  if (stack.demo.devices.length > 0) {
    const rules =
      stack.demo.rulesApplied > 0 ? `, ${stack.demo.rulesApplied} demo rules applied` : ", stored rules kept";
    rows.push(["Demo", `${stack.demo.devices.length} ovens (${options.scenario.join(", ")})${rules}`]);
  }
  return [
    "",
    "plantwatch is running locally. Ctrl-C stops it.",
    "",
    ...rows.map(([key, value]) => `  ${key.padEnd(11)} ${value}`),
    "",
    "Try:",
    // Named in full: right whatever --host and --http-port were.
    `  npx plantwatch alarms list --local ${stack.urls.api}`,
    `  mosquitto_pub -h localhost -p ${stack.ports.mqtt} -i press-1 -t dt/plantwatch/press-1/telemetry -m '{"metrics":{"temperature":261}}'`,
    "",
    "",
  ].join("\n");
}

/** SIGINT or SIGTERM; a second Ctrl-C while stopping quits at once. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      process.once("SIGINT", () => process.exit(130));
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function listenPort(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0 || parsed > 65_535) {
    throw new InvalidArgumentError("expected a port from 0 (any free port) to 65535");
  }
  return parsed;
}

function sweepSeconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0 || parsed > 3_600) {
    throw new InvalidArgumentError("expected whole seconds from 0 (no sweep) to 3600");
  }
  return parsed;
}

const webhookUrl = httpUrlParser("http://localhost:9000/hook");

function webhookList(value: string, previous: readonly LocalWebhook[]): LocalWebhook[] {
  let webhook: LocalWebhook;
  try {
    webhook = parseLocalWebhook(value);
  } catch (error) {
    if (error instanceof UnknownWebhookFormatError) throw new InvalidArgumentError(error.message);
    throw error;
  }
  return [...previous, { ...webhook, url: webhookUrl(webhook.url) }];
}
