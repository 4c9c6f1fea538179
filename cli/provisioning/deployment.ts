import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type Command, InvalidArgumentError } from "commander";
import { AwsIotControlPlane } from "../../shared/adapters/aws/awsIotControlPlane.ts";
import type { RetryPolicy } from "../../shared/adapters/aws/controlPlaneRetry.ts";
import { DynamoDbDeviceRegistry } from "../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { awsClientConfig, resolveStackOutput, type StackOutputName, type TargetOptions } from "../target.ts";

/** The target options of `provision` and `deprovision`, beyond `--stack/--region/--profile/--endpoint`. */
export interface DeploymentOptions extends TargetOptions {
  readonly iotEndpoint?: string;
  readonly registryTable?: string;
  readonly policy?: string;
  readonly topicRoot?: string;
  readonly telemetryRule?: string;
}

/** The deployment's resources that provisioning uses, from the stack outputs or the flags. */
export interface ProvisionOutputs {
  readonly registryTable: string;
  readonly policyName: string;
  readonly topicRoot: string;
  readonly telemetryRuleName: string;
}

export function addDeploymentOptions(command: Command, provision: boolean): Command {
  command
    .option(
      "--iot-endpoint <url>",
      "a local IoT control-plane endpoint instead of AWS IoT (tests, emulators)",
      url,
    )
    .option("--registry-table <name>", "device registry table (default: the stack output RegistryTableName)");
  if (!provision) return command;
  return command
    .option("--policy <name>", "IoT policy for the certificates (default: the stack output DevicePolicyName)")
    .option("--topic-root <root>", "C1 topic root for device.json (default: the stack output TopicRoot)")
    .option(
      "--telemetry-rule <name>",
      "telemetry rule for Basic Ingest, in device.json (default: the stack output TelemetryRuleName)",
    );
}

function url(value: string): string {
  if (!/^https?:\/\/./.test(value))
    throw new InvalidArgumentError("expected a URL such as http://localhost:4566");
  return value;
}

/** The registry table only (deprovisioning). */
export async function resolveRegistryTable(options: DeploymentOptions): Promise<string> {
  return resolveStackOutput(options, "registryTable", {
    value: options.registryTable,
    flag: "--registry-table",
  });
}

/** Every resource provisioning needs; one CloudFormation client for the outputs not given as flags. */
export async function resolveProvisionOutputs(options: DeploymentOptions): Promise<ProvisionOutputs> {
  const cloudFormation = new CloudFormationClient(awsClientConfig(options));
  const output = (name: StackOutputName, value: string | undefined, flag: string) =>
    resolveStackOutput(options, name, { value, flag }, cloudFormation);
  try {
    // One after another: a missing stack is then reported once, not four times.
    return {
      registryTable: await output("registryTable", options.registryTable, "--registry-table"),
      policyName: await output("devicePolicy", options.policy, "--policy"),
      topicRoot: await output("topicRoot", options.topicRoot, "--topic-root"),
      telemetryRuleName: await output("telemetryRule", options.telemetryRule, "--telemetry-rule"),
    };
  } finally {
    cloudFormation.destroy();
  }
}

export interface Deployment {
  readonly iot: AwsIotControlPlane;
  readonly registry: DynamoDbDeviceRegistry;
  close(): void;
}

/** SDK clients for the target: IoT at `--iot-endpoint` if given, the registry at `--endpoint` if given. */
export function openDeployment(
  options: DeploymentOptions,
  registryTable: string,
  retry: RetryPolicy,
): Deployment {
  const iotConfig = awsClientConfig({ ...options, endpoint: options.iotEndpoint });
  const iot = new AwsIotControlPlane({ clientConfig: { ...iotConfig, maxAttempts: 1 }, retry });
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig(options)), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    iot,
    registry: new DynamoDbDeviceRegistry({ client: documents, tableName: registryTable }),
    close: () => {
      iot.destroy();
      documents.destroy();
    },
  };
}
