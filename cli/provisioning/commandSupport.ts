import { InvalidArgumentError } from "commander";
import type { DeviceSpec } from "../../provisioning/domain/deviceSpec.ts";
import { type FleetCsvOptions, formatCsvProblem, parseFleetCsv } from "../../provisioning/domain/fleetCsv.ts";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../../shared/adapters/aws/controlPlaneRetry.ts";
import { UsageError } from "../errors.ts";
import { type CliIo, readInput } from "../io.ts";

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
export function countingRetryPolicy(dependencies: ProvisioningDependencies): {
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
export function interruptSignal(
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
