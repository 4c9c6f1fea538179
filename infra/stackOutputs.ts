/**
 * The stack outputs other tools read (the CLI finds a deployment by stack name, then these keys).
 * Dependency-free, so the CLI can import it without loading the CDK.
 */
export const STACK_OUTPUTS = {
  registryTable: { key: "RegistryTableName", description: "DynamoDB device registry table" },
  quarantineBucket: { key: "QuarantineBucketName", description: "S3 bucket of quarantined (rejected) data" },
  deadLetterQueueUrl: {
    key: "DeadLetterQueueUrl",
    description: "SQS dead-letter queue for `plantwatch dlq`",
  },
  ingestFunction: { key: "IngestFunctionName", description: "Ingest Lambda function" },
  timestreamDatabase: {
    key: "TimestreamDatabaseName",
    description: "Timestream for LiveAnalytics database",
    store: "liveanalytics",
  },
  timestreamTable: {
    key: "TimestreamTableName",
    description: "Timestream for LiveAnalytics telemetry table",
    store: "liveanalytics",
  },
  influxUrl: {
    key: "InfluxUrl",
    description: "Timestream for InfluxDB endpoint (private: reachable from the stack's VPC only)",
    store: "influxdb",
  },
  influxBucket: { key: "InfluxBucket", description: "InfluxDB bucket of the telemetry", store: "influxdb" },
  influxTokenSecretArn: {
    key: "InfluxTokenSecretArn",
    description: "Secrets Manager secret holding the bucket's read/write token (JSON field token)",
    store: "influxdb",
  },
  telemetryRule: {
    key: "TelemetryRuleName",
    description: "IoT rule; Basic Ingest topics start $aws/rules/<name>/",
  },
  lifecycleRule: {
    key: "LifecycleRuleName",
    description: "IoT rule of the connectivity (presence) events",
  },
  devicePolicy: { key: "DevicePolicyName", description: "IoT policy to attach to device certificates" },
  topicRoot: {
    key: "TopicRoot",
    description: "C1 topic root: devices publish to <root>/<thingName>/telemetry",
  },
  rulesTable: { key: "RulesTableName", description: "DynamoDB table of the applied alarm rules (C3)" },
  alarmsTable: { key: "AlarmsTableName", description: "DynamoDB table of alarm state, one item per thing" },
  historyTable: { key: "AlarmHistoryTableName", description: "DynamoDB table of alarm history (with TTL)" },
  eventBusName: { key: "EventBusName", description: "EventBridge bus of alarm events (C5)" },
  eventBusArn: { key: "EventBusArn", description: "ARN of the EventBridge bus of alarm events" },
  evaluateFunction: { key: "EvaluateFunctionName", description: "Evaluate Lambda function" },
  sweepFunction: { key: "SweepFunctionName", description: "Sweep Lambda function (every minute)" },
  apiUrl: { key: "ApiUrl", description: "Operator HTTP API (C7), IAM-authorised: sign requests with SigV4" },
  apiFunction: { key: "ApiFunctionName", description: "Operator API Lambda function" },
  apiViewerPolicyArn: {
    key: "ApiViewerPolicyArn",
    description: "IAM managed policy to attach to who only reads the operator API (every GET route)",
  },
  apiOperatorPolicyArn: {
    key: "ApiOperatorPolicyArn",
    description: "IAM managed policy to attach to operators: viewer, plus alarm actions and silences",
  },
  apiAdminPolicyArn: {
    key: "ApiAdminPolicyArn",
    description: "IAM managed policy to attach to who manages alarm rules: every operator API route",
  },
  notifyFunction: {
    key: "NotifyFunctionName",
    description: "Notify Lambda function (alarm events -> SNS, webhooks)",
  },
  silencesTable: {
    key: "SilencesTableName",
    description: "DynamoDB table of silences (maintenance windows)",
  },
  pageTopicArn: { key: "PageTopicArn", description: "SNS topic of critical and major alarm notifications" },
  notifyTopicArn: {
    key: "NotifyTopicArn",
    description: "SNS topic of minor, warning and info alarm notifications",
  },
  deadLetterSenderIds: {
    key: "DeadLetterSenderIds",
    description:
      "Unique ids of the roles that may send to the dead-letter queue (`dlq replay` checks each message's SenderId)",
  },
  telemetryStreamArn: {
    key: "TelemetryStreamArn",
    description: "Kinesis stream of telemetry, presence and alarm control records (stream mode)",
    ingestion: "stream",
  },
  opsTopicArn: {
    key: "OpsTopicArn",
    description: "SNS topic of the deployment's own CloudWatch alarms (DLQ not empty, errors)",
  },
  opsDashboardUrl: {
    key: "OpsDashboardUrl",
    description: "CloudWatch dashboard of the pipeline's health (console URL)",
  },
  consoleUrl: {
    key: "ConsoleUrl",
    description: "The operator console (CloudFront); operators sign in with the user pool",
    console: true,
  },
  consoleUserPoolId: {
    key: "ConsoleUserPoolId",
    description: "Cognito user pool of the console's operators (`plantwatch users`)",
    console: true,
  },
  consoleUserPoolClientId: {
    key: "ConsoleUserPoolClientId",
    description: "The console's app client (public, authorization code with PKCE)",
    console: true,
  },
  consoleIdentityPoolId: {
    key: "ConsoleIdentityPoolId",
    description: "Cognito identity pool: a signed-in operator's group -> its IAM role",
    console: true,
  },
  consoleSignInDomain: {
    key: "ConsoleSignInDomain",
    description: "Managed-login domain of the console's sign-in",
    console: true,
  },
} as const;

export type StackOutputName = keyof typeof STACK_OUTPUTS;
export type SeriesStoreKind = "influxdb" | "liveanalytics";
export type IngestionModeKind = "direct" | "stream";

/**
 * The outputs a deployment with this series store and ingestion mode has: the common ones, its
 * store's own and its mode's own, and the console's if it has one.
 */
export function stackOutputsOf(
  store: SeriesStoreKind,
  ingestion: IngestionModeKind = "direct",
  hostedConsole = true,
): StackOutputName[] {
  return (Object.keys(STACK_OUTPUTS) as StackOutputName[]).filter((name) => {
    const output = STACK_OUTPUTS[name];
    return (
      (!("store" in output) || output.store === store) &&
      (!("ingestion" in output) || output.ingestion === ingestion) &&
      (!("console" in output) || hostedConsole)
    );
  });
}
