import { type CfnElement, DefaultStackSynthesizer, Stack, Validations } from "aws-cdk-lib";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { IConstruct } from "constructs";
import { QUARANTINE_PREFIX, SHARD_CHECKPOINT_PREFIX } from "../shared/contracts/storageLayout.ts";
import type { ConsoleHosting } from "./constructs/ConsoleHosting.ts";
import type { ConsoleSignIn } from "./constructs/ConsoleSignIn.ts";
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
    ...(stack.consoleHosting ? consoleHostingSuppressions(stack.consoleHosting) : []),
    ...(stack.consoleSignIn ? consoleSignInSuppressions(stack.consoleSignIn) : []),
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

/** The hosted console's: its distribution, and the CDK function that copies its files to the bucket. */
function consoleHostingSuppressions(hosting: ConsoleHosting): NagSuppression[] {
  const deployment = hosting.deployment;
  if (!deployment) throw new Error("the console's files are not published");
  const role = deployment.handlerRole;
  const handler = role.node.scope;
  if (!handler) throw new Error("the console deployment's role has no function");
  // The CDK asset bucket's name as cdk-nag renders it: `${Qualifier}` filled in, `${AWS::Region}` as `<AWS::Region>`.
  const assetsBucket = DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace(
    /\$\{([^}]+)\}/g,
    (_, name: string) => (name === "Qualifier" ? DefaultStackSynthesizer.DEFAULT_QUALIFIER : `<${name}>`),
  );
  const deploymentWildcards = [
    "Action::s3:GetObject*",
    "Action::s3:GetBucket*",
    "Action::s3:List*",
    "Action::s3:DeleteObject*",
    "Action::s3:Abort*",
    `Resource::arn:<AWS::Partition>:s3:::${assetsBucket}/*`,
    `Resource::<${logicalIdOf(hosting.bucket)}.Arn>/*`,
    "Resource::*",
  ];
  const written =
    "Written by CDK's BucketDeployment, the function (a CDK singleton, run by CloudFormation on deploy " +
    "only) that copies the console's files from the CDK asset bucket into the console bucket and " +
    "invalidates the distribution.";
  return [
    ...deploymentWildcards.map((finding) => ({
      scope: role,
      id: `AwsSolutions-IAM5[${finding}]`,
      reason:
        `${written} Its read grant covers the objects of the CDK asset bucket (s3:GetObject*, ` +
        "GetBucket*, List*), its write grant the objects of the console bucket alone (plus DeleteObject* " +
        "and Abort* to prune files a new version no longer has); CloudFront's CreateInvalidation and " +
        "GetInvalidation support no resource-level permissions narrower than '*' in CDK's grant. No data " +
        "of the deployment is reachable: the console bucket holds only the public page.",
    })),
    {
      scope: role,
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      reason:
        `${written} CDK gives its role AWSLambdaBasicExecutionRole (CreateLogGroup, CreateLogStream, ` +
        "PutLogEvents), which grants nothing beyond writing logs; its log group is the console's own, " +
        "encrypted with the deployment key and with the configured retention.",
    },
    {
      scope: handler,
      id: "AwsSolutions-L1",
      reason:
        `${written} Its runtime (Python, with the AWS CLI as a layer) is chosen by the aws-cdk-lib ` +
        "version, not by plantwatch; it moves forward with aws-cdk-lib upgrades and runs only during a " +
        "deployment, never on a request.",
    },
    {
      scope: hosting.distribution,
      id: "AwsSolutions-CFR1",
      reason:
        "No geo restriction: operators open the console from plants and phones wherever the fleet runs, " +
        "and a country list would lock out the on-call engineer abroad. The distribution serves only " +
        "the page's static files; every datum comes from the operator API (IAM-authorised per route) " +
        "after a Cognito sign-in.",
    },
    {
      scope: hosting.distribution,
      id: "AwsSolutions-CFR2",
      reason:
        "No AWS WAF web ACL: it costs about $5 a month plus $1 per rule and $0.60 per million requests, " +
        "more than the console itself, and would protect only static files that are the same for every " +
        "visitor. The API the page calls is IAM-authorised on every route (SigV4 with temporary " +
        "credentials from the identity pool) and throttled; sign-in is Cognito's managed login, whose " +
        "threat protection (Plus plan) is enforced.",
    },
    ...(hosting.customDomain
      ? []
      : [
          {
            scope: hosting.distribution,
            id: "AwsSolutions-CFR4",
            reason:
              "Without console.domainName the console is served on the distribution's own " +
              "*.cloudfront.net name with CloudFront's default certificate, whose security policy " +
              "CloudFront fixes (TLSv1 is its nominal minimum; browsers negotiate TLS 1.2 or 1.3). With " +
              "console.domainName and certificateArn the distribution uses TLSv1.2_2021, and this " +
              "acknowledgment goes away.",
          },
        ]),
  ];
}

/** Operators' sign-in: MFA is the deployment's choice. */
function consoleSignInSuppressions(signIn: ConsoleSignIn): NagSuppression[] {
  if (signIn.mfa === "required") return [];
  return [
    {
      scope: signIn.userPool,
      id: "AwsSolutions-COG2",
      reason:
        `console.mfa is "${signIn.mfa}" in this deployment's configuration: ` +
        (signIn.mfa === "optional"
          ? "each operator may add a TOTP authenticator, and shared plant-floor accounts without a phone still sign in. "
          : "operators sign in with a password alone. ") +
        "Cognito's threat protection (Plus plan, enforced) checks every sign-in for compromised " +
        'credentials and risk; set console.mfa to "required" to require TOTP of everyone.',
    },
  ];
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
