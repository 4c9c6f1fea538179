import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type PlantwatchApp } from "../../../infra/app.ts";
import type { PlantwatchFunction } from "../../../infra/constructs/PlantwatchFunction.ts";
import { compileTopicRule } from "../../../local/iotRules/compileTopicRule.ts";
import { readEvaluateEnvironment, readSweepEnvironment } from "../../../shared/config/alarmEnvironment.ts";
import { readIngestEnvironment } from "../../../shared/config/ingestEnvironment.ts";
import { readApiEnvironment } from "../../../shared/config/operatorEnvironment.ts";
import { LIFECYCLE_STREAM_RULE_SQL, lifecycleRuleName } from "../../../shared/contracts/lifecycleRule.ts";
import { SHARD_CHECKPOINT_PREFIX } from "../../../shared/contracts/storageLayout.ts";
import { decodeControlRecord } from "../../../shared/contracts/streamRecord.ts";
import { telemetryRuleName, telemetryRuleSql } from "../../../shared/contracts/telemetryRule.ts";
import { telemetryTopic } from "../../../shared/contracts/telemetryTopic.ts";
import { cdkJsonContext, removeTempOutdirs, tempOutdir } from "../support/cdkContext.ts";
import {
  logicalIdOf,
  onlyLogicalId,
  onlyResource,
  readable,
  render,
  resource,
  roleStatements,
} from "../support/cfn.ts";

afterAll(removeTempOutdirs);

const IOT_ARN = "arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>";

/** Bundling skipped: these tests read the template, not the code. */
/** These tests assert the LiveAnalytics deployment (the InfluxDB one: influxSeriesStore.test.ts). */
const LIVE_ANALYTICS = { series: { store: "liveanalytics" } };

function synthesize(overrides?: unknown): { built: PlantwatchApp; template: Template } {
  const built = buildApp({
    context: cdkJsonContext({ "aws:cdk:bundling-stacks": [] }),
    outdir: tempOutdir("stream"),
    overrides: Object.assign({}, LIVE_ANALYTICS, overrides),
    nag: false,
  });
  return { built, template: Template.fromStack(built.stack) };
}

const getAtt = (logicalId: string, attribute = "Arn") => ({ "Fn::GetAtt": [logicalId, attribute] });

describe("ingestion mode direct", () => {
  it("synthesizes the same template whether stream settings are present or not", () => {
    const plain = synthesize().template.toJSON();
    const withSettings = synthesize({
      ingestion: { mode: "direct", stream: { capacity: "provisioned", shards: 3, batchSize: 100 } },
    }).template.toJSON();

    expect(withSettings).toEqual(plain);
  });

  it("has no stream and no event source mapping; the rule invokes ingest and evaluate", () => {
    const { built, template } = synthesize();

    template.resourceCountIs("AWS::Kinesis::Stream", 0);
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", 0);
    expect(built.stack.telemetryStream).toBeUndefined();
    const iteratorAlarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).filter(
      (alarm) => alarm.Properties.MetricName === "GetRecords.IteratorAgeMilliseconds",
    );
    expect(iteratorAlarms).toEqual([]);
    const rule = resource(template, "AWS::IoT::TopicRule", logicalIdOf(built.stack.telemetryRule.rule));
    expect(rule.Properties.TopicRulePayload.Actions).toEqual([
      { Lambda: { FunctionArn: getAtt(logicalIdOf(built.stack.ingest.function)) } },
      { Lambda: { FunctionArn: getAtt(logicalIdOf(built.stack.evaluate.function)) } },
    ]);
  });
});

describe("ingestion mode stream", () => {
  let built: PlantwatchApp;
  let template: Template;
  let ids: Record<"stream" | "key" | "queue" | "ingest" | "evaluate" | "rule", string>;

  beforeAll(() => {
    ({ built, template } = synthesize({ ingestion: { mode: "stream" } }));
    const { stack } = built;
    ids = {
      stream: onlyLogicalId(template, "AWS::Kinesis::Stream"),
      key: onlyLogicalId(template, "AWS::KMS::Key"),
      queue: onlyLogicalId(template, "AWS::SQS::Queue"),
      ingest: logicalIdOf(stack.ingest.function),
      evaluate: logicalIdOf(stack.evaluate.function),
      rule: logicalIdOf(stack.telemetryRule.rule),
    };
  });

  /** The deployment key, `action` only as Kinesis uses it for this stream, as the template renders it. */
  const keyViaKinesis = (sid: string, action: string) => ({
    sid,
    actions: [action],
    resources: [`<${ids.key}.Arn>`],
    condition: {
      StringEquals: {
        "kms:ViaService": "kinesis.<AWS::Region>.amazonaws.com",
        "kms:EncryptionContext:aws:kinesis:arn": `<${ids.stream}.Arn>`,
      },
    },
  });
  /** What an IoT rule's stream action role may do: put records, encrypting them through Kinesis. */
  const streamActionStatements = () => [
    { sid: "PutTelemetryRecords", actions: ["kinesis:PutRecord"], resources: [`<${ids.stream}.Arn>`] },
    keyViaKinesis("EncryptTelemetryRecords", "kms:GenerateDataKey"),
  ];

  describe("the stream", () => {
    it("is on-demand by default, encrypted with the deployment key, kept 7 days and retained", () => {
      const stream = onlyResource(template, "AWS::Kinesis::Stream") as unknown as {
        Properties: Record<string, unknown>;
        DeletionPolicy: string;
      };

      expect(stream.Properties).toMatchObject({
        StreamModeDetails: { StreamMode: "ON_DEMAND" },
        StreamEncryption: { EncryptionType: "KMS", KeyId: getAtt(ids.key) },
        RetentionPeriodHours: 168,
      });
      expect(stream.Properties.ShardCount).toBeUndefined();
      expect(stream.DeletionPolicy).toBe("Retain");
    });

    it("is provisioned with the configured shards and retention when so configured", () => {
      const provisioned = synthesize({
        ingestion: {
          mode: "stream",
          stream: { capacity: "provisioned", shards: 3, retentionHours: 48 },
        },
      }).template;

      provisioned.hasResourceProperties("AWS::Kinesis::Stream", {
        StreamModeDetails: { StreamMode: "PROVISIONED" },
        ShardCount: 3,
        RetentionPeriodHours: 48,
        StreamEncryption: { EncryptionType: "KMS" },
      });
    });
  });

  describe("the telemetry rule", () => {
    it("keeps its SQL and puts each message on the stream, partitioned by the topic's thing name", () => {
      const topic = telemetryTopic(built.config.topicRoot);
      const payload = resource(template, "AWS::IoT::TopicRule", ids.rule).Properties.TopicRulePayload;

      expect(payload.Sql).toBe(telemetryRuleSql(topic));
      expect(payload.Actions).toEqual([
        {
          Kinesis: {
            StreamName: { Ref: ids.stream },
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT substitution template
            PartitionKey: "${topic(3)}",
            RoleArn: getAtt(payload.Actions[0].Kinesis.RoleArn["Fn::GetAtt"][0]),
          },
        },
      ]);
      expect(topic.thingNamePosition).toBe(3);
    });

    it("keeps the dead-letter queue as error action", () => {
      const payload = resource(template, "AWS::IoT::TopicRule", ids.rule).Properties.TopicRulePayload;

      expect(payload.ErrorAction.Sqs).toMatchObject({ QueueUrl: { Ref: ids.queue }, UseBase64: false });
    });

    it("acts through a role only IoT, for this rule, may assume, which may only put records encrypted via Kinesis", () => {
      const payload = resource(template, "AWS::IoT::TopicRule", ids.rule).Properties.TopicRulePayload;
      const roleId = payload.Actions[0].Kinesis.RoleArn["Fn::GetAtt"][0] as string;
      const [trust] = resource(template, "AWS::IAM::Role", roleId).Properties.AssumeRolePolicyDocument
        .Statement;

      expect(trust.Principal).toEqual({ Service: "iot.amazonaws.com" });
      expect(trust.Condition.StringEquals).toEqual({ "aws:SourceAccount": { Ref: "AWS::AccountId" } });
      expect(render(trust.Condition.ArnEquals["aws:SourceArn"])).toBe(
        `${IOT_ARN}:rule/${telemetryRuleName(built.config.stackName)}`,
      );
      expect(readable(roleStatements(template, roleId))).toEqual(streamActionStatements());
      const policyId = Object.keys(template.findResources("AWS::IAM::Policy")).find((id) =>
        (resource(template, "AWS::IAM::Policy", id).Properties.Roles as { Ref: string }[] | undefined)?.some(
          (role) => role.Ref === roleId,
        ),
      );
      expect(resource(template, "AWS::IoT::TopicRule", ids.rule).DependsOn).toContain(policyId);
    });

    it("no longer lets IoT invoke ingest or evaluate, for this rule or the lifecycle rule", () => {
      const permissions = Object.values(template.findResources("AWS::Lambda::Permission")).map((permission) =>
        render(permission.Properties.SourceArn),
      );

      expect(permissions.filter((arn) => arn.endsWith("_telemetry"))).toEqual([]);
      expect(permissions.filter((arn) => arn.endsWith("_lifecycle"))).toEqual([]);
    });
  });

  describe("the event source mappings", () => {
    it("map the stream to ingest and to evaluate with batching, partial failures, bisection and the DLQ", () => {
      const mappings = Object.values(template.findResources("AWS::Lambda::EventSourceMapping"));

      expect(mappings.map((mapping) => mapping.Properties.FunctionName)).toEqual([
        { Ref: ids.ingest },
        { Ref: ids.evaluate },
      ]);
      for (const mapping of mappings) {
        expect(mapping.Properties).toEqual({
          FunctionName: expect.anything(),
          EventSourceArn: getAtt(ids.stream),
          StartingPosition: "TRIM_HORIZON",
          BatchSize: 500,
          MaximumBatchingWindowInSeconds: 1,
          ParallelizationFactor: 1,
          MaximumRetryAttempts: 10,
          MaximumRecordAgeInSeconds: 21_600,
          BisectBatchOnFunctionError: true,
          FunctionResponseTypes: ["ReportBatchItemFailures"],
          DestinationConfig: { OnFailure: { Destination: getAtt(ids.queue) } },
          Tags: expect.any(Array),
        });
      }
    });

    it("take batch size, window, retries and record age from the configuration, one batch per shard at a time", () => {
      const configured = synthesize({
        ingestion: {
          mode: "stream",
          stream: {
            batchSize: 100,
            batchWindowSeconds: 5,
            maxRetryAttempts: 3,
            maxRecordAgeSeconds: 3600,
          },
        },
      }).template;

      const mappings = Object.values(configured.findResources("AWS::Lambda::EventSourceMapping"));
      expect(mappings).toHaveLength(2);
      for (const mapping of mappings) {
        expect(mapping.Properties).toMatchObject({
          BatchSize: 100,
          MaximumBatchingWindowInSeconds: 5,
          ParallelizationFactor: 1,
          MaximumRetryAttempts: 3,
          MaximumRecordAgeInSeconds: 3600,
        });
      }
    });

    it("are created after the functions' policies, which the mapping checks", () => {
      for (const mapping of Object.values(template.findResources("AWS::Lambda::EventSourceMapping"))) {
        expect(mapping.DependsOn).toEqual([expect.stringMatching(/RoleDefaultPolicy/)]);
      }
    });
  });

  describe("the consumers' permissions", () => {
    it.each(["ingest", "evaluate"] as const)(
      "let %s read only this stream, decrypt only via Kinesis for it, and send failures to the DLQ",
      (name) => {
        const roleId = logicalIdOf(built.stack[name].function.role as never);
        const statements = readable(roleStatements(template, roleId));

        expect(statements).toContainEqual({
          sid: "ReadTelemetryStream",
          actions: [
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
          ],
          resources: [`<${ids.stream}.Arn>`],
        });
        expect(statements).toContainEqual(keyViaKinesis("DecryptTelemetryRecords", "kms:Decrypt"));
        // One statement serves the async invoke config and the mapping's on-failure destination.
        expect(statements.filter((statement) => statement.actions.includes("sqs:SendMessage"))).toEqual([
          {
            sid: "SendFailedEventsToDeadLetterQueue",
            actions: ["sqs:SendMessage"],
            resources: [`<${ids.queue}.Arn>`],
          },
        ]);
        const kinesisActions = statements.flatMap((statement) =>
          statement.actions.filter((action) => action.startsWith("kinesis:")),
        );
        expect(kinesisActions).not.toContain("kinesis:ListStreams");
        expect(kinesisActions).not.toContain("kinesis:SubscribeToShard");
      },
    );

    it("keep the async invoke configs (dlq replay invokes asynchronously)", () => {
      const configs = Object.values(template.findResources("AWS::Lambda::EventInvokeConfig")).map(
        (config) => config.Properties.FunctionName,
      );

      expect(configs).toEqual(expect.arrayContaining([{ Ref: ids.ingest }, { Ref: ids.evaluate }]));
    });
  });

  describe("the ops alarms", () => {
    it("alarm on the ops topic when the stream's oldest unread record is five minutes old", () => {
      const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).filter(
        (alarm) => alarm.Properties.MetricName === "GetRecords.IteratorAgeMilliseconds",
      );

      expect(alarms).toHaveLength(1);
      expect(alarms[0]?.Properties).toMatchObject({
        AlarmName: `${built.config.stackName}-stream-iterator-age`,
        Namespace: "AWS/Kinesis",
        Dimensions: [{ Name: "StreamName", Value: { Ref: ids.stream } }],
        Statistic: "Maximum",
        Period: 60,
        Threshold: 300_000,
        ComparisonOperator: "GreaterThanThreshold",
        TreatMissingData: "notBreaching",
      });
      expect(alarms[0]?.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/Ops/) }]);
    });
  });

  describe("the lifecycle rule", () => {
    const lifecycle = () =>
      resource(template, "AWS::IoT::TopicRule", logicalIdOf(built.stack.lifecycleRule.rule));

    it("marks presence events as control records and puts them on the stream under the thing name", () => {
      const payload = lifecycle().Properties.TopicRulePayload;

      expect(payload.Sql).toBe(LIFECYCLE_STREAM_RULE_SQL);
      expect(payload.Sql).toBe("SELECT *, 'lifecycle' AS plantwatch FROM '$aws/events/presence/+/+'");
      expect(payload.Actions).toEqual([
        {
          Kinesis: {
            StreamName: { Ref: ids.stream },
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT substitution template
            PartitionKey: "${clientId}",
            RoleArn: getAtt(payload.Actions[0].Kinesis.RoleArn["Fn::GetAtt"][0]),
          },
        },
      ]);
      expect(payload.ErrorAction.Sqs).toMatchObject({ QueueUrl: { Ref: ids.queue }, UseBase64: false });
    });

    it("writes what the consumer decodes as a lifecycle control record (the SQL run by the local rules engine)", () => {
      const rule = compileTopicRule({
        name: "plantwatch_dev_lifecycle",
        sql: lifecycle().Properties.TopicRulePayload.Sql,
      });
      const event = {
        clientId: "press-7",
        timestamp: 1_700_000_000_000,
        eventType: "disconnected",
        sessionIdentifier: "s-1",
      };

      const output = rule.evaluate({
        topic: "$aws/events/presence/disconnected/press-7",
        payload: new TextEncoder().encode(JSON.stringify(event)),
        clientId: "iot",
        receivedAt: 1_700_000_000_100,
      });

      expect(decodeControlRecord(new TextEncoder().encode(JSON.stringify(output)))).toEqual({
        plantwatch: "lifecycle",
        clientId: "press-7",
        timestamp: 1_700_000_000_000,
        eventType: "disconnected",
      });
    });

    it("acts through a role of its own, only for this rule, which may only put records encrypted via Kinesis", () => {
      const payload = lifecycle().Properties.TopicRulePayload;
      const roleId = payload.Actions[0].Kinesis.RoleArn["Fn::GetAtt"][0] as string;
      const telemetryRoleId = resource(template, "AWS::IoT::TopicRule", ids.rule).Properties.TopicRulePayload
        .Actions[0].Kinesis.RoleArn["Fn::GetAtt"][0];
      const [trust] = resource(template, "AWS::IAM::Role", roleId).Properties.AssumeRolePolicyDocument
        .Statement;

      expect(roleId).not.toBe(telemetryRoleId);
      expect(render(trust.Condition.ArnEquals["aws:SourceArn"])).toBe(
        `${IOT_ARN}:rule/${lifecycleRuleName(built.config.stackName)}`,
      );
      expect(readable(roleStatements(template, roleId))).toEqual(streamActionStatements());
      expect(lifecycle().DependsOn).toEqual([
        expect.stringMatching(/^LifecycleRuleStreamActionRoleDefaultPolicy/),
      ]);
    });
  });

  describe("the shard checkpoints", () => {
    const quarantineId = () => logicalIdOf(built.stack.quarantine.bucket);

    it("tell evaluate the quarantine bucket, whose checkpoint keys it may read, write and find, and nothing more there", () => {
      const evaluate = resource(template, "AWS::Lambda::Function", ids.evaluate).Properties;
      const statements = readable(roleStatements(template, evaluate.Role["Fn::GetAtt"][0]));

      expect(evaluate.Environment.Variables.SHARD_CHECKPOINT_BUCKET).toEqual({ Ref: quarantineId() });
      expect(
        statements.filter((statement) => statement.actions.some((action) => action.startsWith("s3:"))),
      ).toEqual([
        {
          sid: "ReadAndWriteShardCheckpoints",
          actions: ["s3:GetObject", "s3:PutObject"],
          resources: [`<${quarantineId()}.Arn>/stream-checkpoints/*`],
        },
        {
          sid: "FindShardCheckpoints",
          actions: ["s3:ListBucket"],
          resources: [`<${quarantineId()}.Arn>`],
          condition: { StringLike: { "s3:prefix": `${SHARD_CHECKPOINT_PREFIX}*` } },
        },
      ]);
      expect(
        statements.filter((statement) => statement.actions.some((action) => action.startsWith("kms:"))),
      ).toEqual([
        {
          sid: "UseDeploymentKeyThroughItsStores",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: [`<${ids.key}.Arn>`],
          condition: {
            StringEquals: {
              "kms:ViaService": [
                "dynamodb.<AWS::Region>.amazonaws.com",
                "s3.<AWS::Region>.amazonaws.com",
                "sqs.<AWS::Region>.amazonaws.com",
              ],
            },
          },
        },
        keyViaKinesis("DecryptTelemetryRecords", "kms:Decrypt"),
      ]);
    });

    it("expire their old versions after a day, never the checkpoint itself; rejected data keeps its rules", () => {
      const rules = resource(template, "AWS::S3::Bucket", quarantineId()).Properties.LifecycleConfiguration
        .Rules;
      const rejectedData = {
        ExpirationInDays: 400,
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: "Enabled",
      };

      expect(rules).toEqual([
        { ...rejectedData, Prefix: "quarantine/" },
        { ...rejectedData, Prefix: "timestream-rejected/" },
        {
          Prefix: SHARD_CHECKPOINT_PREFIX,
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          Status: "Enabled",
        },
      ]);
    });
  });

  describe("the producers of control records", () => {
    it.each(["sweep", "apiFunction"] as const)(
      "let %s put records on this stream only, encrypting via Kinesis for it, and tell it the stream",
      (name) => {
        const fn = resource(
          template,
          "AWS::Lambda::Function",
          logicalIdOf(built.stack[name].function),
        ).Properties;
        const statements = readable(roleStatements(template, fn.Role["Fn::GetAtt"][0]));

        expect(fn.Environment.Variables.TELEMETRY_STREAM_ARN).toEqual(getAtt(ids.stream));
        // Everything about the stream: the statements with a Kinesis action or the key via Kinesis.
        const aboutTheStream = statements.filter(
          (statement) =>
            statement.actions.some((action) => action.startsWith("kinesis:")) ||
            JSON.stringify(statement.condition ?? {}).includes("kinesis."),
        );
        expect(aboutTheStream).toEqual([
          { sid: "PutControlRecords", actions: ["kinesis:PutRecords"], resources: [`<${ids.stream}.Arn>`] },
          keyViaKinesis("EncryptControlRecords", "kms:GenerateDataKey"),
        ]);
      },
    );
  });

  describe("the functions' environments", () => {
    it("are what each function's schema reads, the stream-mode variables included", () => {
      const environment = (fn: PlantwatchFunction) =>
        placeholders(
          resource(template, "AWS::Lambda::Function", logicalIdOf(fn)).Properties.Environment.Variables,
        );
      const { stack } = built;

      expect(readEvaluateEnvironment(environment(stack.evaluate.function)).SHARD_CHECKPOINT_BUCKET).toBe(
        `ref-${logicalIdOf(stack.quarantine.bucket)}`,
      );
      expect(readSweepEnvironment(environment(stack.sweep.function)).TELEMETRY_STREAM_ARN).toBe(
        `arn:aws:test:${ids.stream}`,
      );
      expect(readApiEnvironment(environment(stack.apiFunction.function)).TELEMETRY_STREAM_ARN).toBe(
        `arn:aws:test:${ids.stream}`,
      );
    });

    it("leave lastSeen to the alarm consumer: ingest gets no interval and may only read the registry", () => {
      const ingest = built.stack.ingest.function;
      const variables = resource(template, "AWS::Lambda::Function", logicalIdOf(ingest)).Properties
        .Environment.Variables;
      const statements = readable(roleStatements(template, logicalIdOf(ingest.role as never)));

      expect(readIngestEnvironment(placeholders(variables))).not.toHaveProperty("LAST_SEEN_INTERVAL_MS");
      expect(
        statements.filter((statement) => statement.actions.some((action) => action.startsWith("dynamodb:"))),
      ).toEqual([
        {
          sid: "ReadDevice",
          actions: ["dynamodb:GetItem"],
          resources: [`<${logicalIdOf(built.stack.registry.table)}.Arn>`],
        },
      ]);
    });
  });
});

describe("direct mode's functions", () => {
  it("get no stream-mode variable, and their schemas read their environments without one", () => {
    const { built, template } = synthesize();
    const environment = (fn: PlantwatchFunction) =>
      placeholders(
        resource(template, "AWS::Lambda::Function", logicalIdOf(fn)).Properties.Environment.Variables,
      );

    expect(readEvaluateEnvironment(environment(built.stack.evaluate.function))).not.toHaveProperty(
      "SHARD_CHECKPOINT_BUCKET",
    );
    expect(readSweepEnvironment(environment(built.stack.sweep.function))).not.toHaveProperty(
      "TELEMETRY_STREAM_ARN",
    );
    expect(readApiEnvironment(environment(built.stack.apiFunction.function))).not.toHaveProperty(
      "TELEMETRY_STREAM_ARN",
    );
    expect(readIngestEnvironment(environment(built.stack.ingest.function)).LAST_SEEN_INTERVAL_MS).toBe(
      built.config.ingest.lastSeenIntervalSeconds * 1000,
    );
  });
});

/** A function's template environment as the runtime would see it: each reference a plausible value. */
function placeholders(variables: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      if (typeof value === "string") return [name, value];
      const { Ref: ref, "Fn::GetAtt": getAttribute } = value as { Ref?: string; "Fn::GetAtt"?: string[] };
      if (ref) return [name, `ref-${ref}`];
      if (getAttribute?.[1] === "Arn") return [name, `arn:aws:test:${getAttribute[0]}`];
      return [name, render(value)];
    }),
  );
}
