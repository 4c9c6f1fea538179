import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { Command } from "commander";
import type { CliIo } from "../../../cli/io.ts";
import type { ProvisioningDependencies } from "../../../cli/provisioning/commandSupport.ts";
import { type CliRun, runCli, type TestTerminal } from "../../support/cliHarness.ts";
import type { LocalDynamo } from "../../support/dynalite.ts";
import type { FakeIot } from "../../support/fakeIot.ts";

export const POLICY = "plantwatch-test-DevicePolicy";
export const RULE = "plantwatch_test_telemetry";
export const TOPIC_ROOT = "dt/plantwatch";

/** Fast, deterministic retries: no real waiting in tests. */
export const FAST_DEPENDENCIES: ProvisioningDependencies = {
  retry: { backoff: { baseDelayMs: 1, maxDelayMs: 2, random: () => 0.5 }, budgetMs: 10_000 },
  progressStream: Object.assign(new PassThrough(), { isTTY: false }),
  signal: new AbortController().signal,
};

/** Runs a provisioning command in this process, with `FAST_DEPENDENCIES` unless told otherwise. */
export function runProvisioningCli(
  create: (io: CliIo, dependencies: ProvisioningDependencies) => Command,
  args: readonly string[],
  terminal: TestTerminal & { readonly dependencies?: ProvisioningDependencies } = {},
): Promise<CliRun> {
  return runCli((io) => create(io, terminal.dependencies ?? FAST_DEPENDENCIES), args, terminal);
}

/** The flags that point a command at the fakes instead of a stack. */
export function localTarget(iot: FakeIot, dynamo: LocalDynamo): string[] {
  return [
    "--endpoint",
    dynamo.endpoint,
    "--iot-endpoint",
    iot.endpoint,
    "--registry-table",
    dynamo.tableName,
    "--policy",
    POLICY,
    "--topic-root",
    TOPIC_ROOT,
    "--telemetry-rule",
    RULE,
  ];
}

export async function registryItem(dynamo: LocalDynamo, thingName: string) {
  const { Item } = await dynamo.client.send(
    new GetCommand({ TableName: dynamo.tableName, Key: { thingName } }),
  );
  return Item;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `plantwatch-${prefix}-`));
}

/** Control-plane operations that change something. */
export const MUTATING = new Set([
  "CreateThing",
  "UpdateThing",
  "DeleteThing",
  "CreateCertificateFromCsr",
  "CreateKeysAndCertificate",
  "UpdateCertificate",
  "DeleteCertificate",
  "AttachPolicy",
  "DetachPolicy",
  "AttachThingPrincipal",
  "DetachThingPrincipal",
]);
