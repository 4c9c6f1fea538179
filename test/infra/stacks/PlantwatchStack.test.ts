import { Match, Template } from "aws-cdk-lib/assertions";
import { Runtime, RuntimeFamily } from "aws-cdk-lib/aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type PlantwatchApp } from "../../../infra/app.ts";
import { STACK_OUTPUTS, stackOutputsOf } from "../../../infra/stackOutputs.ts";
import {
  TELEMETRY_RULE_SQL_VERSION,
  telemetryRuleName,
  telemetryRuleSql,
} from "../../../shared/contracts/telemetryRule.ts";
import { telemetryTopic } from "../../../shared/contracts/telemetryTopic.ts";
import { cdkJsonContext, removeTempOutdirs, tempOutdir } from "../support/cdkContext.ts";
import {
  asArray,
  identityStatements,
  logicalIdOf,
  onlyLogicalId,
  onlyLogicalIdWhere,
  onlyResource,
  readable,
  render,
  resource,
  roleStatements,
  type Statement,
} from "../support/cfn.ts";

afterAll(removeTempOutdirs);

// biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT policy variable, not a template literal
const THING = "${iot:Connection.Thing.ThingName}";
const IOT_ARN = "arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>";

/**
 * These tests assert the LiveAnalytics deployment (the InfluxDB one: influxSeriesStore.test.ts), without
 * the hosted console, whose resources (and CDK's function that deploys its files) are asserted in
 * PlantwatchStack.console.test.ts.
 */
const LIVE_ANALYTICS = { series: { store: "liveanalytics" }, console: { enabled: false } };

function synthesize(overrides?: unknown): { built: PlantwatchApp; template: Template } {
  const built = buildApp({
    context: cdkJsonContext(),
    outdir: tempOutdir("stack"),
    overrides: Object.assign({}, LIVE_ANALYTICS, overrides),
    nag: false,
  });
  return { built, template: Template.fromStack(built.stack) };
}

const getAtt = (logicalId: string, attribute = "Arn") => ({ "Fn::GetAtt": [logicalId, attribute] });

describe("PlantwatchStack", () => {
  let built: PlantwatchApp;
  let template: Template;
  let ids: Record<
    | "key"
    | "function"
    | "evaluate"
    | "logGroup"
    | "queue"
    | "rule"
    | "quarantine"
    | "accessLogs"
    | "registry",
    string
  >;

  beforeAll(() => {
    ({ built, template } = synthesize());
    const bucketWithSse = (algorithm: string) =>
      onlyLogicalIdWhere(template, "AWS::S3::Bucket", {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: algorithm }),
            }),
          ],
        },
      });
    const { stack } = built;
    ids = {
      key: onlyLogicalId(template, "AWS::KMS::Key"),
      function: logicalIdOf(stack.ingest.function),
      evaluate: logicalIdOf(stack.evaluate.function),
      logGroup: logicalIdOf(stack.ingest.function.logGroup),
      queue: onlyLogicalId(template, "AWS::SQS::Queue"),
      rule: logicalIdOf(stack.telemetryRule.rule),
      registry: logicalIdOf(stack.registry.table),
      quarantine: bucketWithSse("aws:kms"),
      accessLogs: bucketWithSse("AES256"),
    };
  });

  describe("telemetry rule", () => {
    it("deploys the contract's SQL, SQL version and rule name", () => {
      const topic = telemetryTopic(built.config.topicRoot);
      template.hasResourceProperties("AWS::IoT::TopicRule", {
        RuleName: telemetryRuleName(built.config.stackName),
        TopicRulePayload: Match.objectLike({
          Sql: telemetryRuleSql(topic),
          AwsIotSqlVersion: TELEMETRY_RULE_SQL_VERSION,
          RuleDisabled: false,
        }),
      });
    });

    it("has exactly two actions, ingest then evaluate, and the dead-letter queue as error action", () => {
      const payload = resource(template, "AWS::IoT::TopicRule", ids.rule).Properties.TopicRulePayload;
      expect(payload.Actions).toEqual([
        { Lambda: { FunctionArn: getAtt(ids.function) } },
        { Lambda: { FunctionArn: getAtt(ids.evaluate) } },
      ]);
      expect(payload.ErrorAction.Sqs).toEqual({
        QueueUrl: { Ref: ids.queue },
        RoleArn: getAtt(payload.ErrorAction.Sqs.RoleArn["Fn::GetAtt"][0]),
        UseBase64: false,
      });
    });

    it("lets only IoT, for this rule, assume the error-action role, which may only send to the queue", () => {
      const roleId = resource(template, "AWS::IoT::TopicRule", ids.rule).Properties.TopicRulePayload
        .ErrorAction.Sqs.RoleArn["Fn::GetAtt"][0] as string;
      const role = resource(template, "AWS::IAM::Role", roleId).Properties;
      const [trust] = role.AssumeRolePolicyDocument.Statement;
      expect(trust.Principal).toEqual({ Service: "iot.amazonaws.com" });
      expect(trust.Condition.StringEquals).toEqual({ "aws:SourceAccount": { Ref: "AWS::AccountId" } });
      expect(render(trust.Condition.ArnEquals["aws:SourceArn"])).toBe(
        `${IOT_ARN}:rule/${telemetryRuleName(built.config.stackName)}`,
      );
      const granted = roleStatements(template, roleId).map((statement) => ({
        actions: asArray(statement.Action),
        resource: statement.Resource,
      }));
      expect(granted).toEqual([
        { actions: ["sqs:SendMessage"], resource: getAtt(ids.queue) },
        { actions: ["kms:Decrypt", "kms:GenerateDataKey"], resource: getAtt(ids.key) },
      ]);
    });

    it("lets iot.amazonaws.com invoke ingest and evaluate only for this rule in this account", () => {
      const ruleArn = `${IOT_ARN}:rule/${telemetryRuleName(built.config.stackName)}`;
      const permissions = Object.entries(template.findResources("AWS::Lambda::Permission")).filter(
        ([, permission]) => render(permission.Properties.SourceArn) === ruleArn,
      );
      expect(permissions.map(([, permission]) => permission.Properties)).toEqual([
        {
          Action: "lambda:InvokeFunction",
          Principal: "iot.amazonaws.com",
          FunctionName: getAtt(ids.function),
          SourceAccount: { Ref: "AWS::AccountId" },
          SourceArn: expect.anything(),
        },
        {
          Action: "lambda:InvokeFunction",
          Principal: "iot.amazonaws.com",
          FunctionName: getAtt(ids.evaluate),
          SourceAccount: { Ref: "AWS::AccountId" },
          SourceArn: expect.anything(),
        },
      ]);
      const dependsOn = resource(template, "AWS::IoT::TopicRule", ids.rule).DependsOn;
      for (const [permissionId] of permissions) expect(dependsOn).toContain(permissionId);
    });
  });

  describe("device policy", () => {
    it("allows exactly: connect as its own thing while attached, publish its own telemetry (broker and Basic Ingest)", () => {
      const policy = onlyResource(template, "AWS::IoT::Policy");
      const root = built.config.topicRoot;
      const ruleName = telemetryRuleName(built.config.stackName);
      const statements = (policy.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({
        ...statement,
        Resource: asArray(statement.Resource).map(render),
      }));
      expect(statements).toEqual([
        {
          Sid: "ConnectAsOwnThing",
          Effect: "Allow",
          Action: "iot:Connect",
          Resource: [`${IOT_ARN}:client/${THING}`],
          Condition: { Bool: { "iot:Connection.Thing.IsAttached": "true" } },
        },
        {
          Sid: "PublishOwnTelemetry",
          Effect: "Allow",
          Action: "iot:Publish",
          Resource: [
            `${IOT_ARN}:topic/${root}/${THING}/telemetry`,
            `${IOT_ARN}:topic/$aws/rules/${ruleName}/${root}/${THING}/telemetry`,
          ],
        },
      ]);
    });

    it("grants no wildcard resource and no subscribe, receive or other action", () => {
      const policy = onlyResource(template, "AWS::IoT::Policy");
      const statements = policy.Properties.PolicyDocument.Statement as Statement[];
      expect(statements.flatMap((statement) => asArray(statement.Action)).sort()).toEqual([
        "iot:Connect",
        "iot:Publish",
      ]);
      for (const statement of statements) {
        expect(statement.Effect).toBe("Allow");
        for (const resource of asArray(statement.Resource)) expect(render(resource)).not.toContain("*");
      }
    });
  });

  describe("encryption", () => {
    it("uses one customer-managed key with rotation on", () => {
      template.resourceCountIs("AWS::KMS::Key", 1);
      template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
    });

    it("encrypts the Timestream database and its rejected-data reports with the key", () => {
      template.hasResourceProperties("AWS::Timestream::Database", { KmsKeyId: getAtt(ids.key) });
      template.hasResourceProperties("AWS::Timestream::Table", {
        MagneticStoreWriteProperties: {
          EnableMagneticStoreWrites: true,
          MagneticStoreRejectedDataLocation: {
            S3Configuration: {
              BucketName: { Ref: ids.quarantine },
              ObjectKeyPrefix: "timestream-rejected/",
              EncryptionOption: "SSE_KMS",
              KmsKeyId: getAtt(ids.key),
            },
          },
        },
      });
    });

    it("keeps the device registry on demand, with point-in-time recovery, encrypted with the key", () => {
      expect(resource(template, "AWS::DynamoDB::Table", ids.registry).Properties).toMatchObject({
        KeySchema: [{ AttributeName: "thingName", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "thingName", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: getAtt(ids.key) },
      });
    });

    it("encrypts the dead-letter queue with the key and keeps messages 14 days", () => {
      template.hasResourceProperties("AWS::SQS::Queue", {
        KmsMasterKeyId: getAtt(ids.key),
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
    });

    it("encrypts the quarantine bucket with the key and logs its access to the SSE-S3 log bucket", () => {
      template.hasResourceProperties("AWS::S3::Bucket", {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: getAtt(ids.key) },
            },
          ],
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: ids.accessLogs } },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      });
    });

    it("encrypts every bucket with the key except the access-log bucket, and denies non-TLS access to all", () => {
      const buckets = template.findResources("AWS::S3::Bucket");
      expect(Object.keys(buckets).sort()).toEqual([ids.accessLogs, ids.quarantine].sort());
      for (const bucketId of Object.keys(buckets)) {
        template.hasResourceProperties("AWS::S3::BucketPolicy", {
          Bucket: { Ref: bucketId },
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
            ]),
          },
        });
      }
    });

    it("encrypts every log group (five functions' and the API's access logs) with the key, which CloudWatch Logs may use only for this stack's log groups", () => {
      template.resourceCountIs("AWS::Logs::LogGroup", 6);
      template.allResourcesProperties("AWS::Logs::LogGroup", { KmsKeyId: getAtt(ids.key) });
      // CloudFormation names each `<stackName>-<logicalId>-<suffix>`, which the key's condition relies on.
      template.allResourcesProperties("AWS::Logs::LogGroup", { LogGroupName: Match.absent() });
      const keyPolicy = resource(template, "AWS::KMS::Key", ids.key).Properties.KeyPolicy.Statement;
      const logs = keyPolicy.find(
        (statement: Statement) => statement.Sid === "AllowCloudWatchLogsForThisStacksLogGroups",
      );
      expect(logs.Principal).toEqual({
        Service: { "Fn::Join": ["", ["logs.", { Ref: "AWS::Region" }, ".amazonaws.com"]] },
      });
      expect(render(logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"])).toBe(
        `arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:${built.config.stackName}-*`,
      );
    });
  });

  describe("ingest function", () => {
    it("runs, like every function, on the newest Node.js runtime CDK offers, on arm64", () => {
      const newest = Runtime.ALL.filter((runtime) => runtime.family === RuntimeFamily.NODEJS)
        .map((runtime) => runtime.name)
        .filter((name) => /^nodejs\d+\.x$/.test(name))
        .sort((a, b) => Number.parseInt(a.slice(6), 10) - Number.parseInt(b.slice(6), 10))
        .at(-1);
      // ingest, evaluate, sweep, notify, api: no CDK helper function (custom resource) sneaks in.
      template.resourceCountIs("AWS::Lambda::Function", 5);
      template.allResourcesProperties("AWS::Lambda::Function", {
        Runtime: newest,
        Architectures: ["arm64"],
        Handler: "index.handler",
      });
    });

    it("logs JSON to its own log group with the configured retention", () => {
      expect(resource(template, "AWS::Logs::LogGroup", ids.logGroup).Properties.RetentionInDays).toBe(
        built.config.logRetentionDays,
      );
      expect(resource(template, "AWS::Lambda::Function", ids.function).Properties.LoggingConfig).toEqual({
        LogFormat: "JSON",
        LogGroup: { Ref: ids.logGroup },
      });
    });

    it("gets its environment from the configuration and the stores", () => {
      const { timestream, ingest } = built.config;
      expect(resource(template, "AWS::Lambda::Function", ids.function).Properties.Environment).toEqual({
        Variables: {
          TIMESTREAM_DATABASE: { Ref: onlyLogicalId(template, "AWS::Timestream::Database") },
          TIMESTREAM_TABLE: getAtt(onlyLogicalId(template, "AWS::Timestream::Table"), "Name"),
          REGISTRY_TABLE: { Ref: ids.registry },
          QUARANTINE_BUCKET: { Ref: ids.quarantine },
          CLOCK_SKEW_MS: String(ingest.clockSkewSeconds * 1000),
          MAX_SAMPLE_AGE_MS: String(
            (timestream.memoryRetentionHours * 3600 + timestream.magneticRetentionDays * 86_400) * 1000,
          ),
          LAST_SEEN_INTERVAL_MS: String(ingest.lastSeenIntervalSeconds * 1000),
          REGISTRY_CACHE_TTL_MS: String(ingest.registryCacheTtlSeconds * 1000),
          POWERTOOLS_SERVICE_NAME: "ingest",
          POWERTOOLS_METRICS_NAMESPACE: built.config.metricsNamespace,
          NODE_OPTIONS: "--enable-source-maps",
        },
      });
    });

    it("retries async invocations twice within 6 hours, then sends them to the dead-letter queue", () => {
      template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
        FunctionName: { Ref: ids.function },
        Qualifier: "$LATEST",
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3600,
        DestinationConfig: { OnFailure: { Destination: getAtt(ids.queue) } },
      });
    });

    it("may do exactly what ingest needs, each action on its one resource", () => {
      const roleId = resource(template, "AWS::Lambda::Function", ids.function).Properties.Role[
        "Fn::GetAtt"
      ][0];
      const granted = roleStatements(template, roleId).map((statement) => [
        asArray(statement.Action).join(" "),
        asArray(statement.Resource).map(render),
      ]);
      expect(Object.fromEntries(granted)).toEqual({
        "logs:CreateLogStream logs:PutLogEvents": [`<${ids.logGroup}.Arn>`],
        "timestream:WriteRecords": [`<${onlyLogicalId(template, "AWS::Timestream::Table")}.Arn>`],
        "timestream:DescribeEndpoints": ["*"],
        "dynamodb:GetItem": [`<${ids.registry}.Arn>`],
        "dynamodb:UpdateItem": [`<${ids.registry}.Arn>`],
        "s3:PutObject": [`<${ids.quarantine}.Arn>/quarantine/*`],
        "sqs:SendMessage": [`<${ids.queue}.Arn>`],
        "kms:Decrypt kms:GenerateDataKey": [`<${ids.key}.Arn>`],
      });
    });

    it("may update a device's lastSeen only: no other attribute, and no whole item returned", () => {
      const roleId = resource(template, "AWS::Lambda::Function", ids.function).Properties.Role[
        "Fn::GetAtt"
      ][0];
      const updates = readable(roleStatements(template, roleId)).filter(({ actions }) =>
        actions.includes("dynamodb:UpdateItem"),
      );
      expect(updates).toEqual([
        {
          sid: "RecordLastSeen",
          actions: ["dynamodb:UpdateItem"],
          resources: [`<${ids.registry}.Arn>`],
          condition: {
            "ForAllValues:StringEquals": { "dynamodb:Attributes": ["thingName", "lastSeen"] },
            StringEqualsIfExists: { "dynamodb:ReturnValues": ["NONE", "UPDATED_OLD", "UPDATED_NEW"] },
          },
        },
      ]);
    });
  });

  describe("least privilege", () => {
    it("has no identity-policy statement with a wildcard action", () => {
      const wildcards = identityStatements(template).filter(({ statement }) =>
        asArray(statement.Action).some((action) => action.includes("*")),
      );
      expect(wildcards).toEqual([]);
    });

    it("attaches no AWS managed policy to any role", () => {
      for (const role of Object.values(template.findResources("AWS::IAM::Role"))) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    });
  });

  describe("stateful stores", () => {
    it("partitions the telemetry table by the device dimension, with the configured retention", () => {
      template.hasResourceProperties("AWS::Timestream::Table", {
        TableName: "telemetry",
        Schema: {
          CompositePartitionKey: [{ Type: "DIMENSION", Name: "device", EnforcementInRecord: "REQUIRED" }],
        },
        RetentionProperties: {
          MemoryStoreRetentionPeriodInHours: String(built.config.timestream.memoryRetentionHours),
          MagneticStoreRetentionPeriodInDays: String(built.config.timestream.magneticRetentionDays),
        },
      });
    });

    it("retains every stateful resource by default", () => {
      for (const type of [
        "AWS::KMS::Key",
        "AWS::S3::Bucket",
        "AWS::Timestream::Database",
        "AWS::Timestream::Table",
        "AWS::DynamoDB::Table",
        "AWS::SQS::Queue",
        "AWS::IoT::Policy",
        "AWS::Logs::LogGroup",
      ]) {
        template.allResources(type, { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
      }
    });

    it("publishes every output the CLI looks up", () => {
      for (const name of stackOutputsOf("liveanalytics", "direct", false))
        template.hasOutput(STACK_OUTPUTS[name].key, Match.anyValue());
      template.hasOutput(STACK_OUTPUTS.topicRoot.key, { Value: built.config.topicRoot });
      template.hasOutput(STACK_OUTPUTS.telemetryRule.key, {
        Value: telemetryRuleName(built.config.stackName),
      });
    });
  });
});

describe("PlantwatchStack with custom configuration", () => {
  const root = "acme/site-1/sensors";
  let built: PlantwatchApp;
  let template: Template;

  beforeAll(() => {
    ({ built, template } = synthesize({
      stackName: "acme-lab",
      topicRoot: root,
      timestream: { memoryRetentionHours: 6, magneticRetentionDays: 730 },
      logRetentionDays: 90,
      removalPolicy: "destroy",
    }));
  });

  it("derives the rule SQL and thing-name position from the topic root", () => {
    const sql = telemetryRuleSql(telemetryTopic(root));
    expect(sql).toContain(`topic(4) AS thingName`);
    expect(sql).toContain(`FROM '${root}/+/telemetry'`);
    template.hasResourceProperties("AWS::IoT::TopicRule", {
      RuleName: "acme_lab_telemetry",
      TopicRulePayload: Match.objectLike({ Sql: sql }),
    });
  });

  it("scopes the device policy to the topic root and the deployment's rule", () => {
    const policy = onlyResource(template, "AWS::IoT::Policy");
    const [, publish] = policy.Properties.PolicyDocument.Statement as Statement[];
    expect(asArray(publish?.Resource).map(render)).toEqual([
      `${IOT_ARN}:topic/${root}/${THING}/telemetry`,
      `${IOT_ARN}:topic/$aws/rules/acme_lab_telemetry/${root}/${THING}/telemetry`,
    ]);
    template.hasOutput(STACK_OUTPUTS.topicRoot.key, { Value: root });
  });

  it("applies the configured retentions", () => {
    expect(built.stack.stackName).toBe("acme-lab");
    template.hasResourceProperties("AWS::Timestream::Table", {
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: "6",
        MagneticStoreRetentionPeriodInDays: "730",
      },
    });
    template.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 90 });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({ MAX_SAMPLE_AGE_MS: String((6 * 3600 + 730 * 86_400) * 1000) }),
      },
    });
  });

  it("lets the stores be destroyed with the stack when removalPolicy is destroy", () => {
    for (const type of [
      "AWS::KMS::Key",
      "AWS::S3::Bucket",
      "AWS::Timestream::Database",
      "AWS::Timestream::Table",
      "AWS::DynamoDB::Table",
      "AWS::SQS::Queue",
      "AWS::IoT::Policy",
      "AWS::Logs::LogGroup",
    ]) {
      template.allResources(type, { DeletionPolicy: "Delete" });
    }
    template.allResourcesProperties("AWS::DynamoDB::Table", { DeletionProtectionEnabled: false });
  });
});
