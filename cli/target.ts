import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { type Command, InvalidArgumentError } from "commander";
import { STACK_OUTPUTS } from "../infra/stackOutputs.ts";
import { CliError, EXIT_CODES, UsageError } from "./errors.ts";

/** The stack `npx cdk deploy` creates for the default stage. */
export const DEFAULT_STACK = "plantwatch-dev";

/** Where a command works: a deployed stack (found by name), or a local endpoint. */
export interface TargetOptions {
  readonly stack: string;
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
}

export type StackOutputName = keyof typeof STACK_OUTPUTS;

/** Placeholder credentials for a local endpoint, which checks none (a real one would refuse them). */
const LOCAL_CREDENTIALS = { accessKeyId: "plantwatch-local", secretAccessKey: "plantwatch-local" };

/** `--stack`, `--region`, `--profile` and `--endpoint`, alike on every command that calls AWS. */
export function addTargetOptions(command: Command): Command {
  return command
    .option(
      "--stack <name>",
      "CloudFormation stack of the deployment, whose outputs name its resources",
      DEFAULT_STACK,
    )
    .option("--region <region>", "AWS region (default: from the environment or the profile)")
    .option("--profile <name>", "named AWS profile (default: the default credential chain)")
    .option(
      "--endpoint <url>",
      "a local endpoint instead of AWS (e.g. a local DynamoDB); name the resource too",
      httpUrlParser("http://localhost:8000"),
    );
}

/** A commander parser for an http(s) URL option; `example` shows what is expected. */
export function httpUrlParser(example: string): (value: string) => string {
  return (value) => {
    let protocol: string | undefined;
    try {
      protocol = new URL(value).protocol;
    } catch {
      protocol = undefined;
    }
    if (protocol !== "http:" && protocol !== "https:") {
      throw new InvalidArgumentError(`expected a URL such as ${example}`);
    }
    return value;
  };
}

/** SDK client settings for the target; a local endpoint gets a region and placeholder credentials. */
export function awsClientConfig(options: TargetOptions): {
  region?: string;
  profile?: string;
  endpoint?: string;
  credentials?: typeof LOCAL_CREDENTIALS;
} {
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.endpoint === undefined
      ? {}
      : {
          endpoint: options.endpoint,
          region: options.region ?? "us-east-1",
          ...(options.profile === undefined ? { credentials: LOCAL_CREDENTIALS } : {}),
        }),
  };
}

/**
 * A resource of the target: `override` when the user named it (`--table`, say), otherwise the
 * stack output `output` read with DescribeStacks.
 */
export async function resolveStackOutput(
  options: TargetOptions,
  output: StackOutputName,
  override: { readonly value: string | undefined; readonly flag: string },
  cloudFormation?: CloudFormationClient,
): Promise<string> {
  if (override.value !== undefined) return override.value;
  if (options.endpoint !== undefined) {
    throw new UsageError(`--endpoint needs ${override.flag}: a local endpoint has no stack outputs`);
  }
  const client = cloudFormation ?? new CloudFormationClient(awsClientConfig(options));
  try {
    const { key } = STACK_OUTPUTS[output];
    const stack = await describeStack(client, options.stack);
    const value = stack.Outputs?.find((candidate) => candidate.OutputKey === key)?.OutputValue;
    if (value === undefined) {
      throw new CliError(
        `stack ${options.stack} has no output ${key}: deploy the current version (npx cdk deploy), or give ${override.flag}`,
        EXIT_CODES.runtime,
      );
    }
    return value;
  } finally {
    if (cloudFormation === undefined) client.destroy();
  }
}

/** Every output of the stack by key (`plantwatch doctor` checks them all at once). */
export async function readStackOutputs(
  client: CloudFormationClient,
  stackName: string,
): Promise<Record<string, string>> {
  return (await readStack(client, stackName)).outputs;
}

/** The stack's id (its ARN: partition, region, account) and its outputs by key. */
export async function readStack(
  client: CloudFormationClient,
  stackName: string,
): Promise<{ readonly stackId: string; readonly outputs: Record<string, string> }> {
  const stack = await describeStack(client, stackName);
  const outputs = Object.fromEntries(
    (stack.Outputs ?? []).flatMap(({ OutputKey, OutputValue }) =>
      OutputKey === undefined || OutputValue === undefined ? [] : [[OutputKey, OutputValue]],
    ),
  );
  return { stackId: stack.StackId ?? "", outputs };
}

async function describeStack(client: CloudFormationClient, stackName: string) {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (stack === undefined) throw new Error("DescribeStacks returned no stack");
    return stack;
  } catch (error) {
    const { name, message } = error as Error;
    if (name === "ValidationError" && /does not exist/.test(message)) {
      const region = await client.config.region().catch(() => "?");
      throw new CliError(
        `stack ${stackName} does not exist in ${region}: deploy it (npx cdk deploy), or choose another with --stack/--region`,
        EXIT_CODES.runtime,
        { cause: error },
      );
    }
    throw error;
  }
}
