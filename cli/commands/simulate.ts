import { Command, Option } from "commander";
import { telemetryRuleName } from "../../shared/contracts/telemetryRule.ts";
import {
  assignScenarios,
  SCENARIO_DESCRIPTIONS,
  SCENARIO_NAMES,
  type ScenarioName,
} from "../../simulator/domain/scenarios.ts";
import type { BackoffPolicy } from "../../simulator/mqtt/backoff.ts";
import type { DeviceEvent } from "../../simulator/mqtt/mqttDevice.ts";
import { runFleet } from "../../simulator/mqtt/runFleet.ts";
import { type SimulationTimer, systemTimer } from "../../simulator/mqtt/timer.ts";
import { action, type CliIo, processIo } from "../io.ts";
import {
  allAcknowledged,
  formatSummaryJson,
  formatSummaryTable,
  scenarioLabel,
} from "../simulate/formatSummary.ts";
import { count, duration, finite, port, scenarios, seed } from "../simulate/options.ts";
import { type FleetTargetOptions, resolveEndpoints } from "../simulate/resolveEndpoints.ts";
import { DEFAULT_STACK } from "../target.ts";

interface SimulateOptions extends FleetTargetOptions {
  readonly scenario: readonly ScenarioName[];
  readonly interval: number;
  readonly duration?: number;
  readonly messages?: number;
  readonly seed?: number;
  readonly drainTimeout: number;
  readonly json?: boolean;
}

/** What tests replace: the clock, Ctrl-C, and how long a refused device waits to retry. */
export interface SimulateDependencies {
  readonly timer?: SimulationTimer;
  /** Calls `stop` on Ctrl-C; returns how to stop listening. Default: SIGINT, and a second one quits at once. */
  readonly onInterrupt?: (stop: () => void) => () => void;
  readonly backoff?: BackoffPolicy;
}

/** Exit code when a message was not acknowledged (as for a bulk run with failures). */
const EXIT_UNACKNOWLEDGED = 1;

/** `plantwatch simulate` (C8): a fleet of devices over MQTT with mutual TLS, with scenarios. */
export function simulateCommand(io: CliIo = processIo(), dependencies: SimulateDependencies = {}): Command {
  const command = new Command("simulate")
    .description(
      "simulate devices publishing telemetry over MQTT (mutual TLS, QoS 1) to AWS IoT Core or the local stack",
    )
    .addOption(new Option("--devices <n>", "simulate n devices, named <prefix>-001 ...").argParser(count))
    .addOption(
      new Option(
        "--from <folder>",
        "the devices of a plantwatch provision output folder (one sub-folder per device)",
      ).conflicts("devices"),
    )
    .option("--prefix <name>", "thing name prefix with --devices", "sim")
    .addOption(
      new Option("--scenario <names>", `comma-separated, combinable: ${SCENARIO_NAMES.join(", ")}`)
        .argParser(scenarios)
        .default(["normal"], "normal"),
    )
    .addOption(
      new Option("--interval <duration>", "time between readings").argParser(duration).default(1_000, "1s"),
    )
    .addOption(
      new Option("--duration <duration>", "stop after this long (default: run until Ctrl-C)").argParser(
        duration,
      ),
    )
    .addOption(
      new Option("--messages <n>", "stop after n readings per device").argParser(count).conflicts("duration"),
    )
    .addOption(
      new Option(
        "--seed <n>",
        "random seed: the same seed gives the same messages (default: random, printed)",
      ).argParser(seed),
    )
    .option(
      "--basic-ingest",
      "publish to the Basic Ingest topic $aws/rules/<rule>/... (no broker charge on AWS)",
    )
    .option(
      "--rule-name <name>",
      `telemetry rule for --basic-ingest (default: device.json's, else ${telemetryRuleName(DEFAULT_STACK)})`,
    )
    .option("--topic-root <root>", "C1 topic root (default: device.json's, else dt/plantwatch)")
    .option(
      "--endpoint <host>",
      "broker host: the account's IoT data endpoint (default: device.json's, else localhost)",
    )
    .addOption(
      new Option(
        "--port <n>",
        "broker port (default: device.json's, else 8883; 1883 with --insecure-plain)",
      ).argParser(port),
    )
    .option(
      "--ca <file>",
      "CA certificate that signed the broker's certificate (default: device.json's, else Node's root CAs)",
    )
    .option("--cert <file>", "client certificate for every --devices device (PEM)")
    .option("--key <file>", "its private key (PEM)")
    .addOption(
      new Option("--insecure-plain", "plain MQTT without TLS (the local stack's listener on 1883)").conflicts(
        ["cert", "key", "ca"],
      ),
    )
    .addOption(
      new Option(
        "--threshold <value>",
        "level overheat and flapping cross (default: the device's maxTemp attribute, else 250)",
      ).argParser(finite),
    )
    .addOption(
      new Option("--drain-timeout <duration>", "how long to wait at the end for acknowledgements")
        .argParser(duration)
        .default(10_000, "10s"),
    )
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      [
        "",
        "Scenarios:",
        ...SCENARIO_NAMES.map((name) => `  ${name.padEnd(13)} ${SCENARIO_DESCRIPTIONS[name]}`),
        "",
        "Exit code: 0 when every message was acknowledged (PUBACK), 1 otherwise or on a usage error.",
        "",
        "Examples:",
        "  plantwatch simulate --from ./devices --scenario overheat,offline --duration 5m",
        "  plantwatch simulate --devices 20 --insecure-plain --scenario normal,burst --seed 42",
      ].join("\n"),
    )
    .action(action(io, (options: SimulateOptions) => simulate(io, options, dependencies)));
  command.configureOutput({ writeOut: io.out, writeErr: io.err });
  return command;
}

async function simulate(
  io: CliIo,
  options: SimulateOptions,
  dependencies: SimulateDependencies,
): Promise<void> {
  const devices = await resolveEndpoints(io, options, telemetryRuleName(DEFAULT_STACK));
  const seedValue = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const ticks =
    options.messages ??
    (options.duration === undefined ? undefined : Math.ceil(options.duration / options.interval));
  const [first] = devices;
  if (first !== undefined) {
    io.err(
      `Simulating ${devices.length} device(s) to ${first.tls === undefined ? "mqtt" : "mqtts"}://${first.host}:${first.port}, ` +
        `topic ${first.topic}${devices.length > 1 ? " and the others'" : ""}, a reading every ${formatMs(options.interval)}, ` +
        `${ticks === undefined ? "until Ctrl-C" : `${ticks} reading(s) each`}; seed ${seedValue}.\n`,
    );
  }

  assignScenarios(devices.length, options.scenario).forEach((scenarios, index) => {
    const thingName = devices[index]?.thingName;
    if (scenarios.some((scenario) => scenario !== "normal"))
      io.err(`${thingName}: ${scenarioLabel(scenarios)}\n`);
  });

  const controller = new AbortController();
  const release = (dependencies.onInterrupt ?? onSigint)(() => {
    if (controller.signal.aborted) return;
    io.err("Stopping: waiting for acknowledgements...\n");
    controller.abort();
  });
  try {
    const summary = await runFleet({
      devices,
      scenarios: options.scenario,
      seed: seedValue,
      intervalMs: options.interval,
      ...(ticks === undefined ? {} : { ticks }),
      timer: dependencies.timer ?? systemTimer,
      signal: controller.signal,
      drainTimeoutMs: options.drainTimeout,
      ...(dependencies.backoff === undefined ? {} : { backoff: dependencies.backoff }),
      onEvent: eventPrinter(io),
    });
    io.out(options.json ? formatSummaryJson(summary) : formatSummaryTable(summary));
    if (!allAcknowledged(summary)) io.setExitCode(EXIT_UNACKNOWLEDGED);
  } finally {
    release();
  }
}

/** Connection problems on stderr: a device's failure once per distinct message, and its recovery. */
function eventPrinter(io: CliIo): (event: DeviceEvent) => void {
  const failing = new Map<string, string>();
  return (event) => {
    if (event.type === "connection-failed") {
      if (failing.get(event.thingName) === event.message) return;
      failing.set(event.thingName, event.message);
      io.err(
        `${event.thingName}: ${event.message}; retrying in ${(event.retryInMs / 1000).toFixed(1)} s (with backoff)\n`,
      );
    } else if (failing.delete(event.thingName)) {
      io.err(`${event.thingName}: connected\n`);
    }
  };
}

function formatMs(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${ms / 1_000} s`;
}

function onSigint(stop: () => void): () => void {
  let interrupts = 0;
  const handler = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    stop();
  };
  process.on("SIGINT", handler);
  return () => process.off("SIGINT", handler);
}
