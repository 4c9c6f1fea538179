import { InvalidArgumentError } from "commander";
import type { DeviceSpec } from "../../provisioning/domain/deviceSpec.ts";
import { type FleetCsvOptions, formatCsvProblem, parseFleetCsv } from "../../provisioning/domain/fleetCsv.ts";
import { runFleet } from "../../provisioning/fleetRun.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../../shared/adapters/aws/controlPlaneRetry.ts";
import { UsageError } from "../errors.ts";
import { type CliIo, readInput } from "../io.ts";
import { type Deployment, type DeploymentOptions, openDeployment } from "./deployment.ts";
import { createProgress } from "./progress.ts";
import { deviceLabel, EXIT_SOME_FAILED } from "./reports.ts";

/** What tests (or an embedding program) can replace; each has a default for the real terminal. */
export interface ProvisioningDependencies {
  /** Backoff and budget of retried control-plane calls (tests use a fast one). */
  readonly retry?: RetryPolicy;
  /** Where the progress bar goes when it is a terminal (default: stderr). */
  readonly progressStream?: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** Stops a bulk run between devices (default: the first Ctrl-C). */
  readonly signal?: AbortSignal;
  /** The trust store to take Amazon Root CA 1 from (default: Node's). */
  readonly rootCertificates?: readonly string[];
}

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 100) {
    throw new InvalidArgumentError("expected a whole number from 1 to 100");
  }
  return number;
}

export function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

/** The retry policy of a run, counting its retries. */
function countingRetryPolicy(dependencies: ProvisioningDependencies): {
  readonly policy: RetryPolicy;
  retries(): number;
} {
  let retries = 0;
  const base = dependencies.retry ?? DEFAULT_RETRY_POLICY;
  return {
    policy: {
      ...base,
      onRetry: (operation, error) => {
        retries++;
        base.onRetry?.(operation, error);
      },
    },
    retries: () => retries,
  };
}

/**
 * The run's stop signal: the first Ctrl-C lets the devices under way finish and starts no more;
 * a second one ends the process as usual.
 */
function interruptSignal(
  io: CliIo,
  dependencies: ProvisioningDependencies,
): { readonly signal: AbortSignal; dispose(): void } {
  if (dependencies.signal !== undefined) return { signal: dependencies.signal, dispose: () => undefined };
  const controller = new AbortController();
  const onInterrupt = () => {
    process.removeListener("SIGINT", onInterrupt);
    io.err("\nstopping: finishing the devices under way, starting no more (Ctrl-C again to quit at once)\n");
    controller.abort();
  };
  process.on("SIGINT", onInterrupt);
  return { signal: controller.signal, dispose: () => process.removeListener("SIGINT", onInterrupt) };
}

/** Reads and checks a whole fleet file; any problem prints every problem and changes nothing. */
export async function readFleetFile(
  io: CliIo,
  file: string,
  options: FleetCsvOptions,
): Promise<DeviceSpec[]> {
  const name = file === "-" ? "<stdin>" : file;
  const fleet = parseFleetCsv(await readInput(io, file), options);
  if (!fleet.ok) {
    for (const problem of fleet.problems) io.err(`${formatCsvProblem(problem, name)}\n`);
    throw new UsageError(`${name}: ${fleet.problems.length} problem(s); nothing was changed`);
  }
  return [...fleet.devices];
}

/** What a bulk run's summary must tell for the exit code. */
interface FleetSummary {
  readonly failed: number;
  readonly notStarted: readonly unknown[];
}

export interface DeviceFleetRun<T, R, S extends FleetSummary> {
  /** The progress bar's title, e.g. "provisioning". */
  readonly title: string;
  readonly devices: readonly T[];
  /** Devices worked on at once. */
  readonly concurrency: number;
  /** Prints the summary as JSON rather than as the report. */
  readonly json?: boolean;
  /** Where the deployment's clients point, and the registry table they use. */
  readonly target: DeploymentOptions;
  readonly registryTable: string;
  /** Checks the deployment before any device is touched; returns the work on one device. */
  readonly prepare: (deployment: Deployment) => Promise<(device: T) => Promise<R>>;
  readonly summarize: (results: R[], notStarted: readonly T[], retries: number) => S;
  readonly format: (summary: S) => string;
}

/**
 * The bulk part of `provision` and `deprovision`: opens the deployment's clients (their retries
 * counted) and the Ctrl-C handling, works on every device with a progress bar (or lines), prints the
 * summary and sets exit code 1 when a device failed or was not started; closes the clients however
 * it ends.
 */
export async function runDeviceFleet<T, R extends Parameters<typeof deviceLabel>[0], S extends FleetSummary>(
  io: CliIo,
  dependencies: ProvisioningDependencies,
  run: DeviceFleetRun<T, R, S>,
): Promise<void> {
  const retry = countingRetryPolicy(dependencies);
  const deployment = openDeployment(run.target, run.registryTable, retry.policy);
  const interrupt = interruptSignal(io, dependencies);
  try {
    const work = await run.prepare(deployment);
    const { results, notStarted } = await runFleet<T, R>(
      run.devices,
      {
        concurrency: run.concurrency,
        signal: interrupt.signal,
        label: deviceLabel,
        progress: createProgress({
          title: run.title,
          total: run.devices.length,
          stream: dependencies.progressStream ?? process.stderr,
          line: io.err,
        }),
      },
      work,
    );
    const summary = run.summarize(
      results.filter((result): result is R => result !== undefined),
      notStarted,
      retry.retries(),
    );
    io.out(run.json ? `${JSON.stringify(summary, null, 2)}\n` : run.format(summary));
    if (summary.failed > 0 || summary.notStarted.length > 0) io.setExitCode(EXIT_SOME_FAILED);
  } finally {
    interrupt.dispose();
    deployment.close();
  }
}
