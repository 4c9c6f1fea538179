import { type CfnElement, Stack, Validations } from "aws-cdk-lib";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { IConstruct } from "constructs";
import { QUARANTINE_PREFIX, SHARD_CHECKPOINT_PREFIX } from "../shared/contracts/storageLayout.ts";
import type { InfluxSeriesStore } from "./constructs/InfluxSeriesStore.ts";
import {
  OPERATOR_ACCESS_LEVELS,
  type OperatorAccessPolicies,
  routeResourceName,
  routesOf,
} from "./constructs/OperatorAccessPolicies.ts";
import type { OperatorApi } from "./constructs/OperatorApi.ts";
import type { PlantwatchStack } from "./stacks/PlantwatchStack.ts";

/** One acknowledged finding: where, which rule (with the exact finding for IAM5), and why. */
export interface NagSuppression {
  readonly scope: IConstruct;
  readonly id: string;
  readonly reason: string;
}

/**
 * Every validation finding plantwatch accepts (cdk-nag AwsSolutions and CDK's built-in CloudFormation
 * Validate), each on the narrowest construct and, for IAM5, the exact resource it is about. The nag
 * tests fail on any finding not listed here and on any entry here that no longer matches a finding.
 */
export function nagSuppressions(stack: PlantwatchStack): NagSuppression[] {
  const ingestPolicy = defaultPolicyOf(stack.ingest.function, "ingest");
  const apiPolicy = defaultPolicyOf(stack.apiFunction.function, "api");
  // cdk-nag names a wildcard resource as it renders it: `<LogicalId.Arn>/quarantine/*`.
  const quarantineObjects = `<${logicalIdOf(stack.quarantine.bucket)}.Arn>/${QUARANTINE_PREFIX}*`;
  return [
    {
      scope: stack.deadLetterQueue.queue,
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is itself the dead-letter queue: the async on-failure destination of the ingest, " +
        "evaluate, sweep and notify functions, the error action of the telemetry and lifecycle rules, " +
        "the sweep schedule's and every EventBridge rule target's dead-letter queue (SQS3 recognises only RedrivePolicy and Lambda " +
        "DeadLetterConfig references). Messages stay 14 days (the SQS maximum) for " +
        "`plantwatch dlq replay`; a queue behind it would only move the same messages once more.",
    },
    {
      scope: ingestPolicy,
      id: "AwsSolutions-IAM5[Resource::*]",
      reason: stack.influxStore ? networkInterfacesReason("ingest") : describeEndpointsReason("WriteRecords"),
    },
    {
      scope: apiPolicy,
      id: "AwsSolutions-IAM5[Resource::*]",
      reason: stack.influxStore
        ? networkInterfacesReason("api")
        : describeEndpointsReason("Select (the operator API's telemetry queries)"),
    },
    {
      scope: ingestPolicy,
      id: `AwsSolutions-IAM5[Resource::${quarantineObjects}]`,
      reason:
        "The ingest function writes quarantine entries as objects whose keys (reason, date, content " +
        "hash) are only known at run time, so s3:PutObject needs an object wildcard. It is limited to " +
        "the quarantine/ prefix of the one quarantine bucket, and PutObject is the only action: the " +
        "function cannot read, list or delete there, and an overwrite keeps the previous version " +
        "(the bucket is versioned).",
    },
    ...(stack.telemetryStore
      ? [
          {
            scope: stack.telemetryStore,
            id: "CloudFormation-Validate::W3697",
            reason:
              "Timestream for LiveAnalytics is the series store DESIGN.md specifies. AWS put it in " +
              "maintenance mode on 2025-06-20: it keeps working for accounts that already use it, but is " +
              "closed to new customers. Known and reported as an open design question; the store is " +
              "behind the SeriesStore port, so a replacement changes that adapter and this construct only.",
          },
        ]
      : []),
    ...(stack.influxStore ? influxSuppressions(stack.influxStore) : []),
    ...operatorAccessSuppressions(stack.operatorAccess, stack.operatorApi),
    ...(stack.telemetryStream
      ? [
          {
            scope: defaultPolicyOf(stack.evaluate.function, "evaluate"),
            id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(stack.quarantine.bucket)}.Arn>/${SHARD_CHECKPOINT_PREFIX}*]`,
            reason:
              "The evaluate function (the stream consumer) keeps one checkpoint object per shard, whose " +
              "key is the shard id, known only at run time (shards come and go when the stream scales), " +
              "so s3:GetObject and s3:PutObject need an object wildcard. It is limited to the " +
              "stream-checkpoints/ prefix of the one quarantine bucket: the function cannot read or " +
              "write quarantined data there, nor delete anything; ListBucket is allowed only for keys " +
              "under that prefix (so that a missing checkpoint answers 404, not 403).",
          },
          {
            scope: stack.telemetryStream.stream,
            id: "AwsSolutions-KDS3",
            reason:
              "The telemetry stream is encrypted with the deployment's customer-managed key, as every " +
              "store of plantwatch is (DESIGN.md: one key for Timestream, DynamoDB, SQS, SNS), so that " +
              "one key policy and one CloudTrail trail cover all telemetry at rest. KDS3 warns of the " +
              "cost: the key itself already exists, and Kinesis calls KMS about every five minutes " +
              "per producer or consumer credential when it rotates the data key (Kinesis developer " +
              "guide, 'Costs, Regions, and performance considerations'), a few dollars a month at most.",
          },
        ]
      : []),
  ];
}

/** One per route with a path parameter, in each access policy that may call it. */
function operatorAccessSuppressions(access: OperatorAccessPolicies, api: OperatorApi): NagSuppression[] {
  const apiArn = `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalIdOf(api.api)}>`;
  return OPERATOR_ACCESS_LEVELS.flatMap((level) =>
    routesOf(level)
      .filter((route) => route.includes("{"))
      .map((route) => ({
        scope: access.policies[level],
        id: `AwsSolutions-IAM5[Resource::${apiArn}/${routeResourceName(access.stageName, route)}]`,
        reason:
          `The ${level} policy allows execute-api:Invoke, and nothing else, on the route ${route} of ` +
          "this deployment's operator API and stage. Each `*` stands for a path parameter (thing " +
          "names, alarm ids, rule and silence ids: the callers' data, known only at request time), " +
          "and IAM has no one-segment wildcard. The API has exactly its listed routes (no catch-all), " +
          "and a test evaluates every policy against every route.",
      })),
  );
}

/** The InfluxDB store's own findings: its token resource and its two secrets. */
function influxSuppressions(store: InfluxSeriesStore): NagSuppression[] {
  const token = store.token;
  const framework = token.provider.node.findChild("framework-onEvent") as IFunction;
  const frameworkPolicy = defaultPolicyOf(framework, "token provider framework");
  return [
    {
      scope: defaultPolicyOf(token.function, "influx-token"),
      id: "AwsSolutions-IAM5[Resource::*]",
      reason: networkInterfacesReason("influx-token"),
    },
    {
      scope: framework.role ?? framework,
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      reason:
        "The role of the CDK custom-resources Provider framework function, which CDK creates with " +
        "AWSLambdaBasicExecutionRole (CreateLogGroup, CreateLogStream, PutLogEvents). The function only " +
        "relays CloudFormation events to the token function and writes its own logs (to its own " +
        "encrypted log group); it touches no data, and the managed policy grants nothing beyond logging.",
    },
    {
      scope: frameworkPolicy,
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(token.function)}.Arn>:*]`,
      reason:
        "Written by the CDK Provider framework: lambda:InvokeFunction on the token function and its " +
        "versions and aliases (`<arn>:*`), so that a qualified invocation works too. The wildcard ranges " +
        "over the qualifiers of that one function only.",
    },
    {
      scope: token.secret,
      id: "AwsSolutions-SMG4",
      reason:
        "The secret holds the bucket's InfluxDB API token, which the token resource writes. InfluxDB 2 " +
        "tokens do not expire and Secrets Manager cannot rotate one by itself: rotating means creating " +
        "a new token and revoking the old, which is what replacing the custom resource does (a " +
        "redeploy with a changed bucket, org or endpoint, or a delete and create). Functions re-read " +
        "it at each cold start.",
    },
    {
      scope: store.adminPassword,
      id: "AwsSolutions-SMG4",
      reason:
        "The initial admin password of the InfluxDB instance, read by CloudFormation only when the " +
        "instance is created. Timestream for InfluxDB keeps the credentials in a secret of its own " +
        "(InfluxAuthParametersSecretArn), which the token resource uses; rotating this copy would not " +
        "change the instance's password at all.",
    },
  ];
}

function networkInterfacesReason(functionName: string): string {
  return (
    `The ${functionName} function runs in the InfluxDB VPC. Lambda creates and deletes its network ` +
    "interfaces with the execution role: ec2:CreateNetworkInterface, DescribeNetworkInterfaces, " +
    "DescribeSubnets, DeleteNetworkInterface, Assign/UnassignPrivateIpAddresses on '*', the actions of " +
    "AWSLambdaVPCAccessExecutionRole written out (no managed policy). DescribeNetworkInterfaces works " +
    "only on '*' and the interface ids are chosen by Lambda (Lambda developer guide, 'Giving Lambda " +
    "functions access to resources in an Amazon VPC'). Every data action in this policy names its " +
    "exact resource."
  );
}

function describeEndpointsReason(dataAction: string): string {
  return (
    "Only timestream:DescribeEndpoints is granted on '*': the Timestream SDK must discover its " +
    `regional endpoint before ${dataAction}, and DescribeEndpoints supports no resource-level ` +
    "permissions (the Service Authorization Reference lists no resource type for it). It reads no " +
    "data; every data action in this policy names its exact resource."
  );
}

function defaultPolicyOf(fn: IFunction, name: string): IConstruct {
  const policy = fn.role?.node.tryFindChild("DefaultPolicy");
  if (!policy) throw new Error(`the ${name} function's role has no policy to acknowledge findings on`);
  return policy;
}

/** Records every suppression on its construct; cdk-nag reads them when it validates the app. */
export function applyNagSuppressions(stack: PlantwatchStack): void {
  for (const { scope, id, reason } of nagSuppressions(stack)) {
    Validations.of(scope).acknowledge({ id, reason });
  }
}

function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild as CfnElement;
  return Stack.of(construct).resolve(resource.logicalId) as string;
}
