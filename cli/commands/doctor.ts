import { Command, InvalidArgumentError } from "commander";
import {
  awsDoctorPorts,
  type DoctorClients,
  destroyClients,
  doctorClients,
} from "../../doctor/awsDoctorPorts.ts";
import type { CheckResult } from "../../doctor/checks.ts";
import { DOCTOR_THING, runDoctor } from "../../doctor/runDoctor.ts";
import { EXIT_CODES } from "../errors.ts";
import { action, type CliIo, processIo } from "../io.ts";
import { addTargetOptions, awsClientConfig, readStackOutputs, type TargetOptions } from "../target.ts";

interface DoctorCommandOptions extends TargetOptions {
  readonly json?: boolean;
  readonly alarmWait: number;
}

/** What tests replace: the clients (each pointed at its fake) and the pause between history reads. */
export interface DoctorDependencies {
  readonly clients?: (options: TargetOptions) => DoctorClients;
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const HELP = `
Checks, one line each (ok, warn, or FAIL with what to do):
  stack outputs       the stack exists and has the outputs the CLI and devices use
  ops alarm path      sets the alarm <stack>-dead-letters to ALARM (reason "plantwatch doctor"), waits for
                      its SNS action in the alarm history, sets it back to OK. The ops topic's subscribers
                      get the test notification: that is the point. "Failed to execute action" names the
                      key or topic policy at fault.
  ops subscriptions   the ops topic has a confirmed subscription (pending ones: warn)
  series store        invokes the ingest function synchronously with one C2 message of the reserved thing
                      ${DOCTOR_THING} (metric doctor_probe) and checks that it was stored: the store is
                      private, so this is the way telemetry goes (either ingestion mode)
  telemetry rule,
  lifecycle rule      exist and are enabled
  dead-letter queue   is empty (else: plantwatch dlq list)
Exit codes: 0 every check ok (warnings allowed), 1 a check failed, 2 AWS or runtime error.`;

/** `plantwatch doctor`: a post-deploy smoke check of a deployment, end to end. */
export function doctorCommand(io: CliIo = processIo(), dependencies: DoctorDependencies = {}): Command {
  const command = addTargetOptions(
    new Command("doctor").description(
      "check a deployment end to end after deploying: outputs, alarms, store, rules, DLQ",
    ),
  )
    .option("--json", "print the checks as a JSON array")
    .option("--alarm-wait <seconds>", "how long to wait for the alarm's SNS action (1-300)", seconds, 60)
    .addHelpText("after", HELP)
    .action(action(io, (options: DoctorCommandOptions) => doctor(io, dependencies, options)));
  command.configureOutput({ writeOut: io.out, writeErr: io.err });
  return command;
}

async function doctor(
  io: CliIo,
  dependencies: DoctorDependencies,
  options: DoctorCommandOptions,
): Promise<void> {
  const clients = (dependencies.clients ?? ((target) => doctorClients(awsClientConfig(target))))(options);
  try {
    const ports = awsDoctorPorts(clients, () => readStackOutputs(clients.cloudFormation, options.stack));
    const results = await runDoctor(dependencies.sleep ? { ...ports, sleep: dependencies.sleep } : ports, {
      stack: options.stack,
      alarmWaitMs: options.alarmWait * 1000,
      pollMs: dependencies.pollMs ?? 5_000,
    });
    io.out(options.json ? `${JSON.stringify(results, null, 2)}\n` : formatChecks(results));
    io.setExitCode(results.some((result) => result.status === "fail") ? EXIT_CODES.usage : EXIT_CODES.ok);
  } finally {
    destroyClients(clients);
  }
}

export function formatChecks(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.check.length));
  const label = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;
  return results
    .map((result) => {
      const line = `${label[result.status]}  ${result.check.padEnd(width)}  ${result.detail}`;
      return result.fix ? `${line}\n      ${" ".repeat(width)}  → ${result.fix}\n` : `${line}\n`;
    })
    .join("");
}

function seconds(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 300) {
    throw new InvalidArgumentError("expected a whole number of seconds from 1 to 300");
  }
  return number;
}
