import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type PlantwatchApp } from "../../../infra/app.ts";
import { STACK_OUTPUTS } from "../../../infra/stackOutputs.ts";
import { LIFECYCLE_RULE_SQL, lifecycleRuleName } from "../../../shared/contracts/lifecycleRule.ts";
import { telemetryRuleName } from "../../../shared/contracts/telemetryRule.ts";
import { ALARM_EVENT_DETAIL_TYPE, ALARM_EVENT_SOURCE } from "../../../shared/domain/alarms/alarmEvent.ts";
import { cdkJsonContext, removeTempOutdirs, tempOutdir } from "../support/cdkContext.ts";
import {
  asArray,
  identityStatements,
  logicalIdOf,
  readable,
  render,
  renderDeep,
  resource,
  roleStatements,
  type Statement,
} from "../support/cfn.ts";

afterAll(removeTempOutdirs);

const ACCOUNT = "<AWS::AccountId>";
const REGION_ARN = (service: string) => `arn:<AWS::Partition>:${service}:<AWS::Region>:${ACCOUNT}`;
const SQS_VIA = "sqs.<AWS::Region>.amazonaws.com";
const DYNAMODB_VIA = "dynamodb.<AWS::Region>.amazonaws.com";

/**
 * These tests assert the LiveAnalytics deployment (the InfluxDB one: influxSeriesStore.test.ts), without
 * the hosted console (PlantwatchStack.console.test.ts).
 */
const LIVE_ANALYTICS = { series: { store: "liveanalytics" }, console: { enabled: false } };

function synthesize(overrides?: unknown): { built: PlantwatchApp; template: Template } {
  const built = buildApp({
    context: cdkJsonContext(),
    outdir: tempOutdir("alarms"),
    overrides: Object.assign({}, LIVE_ANALYTICS, overrides),
    nag: false,
  });
  return { built, template: Template.fromStack(built.stack) };
}

const getAtt = (logicalId: string, attribute = "Arn") => ({ "Fn::GetAtt": [logicalId, attribute] });

type KeyPolicyStatement = Statement & { readonly Principal?: unknown };

function executionRoleOf(template: Template, functionId: string): string {
  return resource(template, "AWS::Lambda::Function", functionId).Properties.Role["Fn::GetAtt"][0];
}

describe("alarm engine infrastructure", () => {
  let built: PlantwatchApp;
  let template: Template;
  let ids: Record<
    | "key"
    | "queue"
    | "registry"
    | "rules"
    | "alarms"
    | "history"
    | "bus"
    | "ingest"
    | "evaluate"
    | "sweep"
    | "telemetryRule"
    | "lifecycleRule"
    | "schedule"
    | "scheduleGroup"
    | "scheduleRole",
    string
  >;

  beforeAll(() => {
    ({ built, template } = synthesize());
    const { stack } = built;
    ids = {
      key: logicalIdOf(stack.encryptionKey.key),
      queue: logicalIdOf(stack.deadLetterQueue.queue),
      registry: logicalIdOf(stack.registry.table),
      rules: logicalIdOf(stack.rules.table),
      alarms: logicalIdOf(stack.alarms.table),
      history: logicalIdOf(stack.history.table),
      bus: logicalIdOf(stack.alarmEvents.bus),
      ingest: logicalIdOf(stack.ingest.function),
      evaluate: logicalIdOf(stack.evaluate.function),
      sweep: logicalIdOf(stack.sweep.function),
      telemetryRule: logicalIdOf(stack.telemetryRule.rule),
      lifecycleRule: logicalIdOf(stack.lifecycleRule.rule),
      schedule: logicalIdOf(stack.sweepSchedule.schedule),
      scheduleGroup: logicalIdOf(stack.sweepSchedule.group),
      scheduleRole: logicalIdOf(stack.sweepSchedule.role),
    };
  });

  describe("tables", () => {
    const houseSettings = (keyId: () => string) => ({
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: getAtt(keyId()) },
      DeletionProtectionEnabled: true,
    });

    it("has exactly five tables: registry, rules, alarm state, history and silences", () => {
      expect(Object.keys(template.findResources("AWS::DynamoDB::Table")).sort()).toEqual(
        [ids.registry, ids.rules, ids.alarms, ids.history, logicalIdOf(built.stack.silences.table)].sort(),
      );
    });

    it("keys the rules table by rule id", () => {
      expect(resource(template, "AWS::DynamoDB::Table", ids.rules).Properties).toEqual({
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        ...houseSettings(() => ids.key),
        Tags: expect.any(Array),
      });
    });

    it("keys the alarm state table by thing name: one versioned item per thing", () => {
      expect(resource(template, "AWS::DynamoDB::Table", ids.alarms).Properties).toEqual({
        KeySchema: [{ AttributeName: "thingName", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "thingName", AttributeType: "S" }],
        ...houseSettings(() => ids.key),
        Tags: expect.any(Array),
      });
    });

    it("keys the history table by alarm id and sort key, with the keys-only change feed index, expiring items by expiresAt", () => {
      expect(resource(template, "AWS::DynamoDB::Table", ids.history).Properties).toEqual({
        KeySchema: [
          { AttributeName: "alarmId", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: "alarmId", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
          { AttributeName: "feedDay", AttributeType: "S" },
          { AttributeName: "feedKey", AttributeType: "S" },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: "byTime",
            KeySchema: [
              { AttributeName: "feedDay", KeyType: "HASH" },
              { AttributeName: "feedKey", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "KEYS_ONLY" },
          },
        ],
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        ...houseSettings(() => ids.key),
        Tags: expect.any(Array),
      });
    });

    it("retains the tables by default", () => {
      for (const id of [ids.rules, ids.alarms, ids.history]) {
        expect(template.toJSON().Resources[id]).toMatchObject({
          DeletionPolicy: "Retain",
          UpdateReplacePolicy: "Retain",
        });
      }
    });
  });

  describe("event bus", () => {
    it("is the configured custom bus, encrypted with the deployment key", () => {
      expect(resource(template, "AWS::Events::EventBus", ids.bus).Properties).toMatchObject({
        Name: built.config.alarms.eventBusName,
        KmsKeyIdentifier: getAtt(ids.key),
      });
      expect(built.config.alarms.eventBusName).toBe("plantwatch-dev");
    });

    it("archives the alarm events, encrypted, for 30 days", () => {
      const archive = Object.values(template.findResources("AWS::Events::Archive"));
      expect(archive).toHaveLength(1);
      expect(archive[0]?.Properties).toEqual({
        SourceArn: getAtt(ids.bus),
        Description: expect.any(String),
        EventPattern: { source: [ALARM_EVENT_SOURCE], "detail-type": [ALARM_EVENT_DETAIL_TYPE] },
        RetentionDays: 30,
        KmsKeyIdentifier: getAtt(ids.key),
      });
    });

    it("lets EventBridge use the key only for this bus (and describe it only for this account)", () => {
      const keyPolicy = resource(template, "AWS::KMS::Key", ids.key).Properties.KeyPolicy
        .Statement as KeyPolicyStatement[];
      const forEventBridge = keyPolicy.filter((statement) =>
        JSON.stringify(statement).includes("events.amazonaws.com"),
      );
      expect(forEventBridge.map((statement) => statement.Principal)).toEqual([
        { Service: "events.amazonaws.com" },
        { Service: "events.amazonaws.com" },
        { Service: "events.amazonaws.com" },
      ]);
      expect(readable(forEventBridge)).toEqual([
        {
          // The bus's and rule targets' dead letters (see notifications.test.ts); granted before
          // the bus exists, so the bus can name its dead-letter queue.
          sid: "AllowEventBridgeToSendToTheDeadLetterQueue",
          actions: ["kms:GenerateDataKey", "kms:Decrypt"],
          resources: ["*"],
          condition: { ArnLike: { "kms:EncryptionContext:aws:sqs:arn": `${REGION_ARN("sqs")}:*` } },
        },
        {
          sid: "AllowEventBridgeForTheAlarmBusAndItsArchive",
          actions: ["kms:GenerateDataKey", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
          resources: ["*"],
          condition: {
            StringEquals: {
              "kms:EncryptionContext:aws:events:event-bus:arn": `${REGION_ARN("events")}:event-bus/plantwatch-dev`,
            },
          },
        },
        {
          sid: "AllowEventBridgeToDescribeTheKey",
          actions: ["kms:DescribeKey"],
          resources: ["*"],
          condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
      ]);
    });

    it("has no resource policy: only this account's identities may put events", () => {
      template.resourceCountIs("AWS::Events::EventBusPolicy", 0);
      expect(resource(template, "AWS::Events::EventBus", ids.bus).Properties.Policy).toBeUndefined();
    });
  });

  describe("IoT rules", () => {
    it("adds the lifecycle rule: the contract's name and SQL, SQL version 2016-03-23, evaluate as only action", () => {
      const rule = resource(template, "AWS::IoT::TopicRule", ids.lifecycleRule).Properties;
      expect(rule.RuleName).toBe(lifecycleRuleName(built.config.stackName));
      expect(rule.RuleName).toBe("plantwatch_dev_lifecycle");
      expect(rule.TopicRulePayload).toMatchObject({
        Sql: LIFECYCLE_RULE_SQL,
        AwsIotSqlVersion: "2016-03-23",
        RuleDisabled: false,
        Actions: [{ Lambda: { FunctionArn: getAtt(ids.evaluate) } }],
      });
    });

    it("parks what the lifecycle rule cannot deliver in the dead-letter queue, through a role only IoT, for this rule, may assume", () => {
      const errorAction = resource(template, "AWS::IoT::TopicRule", ids.lifecycleRule).Properties
        .TopicRulePayload.ErrorAction.Sqs;
      const roleId = errorAction.RoleArn["Fn::GetAtt"][0] as string;
      expect(errorAction).toEqual({
        QueueUrl: { Ref: ids.queue },
        RoleArn: getAtt(roleId),
        UseBase64: false,
      });
      const [trust] = resource(template, "AWS::IAM::Role", roleId).Properties.AssumeRolePolicyDocument
        .Statement;
      expect(trust.Principal).toEqual({ Service: "iot.amazonaws.com" });
      expect(renderDeep(trust.Condition)).toEqual({
        StringEquals: { "aws:SourceAccount": ACCOUNT },
        ArnEquals: { "aws:SourceArn": `${REGION_ARN("iot")}:rule/plantwatch_dev_lifecycle` },
      });
      expect(readable(roleStatements(template, roleId))).toEqual([
        { sid: "SendToDeadLetterQueue", actions: ["sqs:SendMessage"], resources: [`<${ids.queue}.Arn>`] },
        {
          sid: "EncryptForDeadLetterQueue",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: [`<${ids.key}.Arn>`],
          condition: { StringEquals: { "kms:ViaService": SQS_VIA } },
        },
      ]);
    });

    it("gives each rule its own error-action role", () => {
      const roleOf = (ruleId: string) =>
        resource(template, "AWS::IoT::TopicRule", ruleId).Properties.TopicRulePayload.ErrorAction.Sqs.RoleArn;
      expect(roleOf(ids.lifecycleRule)).not.toEqual(roleOf(ids.telemetryRule));
    });

    it("lets IoT invoke each function only on behalf of the rules that name it, one permission per rule and function", () => {
      const permissions = Object.entries(
        template.findResources("AWS::Lambda::Permission", { Properties: { Principal: "iot.amazonaws.com" } }),
      ).map(([permissionId, permission]) => ({
        permissionId,
        function: permission.Properties.FunctionName["Fn::GetAtt"][0],
        sourceArn: render(permission.Properties.SourceArn),
        principal: permission.Properties.Principal,
        sourceAccount: render(permission.Properties.SourceAccount),
      }));
      const telemetryArn = `${REGION_ARN("iot")}:rule/${telemetryRuleName(built.config.stackName)}`;
      const lifecycleArn = `${REGION_ARN("iot")}:rule/${lifecycleRuleName(built.config.stackName)}`;
      expect(permissions.map(({ permissionId, ...rest }) => rest)).toEqual([
        {
          function: ids.ingest,
          sourceArn: telemetryArn,
          principal: "iot.amazonaws.com",
          sourceAccount: ACCOUNT,
        },
        {
          function: ids.evaluate,
          sourceArn: telemetryArn,
          principal: "iot.amazonaws.com",
          sourceAccount: ACCOUNT,
        },
        {
          function: ids.evaluate,
          sourceArn: lifecycleArn,
          principal: "iot.amazonaws.com",
          sourceAccount: ACCOUNT,
        },
      ]);
      const [ingestByTelemetry, evaluateByTelemetry, evaluateByLifecycle] = permissions.map(
        (p) => p.permissionId,
      );
      expect(resource(template, "AWS::IoT::TopicRule", ids.telemetryRule).DependsOn?.sort()).toEqual(
        [ingestByTelemetry, evaluateByTelemetry].sort(),
      );
      expect(resource(template, "AWS::IoT::TopicRule", ids.lifecycleRule).DependsOn).toEqual([
        evaluateByLifecycle,
      ]);
    });
  });

  describe("evaluate function", () => {
    it("runs the evaluate handler on arm64 with its own service name", () => {
      expect(resource(template, "AWS::Lambda::Function", ids.evaluate).Properties).toMatchObject({
        Architectures: ["arm64"],
        Handler: "index.handler",
        Timeout: 30,
      });
      expect(built.stack.evaluate.function.runtime.name).toBe(built.stack.ingest.function.runtime.name);
    });

    it("gets the alarm stores, the configured intervals and ingest's sample-time bounds", () => {
      const { timestream, ingest, alarms } = built.config;
      const ingestVariables = resource(template, "AWS::Lambda::Function", ids.ingest).Properties.Environment
        .Variables;
      expect(
        resource(template, "AWS::Lambda::Function", ids.evaluate).Properties.Environment.Variables,
      ).toEqual({
        ALARMS_TABLE: { Ref: ids.alarms },
        HISTORY_TABLE: { Ref: ids.history },
        RULES_TABLE: { Ref: ids.rules },
        REGISTRY_TABLE: { Ref: ids.registry },
        EVENT_BUS_NAME: { Ref: ids.bus },
        HISTORY_RETENTION_MS: String(alarms.historyRetentionDays * 86_400_000),
        RULES_REFRESH_MS: String(alarms.rulesRefreshSeconds * 1000),
        REGISTRY_CACHE_TTL_MS: String(ingest.registryCacheTtlSeconds * 1000),
        CLOCK_SKEW_MS: ingestVariables.CLOCK_SKEW_MS,
        MAX_SAMPLE_AGE_MS: ingestVariables.MAX_SAMPLE_AGE_MS,
        POWERTOOLS_SERVICE_NAME: "evaluate",
        POWERTOOLS_METRICS_NAMESPACE: built.config.metricsNamespace,
        NODE_OPTIONS: "--enable-source-maps",
      });
      expect(ingestVariables.MAX_SAMPLE_AGE_MS).toBe(
        String((timestream.memoryRetentionHours * 3600 + timestream.magneticRetentionDays * 86_400) * 1000),
      );
    });

    it("retries async invocations twice within 6 hours, then sends them to the dead-letter queue", () => {
      template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
        FunctionName: { Ref: ids.evaluate },
        Qualifier: "$LATEST",
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3600,
        DestinationConfig: { OnFailure: { Destination: getAtt(ids.queue) } },
      });
    });

    it("may do exactly what evaluate needs, each action on its one resource", () => {
      expect(readable(roleStatements(template, executionRoleOf(template, ids.evaluate)))).toEqual(
        alarmFunctionStatements(ids, logicalIdOf(built.stack.evaluate.function.logGroup), []),
      );
    });
  });

  describe("sweep function", () => {
    it("runs the sweep handler on arm64, finishing within the minute", () => {
      expect(resource(template, "AWS::Lambda::Function", ids.sweep).Properties).toMatchObject({
        Architectures: ["arm64"],
        Handler: "index.handler",
        Timeout: 60,
      });
    });

    it("reserves no concurrency by default: a low-quota account would refuse the reservation", () => {
      for (const fn of Object.values(template.findResources("AWS::Lambda::Function"))) {
        expect(fn.Properties).not.toHaveProperty("ReservedConcurrentExecutions");
      }
    });

    it("gets the alarm stores and the configured intervals", () => {
      const { ingest, alarms } = built.config;
      expect(resource(template, "AWS::Lambda::Function", ids.sweep).Properties.Environment.Variables).toEqual(
        {
          ALARMS_TABLE: { Ref: ids.alarms },
          HISTORY_TABLE: { Ref: ids.history },
          RULES_TABLE: { Ref: ids.rules },
          REGISTRY_TABLE: { Ref: ids.registry },
          EVENT_BUS_NAME: { Ref: ids.bus },
          HISTORY_RETENTION_MS: String(alarms.historyRetentionDays * 86_400_000),
          RULES_REFRESH_MS: String(alarms.rulesRefreshSeconds * 1000),
          REGISTRY_CACHE_TTL_MS: String(ingest.registryCacheTtlSeconds * 1000),
          POWERTOOLS_SERVICE_NAME: "sweep",
          POWERTOOLS_METRICS_NAMESPACE: built.config.metricsNamespace,
          NODE_OPTIONS: "--enable-source-maps",
        },
      );
    });

    it("does not retry a failed run (the next comes a minute later) but parks it in the dead-letter queue", () => {
      template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
        FunctionName: { Ref: ids.sweep },
        Qualifier: "$LATEST",
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 120,
        DestinationConfig: { OnFailure: { Destination: getAtt(ids.queue) } },
      });
    });

    it("may do exactly what sweep needs (evaluate's permissions and a scan of the alarm state)", () => {
      expect(readable(roleStatements(template, executionRoleOf(template, ids.sweep)))).toEqual(
        alarmFunctionStatements(ids, logicalIdOf(built.stack.sweep.function.logGroup), ["dynamodb:Scan"]),
      );
    });
  });

  describe("sweep schedule", () => {
    it("invokes sweep every minute, retrying twice within 2 minutes, then the dead-letter queue", () => {
      expect(resource(template, "AWS::Scheduler::Schedule", ids.schedule).Properties).toEqual({
        Name: "sweep",
        GroupName: resource(template, "AWS::Scheduler::ScheduleGroup", ids.scheduleGroup).Properties.Name,
        Description: expect.any(String),
        ScheduleExpression: "rate(1 minute)",
        FlexibleTimeWindow: { Mode: "OFF" },
        State: "ENABLED",
        KmsKeyArn: getAtt(ids.key),
        Target: {
          Arn: getAtt(ids.sweep),
          RoleArn: getAtt(ids.scheduleRole),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 120 },
          DeadLetterConfig: { Arn: getAtt(ids.queue) },
        },
      });
    });

    it("runs in a schedule group of its own, which goes with the stack", () => {
      template.resourceCountIs("AWS::Scheduler::ScheduleGroup", 1);
      expect(template.toJSON().Resources[ids.scheduleGroup].DeletionPolicy).toBe("Delete");
      expect(resource(template, "AWS::Scheduler::ScheduleGroup", ids.scheduleGroup).Properties.Name).toMatch(
        /^plantwatchdev-/,
      );
    });

    it("has a role only Scheduler, for this group in this account, may assume", () => {
      const role = resource(template, "AWS::IAM::Role", ids.scheduleRole).Properties;
      const [trust, ...others] = role.AssumeRolePolicyDocument.Statement;
      expect(others).toEqual([]);
      expect(trust.Principal).toEqual({ Service: "scheduler.amazonaws.com" });
      expect(renderDeep(trust.Condition)).toEqual({
        StringEquals: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": `<${ids.scheduleGroup}.Arn>` },
      });
      expect(role.ManagedPolicyArns).toBeUndefined();
    });

    it("lets the role only invoke sweep, send to the dead-letter queue and decrypt", () => {
      expect(readable(roleStatements(template, ids.scheduleRole))).toEqual([
        { sid: "InvokeTarget", actions: ["lambda:InvokeFunction"], resources: [`<${ids.sweep}.Arn>`] },
        { sid: "SendToDeadLetterQueue", actions: ["sqs:SendMessage"], resources: [`<${ids.queue}.Arn>`] },
        {
          sid: "EncryptForDeadLetterQueue",
          actions: ["kms:GenerateDataKey"],
          resources: [`<${ids.key}.Arn>`],
          condition: { StringEquals: { "kms:ViaService": SQS_VIA } },
        },
        { sid: "DecryptScheduleAndDeadLetters", actions: ["kms:Decrypt"], resources: [`<${ids.key}.Arn>`] },
      ]);
    });

    it("is created only once its role may invoke", () => {
      const policyId = logicalIdOf(built.stack.sweepSchedule.role.node.findChild("DefaultPolicy"));
      expect(resource(template, "AWS::Scheduler::Schedule", ids.schedule).DependsOn).toEqual([policyId]);
    });
  });

  describe("least privilege", () => {
    it("still has no identity-policy statement with a wildcard action or a wildcard-bearing resource for the alarm engine", () => {
      const alarmRoles = new Set([
        executionRoleOf(template, ids.evaluate),
        executionRoleOf(template, ids.sweep),
        ids.scheduleRole,
      ]);
      const statements = identityStatements(template);
      for (const { statement } of statements) {
        for (const action of asArray(statement.Action)) expect(action).not.toContain("*");
      }
      for (const { roles, statement } of statements.filter(({ roles }) =>
        roles.some((r) => alarmRoles.has(r)),
      )) {
        expect(roles).toHaveLength(1);
        for (const resourceArn of asArray(statement.Resource)) expect(render(resourceArn)).not.toContain("*");
      }
    });
  });

  describe("outputs", () => {
    it("publishes the alarm tables, the bus and the alarm functions", () => {
      const output = (name: keyof typeof STACK_OUTPUTS) => template.toJSON().Outputs[STACK_OUTPUTS[name].key];
      expect(output("rulesTable").Value).toEqual({ Ref: ids.rules });
      expect(output("alarmsTable").Value).toEqual({ Ref: ids.alarms });
      expect(output("historyTable").Value).toEqual({ Ref: ids.history });
      expect(output("eventBusName").Value).toEqual({ Ref: ids.bus });
      expect(output("eventBusArn").Value).toEqual(getAtt(ids.bus));
      expect(output("evaluateFunction").Value).toEqual({ Ref: ids.evaluate });
      expect(output("sweepFunction").Value).toEqual({ Ref: ids.sweep });
    });
  });
});

/** The statements both alarm functions get, with sweep's extra alarm-state actions. */
function alarmFunctionStatements(
  ids: Record<"alarms" | "history" | "rules" | "registry" | "bus" | "queue" | "key", string>,
  logGroupId: string,
  extraAlarmActions: readonly string[],
) {
  return [
    {
      sid: "WriteOwnLogGroup",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`<${logGroupId}.Arn>`],
    },
    {
      sid: "ReadAndWriteAlarmState",
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", ...extraAlarmActions],
      resources: [`<${ids.alarms}.Arn>`],
    },
    { sid: "AppendAlarmHistory", actions: ["dynamodb:BatchWriteItem"], resources: [`<${ids.history}.Arn>`] },
    { sid: "ReadRules", actions: ["dynamodb:GetItem", "dynamodb:Scan"], resources: [`<${ids.rules}.Arn>`] },
    { sid: "ReadDevices", actions: ["dynamodb:GetItem"], resources: [`<${ids.registry}.Arn>`] },
    {
      sid: "PublishAlarmEvents",
      actions: ["events:PutEvents"],
      resources: [`<${ids.bus}.Arn>`],
      condition: { StringEquals: { "events:source": ALARM_EVENT_SOURCE } },
    },
    {
      sid: "SendFailedEventsToDeadLetterQueue",
      actions: ["sqs:SendMessage"],
      resources: [`<${ids.queue}.Arn>`],
    },
    {
      sid: "UseDeploymentKeyThroughItsStores",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [`<${ids.key}.Arn>`],
      condition: { StringEquals: { "kms:ViaService": [DYNAMODB_VIA, SQS_VIA] } },
    },
  ];
}

describe("alarm engine infrastructure with custom configuration", () => {
  let built: PlantwatchApp;
  let template: Template;

  beforeAll(() => {
    ({ built, template } = synthesize({
      stackName: "acme-lab",
      alarms: {
        eventBusName: "acme-alarms",
        historyRetentionDays: 7,
        rulesRefreshSeconds: 15,
        sweep: { reservedConcurrency: 1 },
      },
    }));
  });

  it("reserves the configured concurrency for the sweep, and for no other function", () => {
    const sweepId = logicalIdOf(built.stack.sweep.function);
    const reserved = Object.entries(template.findResources("AWS::Lambda::Function")).flatMap(([id, fn]) =>
      fn.Properties.ReservedConcurrentExecutions === undefined
        ? []
        : [[id, fn.Properties.ReservedConcurrentExecutions]],
    );
    expect(reserved).toEqual([[sweepId, 1]]);
  });

  it("names the bus from the configuration, and binds the key to that bus", () => {
    template.hasResourceProperties("AWS::Events::EventBus", { Name: "acme-alarms" });
    const keyPolicy = resource(template, "AWS::KMS::Key", logicalIdOf(built.stack.encryptionKey.key))
      .Properties.KeyPolicy.Statement as Statement[];
    const forBus = keyPolicy.find(
      (statement) => statement.Sid === "AllowEventBridgeForTheAlarmBusAndItsArchive",
    );
    expect(renderDeep(forBus?.Condition)).toEqual({
      StringEquals: {
        "kms:EncryptionContext:aws:events:event-bus:arn": `${REGION_ARN("events")}:event-bus/acme-alarms`,
      },
    });
  });

  it("names the lifecycle rule after the stack", () => {
    template.hasResourceProperties("AWS::IoT::TopicRule", {
      RuleName: "acme_lab_lifecycle",
      TopicRulePayload: Match.objectLike({ Sql: LIFECYCLE_RULE_SQL }),
    });
  });

  it("passes the configured history retention and rules refresh to both alarm functions", () => {
    for (const fn of [built.stack.evaluate.function, built.stack.sweep.function]) {
      expect(
        resource(template, "AWS::Lambda::Function", logicalIdOf(fn)).Properties.Environment.Variables,
      ).toMatchObject({ HISTORY_RETENTION_MS: String(7 * 86_400_000), RULES_REFRESH_MS: "15000" });
    }
  });
});
