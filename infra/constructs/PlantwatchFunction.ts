import { join } from "node:path";
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { PROJECT_ROOT } from "../projectPaths.ts";
import { QueueFailureDestination } from "./QueueFailureDestination.ts";
import type { FunctionPlacement } from "./SeriesStoreBinding.ts";

/** The newest Node.js runtime this CDK version offers, and the esbuild target matching it. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;
const ESBUILD_TARGET = FUNCTION_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, "node$1");

/**
 * Credential providers of the SDK's default chain that Lambda never reaches (the runtime sets the
 * environment credentials the chain tries first), bundled as a stub that passes to the next link.
 */
export const UNBUNDLED_CREDENTIAL_PROVIDERS = [
  "@aws-sdk/credential-provider-sso",
  "@aws-sdk/credential-provider-ini",
  "@aws-sdk/credential-provider-process",
  "@aws-sdk/credential-provider-web-identity",
] as const;
export const UNUSED_CREDENTIAL_PROVIDER = join(PROJECT_ROOT, "functions/commons/unusedCredentialProvider.ts");

/** The dimension Powertools Metrics adds to every metric: the function's service name. */
export const POWERTOOLS_SERVICE_DIMENSION = "service";

export interface PlantwatchFunctionProps {
  /** Path of the handler module, relative to the repository root (e.g. `functions/ingest/handler.ts`). */
  readonly entry: string;
  readonly description: string;
  /** Powertools service name (`POWERTOOLS_SERVICE_NAME`). */
  readonly serviceName: string;
  /** Powertools metrics namespace (`POWERTOOLS_METRICS_NAMESPACE`). */
  readonly metricsNamespace: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  /** Encrypts the log group (the key policy must allow CloudWatch Logs). */
  readonly logEncryptionKey?: kms.IKey;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** @default - no reserved concurrency */
  readonly reservedConcurrentExecutions?: number;
  /** Runs the function in these subnets with these security groups. @default - outside any VPC */
  readonly placement?: FunctionPlacement;
}

/**
 * What each function construct takes from the deployment for its house function: the metrics
 * namespace, and how the log group is kept and encrypted.
 */
export interface DeploymentFunctionProps {
  readonly metricsNamespace: string;
  readonly logRetention: logs.RetentionDays;
  /** Of the log group: it is encrypted with the deployment key, so it follows the key's policy. */
  readonly logRemovalPolicy: RemovalPolicy;
  /** The deployment key; it encrypts the log group (and whatever else the construct says). */
  readonly encryptionKey: kms.IKey;
}

/** The house function's props that come from the deployment, the same for every function. */
export function deploymentFunctionProps(
  props: DeploymentFunctionProps,
): Pick<
  PlantwatchFunctionProps,
  "metricsNamespace" | "logRetention" | "logEncryptionKey" | "logRemovalPolicy"
> {
  return {
    metricsNamespace: props.metricsNamespace,
    logRetention: props.logRetention,
    logEncryptionKey: props.encryptionKey,
    logRemovalPolicy: props.logRemovalPolicy,
  };
}

/**
 * The house Lambda function: Node.js (newest runtime) on arm64, bundled by esbuild as minified ESM
 * with source maps and the AWS SDK v3 inside the bundle (the code tested is the code deployed),
 * structured JSON logs to an explicit log group with a retention, and its own role with no AWS
 * managed policy: it may write to its log group and nothing else until a caller grants more with
 * explicit statements (`addToRolePolicy`). `BoundVariable` names the environment variables its `bind*`
 * calls may set (the constructs pass their function's own; the compiler then rejects a misspelt one).
 */
export class PlantwatchFunction<BoundVariable extends string = string> extends nodejs.NodejsFunction {
  readonly #failureQueues = new Set<sqs.IQueue>();
  /** The function's own role (`role` is typed as possibly absent; this one always exists). */
  readonly executionRole: iam.Role;
  /** Its Powertools service name, the `service` dimension of the metrics it publishes. */
  readonly serviceName: string;
  /** The namespace of the metrics it publishes. */
  readonly metricsNamespace: string;

  constructor(scope: Construct, id: string, props: PlantwatchFunctionProps) {
    // Role and log group must exist before the function, so they are created beside it.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of ${props.description}`,
    });
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    super(scope, id, {
      entry: join(PROJECT_ROOT, props.entry),
      handler: "handler",
      description: props.description,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, "package-lock.json"),
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role,
      logGroup,
      ...(props.placement && {
        vpc: props.placement.vpc,
        vpcSubnets: props.placement.subnets,
        securityGroups: [...props.placement.securityGroups],
      }),
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        NODE_OPTIONS: "--enable-source-maps",
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: ESBUILD_TARGET,
        mainFields: ["module", "main"],
        // Bundled CommonJS dependencies may still call require(); give ESM output one.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle everything, the AWS SDK v3 included, rather than use the runtime's copy.
        externalModules: [],
        // CDK passes each as `--alias:<package>=<stub>` to esbuild.
        esbuildArgs: {
          "--alias": UNBUNDLED_CREDENTIAL_PROVIDERS.map((pkg) => `${pkg}=${UNUSED_CREDENTIAL_PROVIDER}`),
        },
      },
    });
    this.executionRole = role;
    this.serviceName = props.serviceName;
    this.metricsNamespace = props.metricsNamespace;

    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "WriteOwnLogGroup",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
    );
    if (props.placement) {
      // Lambda creates and removes the function's network interfaces with the role. The actions are
      // those of AWSLambdaVPCAccessExecutionRole (no managed policy here); DescribeNetworkInterfaces
      // works only on "*" and Lambda picks the interfaces' ids itself.
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: "ManageVpcNetworkInterfaces",
          actions: [
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
          ],
          resources: ["*"],
        }),
      );
    }
  }

  /**
   * A metric the function publishes itself through Powertools (EMF): in its namespace, with the
   * `service` dimension Powertools adds, and any `dimensions` the code adds to it.
   */
  metricPublished(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      ...props,
      namespace: this.metricsNamespace,
      metricName,
      dimensionsMap: { [POWERTOOLS_SERVICE_DIMENSION]: this.serviceName, ...props.dimensionsMap },
    });
  }

  /** Allows exactly `actions` on `resources`: explicit statements, where grant helpers add wildcard actions. */
  allow(sid: string, actions: string[], resources: string[]): void {
    this.addToRolePolicy(new iam.PolicyStatement({ sid, actions, resources }));
  }

  /**
   * Sets `variables` and grants `statement` in one call: a function is never given a resource's name
   * without the access it needs, nor an access without the name. The `bind*` helpers below build both
   * from a resource; each takes the exact actions, where CDK's `grant*` helpers add wildcard ones.
   */
  bind(variables: Readonly<Partial<Record<BoundVariable, string>>>, statement: iam.PolicyStatement): void {
    this.#bind(variables, statement);
  }

  /** `variable` = the table's name; statement `sid` allows exactly `actions` on the table. */
  bindTable(variable: BoundVariable, table: dynamodb.ITable, sid: string, actions: string[]): void {
    this.#bind(
      { [variable]: table.tableName },
      new iam.PolicyStatement({ sid, actions, resources: [table.tableArn] }),
    );
  }

  /** `variable` = the bucket's name; statement `sid` allows exactly `actions` on the keys matching `keyPattern`. */
  bindBucketObjects(
    variable: BoundVariable,
    bucket: s3.IBucket,
    sid: string,
    actions: string[],
    keyPattern: string,
  ): void {
    this.#bind(
      { [variable]: bucket.bucketName },
      new iam.PolicyStatement({ sid, actions, resources: [bucket.arnForObjects(keyPattern)] }),
    );
  }

  /** Each variable = its topic's ARN; one statement `sid` allows exactly `actions` on all of them. */
  bindTopics(
    topics: Readonly<Partial<Record<BoundVariable, sns.ITopic>>>,
    sid: string,
    actions: string[],
  ): void {
    const entries = Object.entries<sns.ITopic | undefined>(topics).flatMap(([variable, topic]) =>
      topic === undefined ? [] : [[variable, topic] as const],
    );
    this.#bind(
      Object.fromEntries(entries.map(([variable, topic]) => [variable, topic.topicArn])),
      new iam.PolicyStatement({ sid, actions, resources: entries.map(([, topic]) => topic.topicArn) }),
    );
  }

  /**
   * `variable` = the bus's name; statement `sid` allows `events:PutEvents` on it for events of `source`
   * only, so the function cannot pass itself off as another producer on the bus.
   */
  bindEventBus(variable: BoundVariable, bus: events.IEventBus, sid: string, source: string): void {
    this.#bind(
      { [variable]: bus.eventBusName },
      new iam.PolicyStatement({
        sid,
        actions: ["events:PutEvents"],
        resources: [bus.eventBusArn],
        conditions: { StringEquals: { "events:source": source } },
      }),
    );
  }

  /**
   * Asynchronous invocations: Lambda retries `retryAttempts` times within `maxEventAge`, then sends
   * the event to `queue` (which the role may send to; SqsDestination would grant wildcard KMS actions).
   */
  sendFailuresTo(queue: sqs.IQueue, options: { retryAttempts: number; maxEventAge: Duration }): void {
    this.allowSendingFailuresTo(queue);
    this.configureAsyncInvoke({ ...options, onFailure: new QueueFailureDestination(queue) });
  }

  /**
   * Lets the role send to `queue`, once whoever asks (the async invoke config, a stream event source
   * mapping's on-failure destination): Lambda sends both kinds of failure record with the role.
   */
  allowSendingFailuresTo(queue: sqs.IQueue): void {
    if (this.#failureQueues.has(queue)) return;
    this.#failureQueues.add(queue);
    this.allow("SendFailedEventsToDeadLetterQueue", ["sqs:SendMessage"], [queue.queueArn]);
  }

  /** Lets the role use `key` only through `services`, which encrypt and decrypt with it on the function's behalf. */
  allowKeyUseVia(
    key: kms.IKey,
    services: readonly ("dynamodb" | "s3" | "secretsmanager" | "sns" | "sqs")[],
    sid = "UseDeploymentKeyThroughItsStores",
  ): void {
    const { region } = Stack.of(this);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        sid,
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: [key.keyArn],
        conditions: {
          StringEquals: { "kms:ViaService": services.map((service) => `${service}.${region}.amazonaws.com`) },
        },
      }),
    );
  }

  /** `bind` for the helpers, whose computed keys TypeScript widens to `string`. */
  #bind(variables: Readonly<Record<string, string | undefined>>, statement: iam.PolicyStatement): void {
    for (const [name, value] of Object.entries(variables)) {
      if (value !== undefined) this.addEnvironment(name, value);
    }
    this.addToRolePolicy(statement);
  }
}
