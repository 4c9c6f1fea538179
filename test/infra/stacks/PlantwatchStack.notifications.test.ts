import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type PlantwatchApp } from "../../../infra/app.ts";
import { webhookRuleName } from "../../../infra/constructs/WebhookDestination.ts";
import { STACK_OUTPUTS } from "../../../infra/stackOutputs.ts";
import { ALARM_NOTIFICATION_DETAIL_TYPE } from "../../../shared/contracts/alarmNotification.ts";
import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_EVENT_SOURCE,
  ALARM_REMINDER_DETAIL_TYPE,
  type AlarmEventDetail,
  isReminder,
} from "../../../shared/domain/alarms/alarmEvent.ts";
import { ALARM_EVENTS } from "../../shared/domain/notifications/alarmEvents.ts";
import { cdkJsonContext, removeTempOutdirs, tempOutdir } from "../support/cdkContext.ts";
import {
  logicalIdOf,
  readable,
  renderDeep,
  resource,
  roleStatements,
  type Statement,
} from "../support/cfn.ts";
import { matchesPattern } from "../support/eventPattern.ts";

afterAll(removeTempOutdirs);

const ACCOUNT = "<AWS::AccountId>";
const REGION = "<AWS::Region>";
const secretArn = (name: string) =>
  `arn:aws:secretsmanager:eu-central-1:123456789012:secret:plantwatch/${name}-AbCdEf`;
const TEAMS_URL =
  "https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0";

const OVERRIDES = {
  stackName: "plantwatch-test",
  alarms: {
    notify: {
      page: { email: ["oncall@example.com"], sms: ["+4915112345678"] },
      notify: { email: ["team@example.com"] },
      ops: { email: ["platform@example.com"] },
      consoleUrl: "https://plantwatch.example.com/",
      timeZone: "Europe/Berlin",
      webhooks: [
        {
          name: "slack-ops",
          format: "slack",
          channel: "#plant-alarms",
          secretArn: secretArn("slack"),
          severities: ["critical", "major"],
        },
        { name: "teams", format: "teams", url: TEAMS_URL, secretArn: secretArn("teams"), secretField: "sig" },
        { name: "pd", format: "pagerduty", secretArn: secretArn("pd"), secretField: "routingKey" },
        {
          name: "hook",
          format: "json",
          url: "https://hooks.example.com/plantwatch",
          header: "X-Api-Key",
          secretArn: secretArn("hook"),
          severities: ["info"],
        },
      ],
    },
  },
};

type Rule = { Name?: string; EventPattern: Record<string, unknown>; Targets: Record<string, unknown>[] };

/** An event as EventBridge matches it: the envelope the publisher sets, and the detail. */
const envelope = (detailType: string, detail: unknown, source = ALARM_EVENT_SOURCE) => ({
  version: "0",
  id: "00000000-0000-0000-0000-000000000000",
  "detail-type": detailType,
  source,
  account: "123456789012",
  time: "2026-11-25T12:03:10Z",
  region: "eu-central-1",
  resources: [],
  detail,
});

/** What the engine publishes: each golden case with the detail-type the publisher gives it. */
const publishedSamples = Object.entries(ALARM_EVENTS).map(([name, make]) => {
  const detail: AlarmEventDetail = make();
  return {
    name,
    event: envelope(isReminder(detail) ? ALARM_REMINDER_DETAIL_TYPE : ALARM_EVENT_DETAIL_TYPE, detail),
  };
});

/** An `Alarm Notification` detail with the field names of its contract (payloads abbreviated). */
const notification = (severity: string, replayTo?: string) =>
  envelope(ALARM_NOTIFICATION_DETAIL_TYPE, {
    version: "1",
    alarmId: "oven-overheat:oven-3",
    eventKey: "oven-overheat:oven-3|ACTIVE|2026-11-25T12:03:10.000Z",
    kind: "transition",
    severity,
    channel: severity === "critical" || severity === "major" ? "page" : "notify",
    state: "ACTIVE",
    thingName: "oven-3",
    ...(replayTo === undefined ? {} : { replayTo }),
    payloads: {
      slack: { text: "x" },
      teams: { type: "message" },
      pagerduty: { event_action: "trigger" },
      json: {},
    },
  });

describe("notifications infrastructure", () => {
  let built: PlantwatchApp;
  let template: Template;
  let json: string;
  let ids: Record<
    "key" | "queue" | "page" | "notify" | "ops" | "silences" | "registry" | "bus" | "fn",
    string
  >;

  beforeAll(() => {
    built = buildApp({
      context: cdkJsonContext(),
      outdir: tempOutdir("notifications"),
      overrides: OVERRIDES,
      nag: false,
    });
    template = Template.fromStack(built.stack);
    json = JSON.stringify(template.toJSON());
    const { stack } = built;
    ids = {
      key: logicalIdOf(stack.encryptionKey.key),
      queue: logicalIdOf(stack.deadLetterQueue.queue),
      page: logicalIdOf(stack.topics.page),
      notify: logicalIdOf(stack.topics.notify),
      ops: logicalIdOf(stack.topics.ops),
      silences: logicalIdOf(stack.silences.table),
      registry: logicalIdOf(stack.registry.table),
      bus: logicalIdOf(stack.alarmEvents.bus),
      fn: logicalIdOf(stack.notify.function),
    };
  });

  const keyStatement = (sid: string) =>
    (
      resource(template, "AWS::KMS::Key", ids.key).Properties.KeyPolicy.Statement as (Statement & {
        Principal?: unknown;
      })[]
    ).find((statement) => statement.Sid === sid);

  describe("topics", () => {
    it("encrypts the page, notify and ops topics with the deployment key and denies non-TLS use", () => {
      for (const topic of [ids.page, ids.notify, ids.ops]) {
        expect(resource(template, "AWS::SNS::Topic", topic).Properties.KmsMasterKeyId).toEqual({
          "Fn::GetAtt": [ids.key, "Arn"],
        });
        template.hasResourceProperties("AWS::SNS::TopicPolicy", {
          Topics: [{ Ref: topic }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: "Deny",
                Action: "sns:Publish",
                Condition: { Bool: { "aws:SecureTransport": "false" } },
              }),
            ]),
          },
        });
      }
      expect(Object.keys(template.findResources("AWS::SNS::Topic"))).toHaveLength(3);
    });

    it("subscribes exactly the configured addresses and numbers to each topic", () => {
      const subscriptions = Object.values(template.findResources("AWS::SNS::Subscription")).map(
        ({ Properties }) => [Properties.TopicArn.Ref, Properties.Protocol, Properties.Endpoint],
      );
      expect(subscriptions.sort()).toEqual(
        [
          [ids.page, "email", "oncall@example.com"],
          [ids.page, "sms", "+4915112345678"],
          [ids.notify, "email", "team@example.com"],
          [ids.ops, "email", "platform@example.com"],
        ].sort(),
      );
    });

    it("lets CloudWatch publish to the ops topic only for this deployment's alarms in this account", () => {
      template.hasResourceProperties("AWS::SNS::TopicPolicy", {
        Topics: [{ Ref: ids.ops }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: "AllowThisDeploymentsAlarmsToPublish",
              Effect: "Allow",
              Principal: { Service: "cloudwatch.amazonaws.com" },
              Action: "sns:Publish",
              Resource: { Ref: ids.ops },
              Condition: {
                StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
                ArnLike: { "aws:SourceArn": Match.anyValue() },
              },
            },
          ]),
        },
      });
    });

    it("lets CloudWatch use the key in the form AWS documents, with no condition its request may lack", () => {
      expect(renderDeep(keyStatement("AllowCloudWatchAlarmsToPublishToTheOpsTopic"))).toEqual({
        Sid: "AllowCloudWatchAlarmsToPublishToTheOpsTopic",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
      });
    });
  });

  describe("silences table", () => {
    it("is keyed by id, expires by expiresAt, encrypted with the key", () => {
      expect(resource(template, "AWS::DynamoDB::Table", ids.silences).Properties).toMatchObject({
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: "KMS",
          KMSMasterKeyId: { "Fn::GetAtt": [ids.key, "Arn"] },
        },
      });
    });
  });

  describe("notify function", () => {
    it("gets its environment from the topics, tables, bus and configuration", () => {
      expect(resource(template, "AWS::Lambda::Function", ids.fn).Properties.Environment.Variables).toEqual({
        PAGE_TOPIC_ARN: { Ref: ids.page },
        NOTIFY_TOPIC_ARN: { Ref: ids.notify },
        EVENT_BUS_NAME: { Ref: ids.bus },
        SILENCES_TABLE: { Ref: ids.silences },
        REGISTRY_TABLE: { Ref: ids.registry },
        REGISTRY_CACHE_TTL_MS: String(built.config.ingest.registryCacheTtlSeconds * 1000),
        STACK_NAME: "plantwatch-test",
        PLANT_TIME_ZONE: "Europe/Berlin",
        CONSOLE_URL: "https://plantwatch.example.com/",
        POWERTOOLS_SERVICE_NAME: "notify",
        POWERTOOLS_METRICS_NAMESPACE: built.config.metricsNamespace,
        NODE_OPTIONS: "--enable-source-maps",
      });
    });

    it("may do exactly what notify needs, each action on its one resource", () => {
      const role = resource(template, "AWS::Lambda::Function", ids.fn).Properties.Role["Fn::GetAtt"][0];
      const logGroup = logicalIdOf(built.stack.notify.function.logGroup);
      expect(readable(roleStatements(template, role))).toEqual([
        {
          sid: "WriteOwnLogGroup",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`<${logGroup}.Arn>`],
        },
        {
          sid: "PublishToAlarmTopics",
          actions: ["sns:Publish"],
          resources: [`<${ids.page}>`, `<${ids.notify}>`],
        },
        {
          sid: "PublishAlarmNotifications",
          actions: ["events:PutEvents"],
          resources: [`<${ids.bus}.Arn>`],
          condition: { StringEquals: { "events:source": ALARM_EVENT_SOURCE } },
        },
        {
          sid: "ReadSilences",
          actions: ["dynamodb:GetItem", "dynamodb:Scan"],
          resources: [`<${ids.silences}.Arn>`],
        },
        { sid: "ReadDevices", actions: ["dynamodb:GetItem"], resources: [`<${ids.registry}.Arn>`] },
        {
          sid: "SendFailedEventsToDeadLetterQueue",
          actions: ["sqs:SendMessage"],
          resources: [`<${ids.queue}.Arn>`],
        },
        {
          sid: "UseDeploymentKeyThroughItsStores",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: [`<${ids.key}.Arn>`],
          condition: {
            StringEquals: {
              "kms:ViaService": [
                `dynamodb.${REGION}.amazonaws.com`,
                `sns.${REGION}.amazonaws.com`,
                `sqs.${REGION}.amazonaws.com`,
              ],
            },
          },
        },
      ]);
    });

    it("retries failed runs twice within 6 hours, then sends them to the dead-letter queue", () => {
      template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
        FunctionName: { Ref: ids.fn },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3600,
        DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [ids.queue, "Arn"] } } },
      });
    });

    it("is invoked by a rule on the alarm bus, which only EventBridge, for that rule, may use", () => {
      const rule = resource(template, "AWS::Events::Rule", logicalIdOf(built.stack.notify.rule))
        .Properties as Rule;
      expect(rule).toMatchObject({ EventBusName: { Ref: ids.bus } });
      expect(rule.Targets).toEqual([expect.objectContaining({ Arn: { "Fn::GetAtt": [ids.fn, "Arn"] } })]);
      template.hasResourceProperties("AWS::Lambda::Permission", {
        FunctionName: { "Fn::GetAtt": [ids.fn, "Arn"] },
        Principal: "events.amazonaws.com",
        SourceArn: { "Fn::GetAtt": [logicalIdOf(built.stack.notify.rule), "Arn"] },
      });
    });

    it("receives every state change and reminder the engine publishes", () => {
      const pattern = (
        resource(template, "AWS::Events::Rule", logicalIdOf(built.stack.notify.rule)).Properties as Rule
      ).EventPattern;
      expect(publishedSamples.map(({ name }) => name)).toEqual(
        expect.arrayContaining([
          "threshold-raised",
          "acknowledged",
          "offline-raised",
          "repeat-reminder",
          "escalated",
        ]),
      );
      expect(publishedSamples.some(({ event }) => event["detail-type"] === ALARM_REMINDER_DETAIL_TYPE)).toBe(
        true,
      );
      for (const { name, event } of publishedSamples) {
        expect({ name, matches: matchesPattern(pattern, event) }).toEqual({ name, matches: true });
      }
    });

    it("does not receive other sources, other detail-types or its own notifications", () => {
      const pattern = (
        resource(template, "AWS::Events::Rule", logicalIdOf(built.stack.notify.rule)).Properties as Rule
      ).EventPattern;
      const detail = ALARM_EVENTS["threshold-raised"]();
      expect(matchesPattern(pattern, envelope(ALARM_EVENT_DETAIL_TYPE, detail, "acme.plantwatch"))).toBe(
        false,
      );
      expect(matchesPattern(pattern, envelope("Alarm State Changed", detail))).toBe(false);
      expect(matchesPattern(pattern, notification("critical"))).toBe(false);
    });
  });

  describe("webhooks", () => {
    /** Connections and destinations are found by their description: their L2s have no default child. */
    const describedAs = (type: string, name: string) => {
      const found = Object.entries(template.findResources(type)).filter(([, { Properties }]) =>
        String(Properties.Description).startsWith(`plantwatch webhook ${name} (`),
      );
      if (found.length !== 1)
        throw new Error(`expected one ${type} for webhook ${name}, found ${found.length}`);
      return found[0] as [string, { Properties: Record<string, unknown> }];
    };
    // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON
    const connection = (name: string): any => describedAs("AWS::Events::Connection", name)[1].Properties;
    const webhook = (name: string) => {
      const found = built.stack.webhooks.find((candidate) => candidate.node.id === `Webhook-${name}`);
      if (!found) throw new Error(`no webhook ${name}`);
      return found;
    };
    const ruleOf = (name: string) =>
      resource(template, "AWS::Events::Rule", logicalIdOf(webhook(name).rule)).Properties as Rule;
    const dynamicReference = (name: string, field = "") =>
      `{{resolve:secretsmanager:${secretArn(name)}:SecretString:${field}::}}`;

    it("reads every credential from Secrets Manager through a dynamic reference, never from the template", () => {
      expect(json).toContain("{{resolve:secretsmanager:");
      expect(connection("slack-ops").AuthParameters).toEqual({
        ApiKeyAuthParameters: { ApiKeyName: "Authorization", ApiKeyValue: dynamicReference("slack") },
        InvocationHttpParameters: {
          BodyParameters: [{ Key: "channel", Value: "#plant-alarms", IsValueSecret: false }],
        },
      });
      expect(connection("teams").AuthParameters).toEqual({
        ApiKeyAuthParameters: { ApiKeyName: "X-Plantwatch-Sender", ApiKeyValue: "plantwatch" },
        InvocationHttpParameters: {
          QueryStringParameters: [
            { Key: "api-version", Value: "2016-06-01", IsValueSecret: false },
            { Key: "sp", Value: "/triggers/manual/run", IsValueSecret: false },
            { Key: "sv", Value: "1.0", IsValueSecret: false },
            { Key: "sig", Value: dynamicReference("teams", "sig"), IsValueSecret: true },
          ],
        },
      });
      expect(connection("pd").AuthParameters).toEqual({
        ApiKeyAuthParameters: { ApiKeyName: "X-Plantwatch-Sender", ApiKeyValue: "plantwatch" },
        InvocationHttpParameters: {
          BodyParameters: [
            { Key: "routing_key", Value: dynamicReference("pd", "routingKey"), IsValueSecret: true },
          ],
        },
      });
      expect(connection("hook").AuthParameters).toEqual({
        ApiKeyAuthParameters: { ApiKeyName: "X-Api-Key", ApiKeyValue: dynamicReference("hook") },
      });
    });

    it("keeps no secret anywhere else: every secret-marked value is a dynamic reference", () => {
      for (const { Properties } of Object.values(template.findResources("AWS::Events::Connection"))) {
        const parameters = Object.values(Properties.AuthParameters.InvocationHttpParameters ?? {}).flat() as {
          Value: string;
          IsValueSecret: boolean;
        }[];
        for (const parameter of parameters.filter(({ IsValueSecret }) => IsValueSecret)) {
          expect(parameter.Value).toMatch(/^\{\{resolve:secretsmanager:arn:aws:secretsmanager:[^}]+\}\}$/);
        }
      }
    });

    it("sends to each vendor's endpoint at the configured rate (Teams without its query string)", () => {
      const destinations = Object.values(template.findResources("AWS::Events::ApiDestination")).map(
        ({ Properties }) => [
          Properties.InvocationEndpoint,
          Properties.HttpMethod,
          Properties.InvocationRateLimitPerSecond,
        ],
      );
      expect(destinations).toEqual([
        ["https://slack.com/api/chat.postMessage", "POST", 1],
        ["https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke", "POST", 1],
        ["https://events.pagerduty.com/v2/enqueue", "POST", 2],
        ["https://hooks.example.com/plantwatch", "POST", 10],
      ]);
    });

    it("names each rule <stackName>-webhook-<name> and sends the payload of its format", () => {
      for (const [name, format] of [
        ["slack-ops", "slack"],
        ["teams", "teams"],
        ["pd", "pagerduty"],
        ["hook", "json"],
      ] as const) {
        const rule = ruleOf(name);
        expect(rule.Name).toBe(webhookRuleName("plantwatch-test", name));
        expect(rule.Targets).toEqual([
          expect.objectContaining({
            Arn: { "Fn::GetAtt": [describedAs("AWS::Events::ApiDestination", name)[0], "Arn"] },
            InputPath: `$.detail.payloads.${format}`,
          }),
        ]);
      }
    });

    it("lets only EventBridge, for the webhook's own rule in this account, assume the role that sends to it", () => {
      for (const name of ["slack-ops", "teams", "pd", "hook"]) {
        const rule = ruleOf(name) as Rule & { EventBusName: unknown };
        const [target] = rule.Targets as [{ RoleArn: { "Fn::GetAtt": [string, string] } }];
        const roleId = target.RoleArn["Fn::GetAtt"][0];
        expect(rule.EventBusName).toEqual({ Ref: ids.bus });
        expect(
          renderDeep(resource(template, "AWS::IAM::Role", roleId).Properties.AssumeRolePolicyDocument),
        ).toEqual({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: {
                StringEquals: { "aws:SourceAccount": ACCOUNT },
                ArnEquals: {
                  "aws:SourceArn": `arn:<AWS::Partition>:events:${REGION}:${ACCOUNT}:rule/<${ids.bus}>/${rule.Name}`,
                },
              },
            },
          ],
        });
        expect(readable(roleStatements(template, roleId))).toEqual([
          {
            sid: undefined,
            actions: ["events:InvokeApiDestination"],
            resources: [`<${describedAs("AWS::Events::ApiDestination", name)[0]}.Arn>`],
          },
        ]);
      }
    });

    it("matches notifications of its severities, first sent or replayed to it", () => {
      const slack = ruleOf("slack-ops").EventPattern;
      expect(matchesPattern(slack, notification("critical"))).toBe(true);
      expect(matchesPattern(slack, notification("major"))).toBe(true);
      expect(matchesPattern(slack, notification("major", "plantwatch-test-webhook-slack-ops"))).toBe(true);
      const hook = ruleOf("hook").EventPattern;
      expect(matchesPattern(hook, notification("info"))).toBe(true);
    });

    it("does not match other severities, replays to another rule, alarm events or other sources", () => {
      const slack = ruleOf("slack-ops").EventPattern;
      expect(matchesPattern(slack, notification("minor"))).toBe(false);
      expect(matchesPattern(slack, notification("critical", "plantwatch-test-webhook-teams"))).toBe(false);
      for (const { event } of publishedSamples) expect(matchesPattern(slack, event)).toBe(false);
      const foreign = { ...notification("critical"), source: "acme" };
      expect(matchesPattern(slack, foreign)).toBe(false);
      expect(matchesPattern(ruleOf("hook").EventPattern, notification("critical"))).toBe(false);
    });
  });

  describe("delivery guarantees", () => {
    it("gives every EventBridge rule target the dead-letter queue and a retry policy", () => {
      const rules = Object.values(template.findResources("AWS::Events::Rule"));
      expect(rules).toHaveLength(5);
      for (const { Properties } of rules) {
        for (const target of (Properties as Rule).Targets) {
          expect(target).toMatchObject({
            DeadLetterConfig: { Arn: { "Fn::GetAtt": [ids.queue, "Arn"] } },
            RetryPolicy: {
              MaximumRetryAttempts: expect.any(Number),
              MaximumEventAgeInSeconds: expect.any(Number),
            },
          });
        }
      }
    });

    it("lets EventBridge send to the queue only for these rules, and encrypt for it only through SQS", () => {
      const rules = Object.values(built.stack.webhooks)
        .map((webhook) => logicalIdOf(webhook.rule))
        .concat(logicalIdOf(built.stack.notify.rule));
      const [queuePolicy] = Object.values(template.findResources("AWS::SQS::QueuePolicy"));
      if (!queuePolicy) throw new Error("the dead-letter queue has no policy");
      const allowed = (
        queuePolicy.Properties.PolicyDocument.Statement as (Statement & { Principal?: unknown })[]
      )
        .filter(
          (statement) =>
            statement.Effect === "Allow" && statement.Sid !== "AllowTheAlarmBusToParkEventsItCannotProcess",
        )
        .map((statement) => {
          expect(statement).toMatchObject({
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
          });
          return (renderDeep(statement.Condition) as { ArnEquals: { "aws:SourceArn": string } }).ArnEquals[
            "aws:SourceArn"
          ];
        });
      expect(allowed.sort()).toEqual(rules.map((rule) => `<${rule}.Arn>`).sort());
      expect(renderDeep(keyStatement("AllowEventBridgeToSendToTheDeadLetterQueue"))).toEqual({
        Sid: "AllowEventBridgeToSendToTheDeadLetterQueue",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: {
          ArnLike: { "kms:EncryptionContext:aws:sqs:arn": `arn:<AWS::Partition>:sqs:${REGION}:${ACCOUNT}:*` },
        },
      });
    });
  });

  it("gives the KMS-encrypted alarm bus the dead-letter queue, so a key error parks events instead of dropping them", () => {
    const [bus] = Object.values(template.findResources("AWS::Events::EventBus"));
    expect(bus?.Properties.DeadLetterConfig).toEqual({ Arn: { "Fn::GetAtt": [ids.queue, "Arn"] } });
    const [queuePolicy] = Object.values(template.findResources("AWS::SQS::QueuePolicy"));
    const statement = ((queuePolicy?.Properties.PolicyDocument.Statement ?? []) as Statement[]).find(
      (candidate) => candidate.Sid === "AllowTheAlarmBusToParkEventsItCannotProcess",
    );
    expect(renderDeep(statement)).toEqual({
      Sid: "AllowTheAlarmBusToParkEventsItCannotProcess",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: `<${ids.queue}.Arn>`,
      Condition: {
        ArnEquals: {
          "aws:SourceArn": `arn:<AWS::Partition>:events:${REGION}:${ACCOUNT}:event-bus/${built.config.alarms.eventBusName}`,
        },
      },
    });
  });

  describe("who may send to the dead-letter queue", () => {
    /** What `dlq replay` trusts: the roles that send failures, by logical id. */
    const senderRoles = () =>
      [
        built.stack.ingest.function.executionRole,
        built.stack.evaluate.function.executionRole,
        built.stack.sweep.function.executionRole,
        built.stack.notify.function.executionRole,
        built.stack.telemetryRule.errorActionRole,
        built.stack.lifecycleRule.errorActionRole,
        built.stack.sweepSchedule.role,
      ].map(logicalIdOf);

    it("denies every IAM caller but the stack's sender roles, so nobody else can plant a dead letter", () => {
      const [queuePolicy] = Object.values(template.findResources("AWS::SQS::QueuePolicy"));
      const deny = ((queuePolicy?.Properties.PolicyDocument.Statement ?? []) as Statement[]).find(
        (statement) => statement.Effect === "Deny" && statement.Sid === "OnlyThisStacksSendersMaySend",
      );

      expect(renderDeep(deny)).toEqual({
        Sid: "OnlyThisStacksSendersMaySend",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: "sqs:SendMessage",
        Resource: `<${ids.queue}.Arn>`,
        Condition: {
          BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
          ArnNotLikeIfExists: { "aws:PrincipalArn": senderRoles().map((role) => `<${role}.Arn>`) },
        },
      });
      // Every role the template lets send to the queue is among them.
      const sending = Object.entries(template.findResources("AWS::IAM::Policy")).flatMap(([, policy]) =>
        (policy.Properties.PolicyDocument.Statement as Statement[]).some(
          (statement) =>
            [statement.Action].flat().includes("sqs:SendMessage") &&
            JSON.stringify(statement.Resource).includes(ids.queue),
        )
          ? (policy.Properties.Roles as { Ref: string }[]).map((role) => role.Ref)
          : [],
      );
      expect(new Set(sending)).toEqual(new Set(senderRoles()));
    });

    it("publishes the sender roles' unique ids for `dlq replay` to check each message's SenderId", () => {
      expect(template.toJSON().Outputs[STACK_OUTPUTS.deadLetterSenderIds.key].Value).toEqual({
        "Fn::Join": [",", senderRoles().map((role) => ({ "Fn::GetAtt": [role, "RoleId"] }))],
      });
    });
  });

  describe("ops alarms", () => {
    const alarms = () =>
      Object.values(template.findResources("AWS::CloudWatch::Alarm")).map(({ Properties }) => Properties);

    it("alarms to the ops topic as soon as anything waits in the dead-letter queue", () => {
      expect(alarms()).toContainEqual(
        expect.objectContaining({
          AlarmName: "plantwatch-test-dead-letters",
          Namespace: "AWS/SQS",
          MetricName: "ApproximateNumberOfMessagesVisible",
          Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [ids.queue, "QueueName"] } }],
          ComparisonOperator: "GreaterThanThreshold",
          Threshold: 0,
          AlarmActions: [{ Ref: ids.ops }],
          OKActions: [{ Ref: ids.ops }],
        }),
      );
    });

    it("alarms on errors of every function and failures of both IoT rules, all to the ops topic", () => {
      const { stack } = built;
      const functions = [stack.ingest, stack.evaluate, stack.sweep, stack.notify, stack.apiFunction].map(
        (owner) => logicalIdOf(owner.function),
      );
      const errors = alarms().filter((alarm) => alarm.MetricName === "Errors");
      expect(errors.map((alarm) => alarm.Dimensions[0].Value.Ref).sort()).toEqual([...functions].sort());
      const ruleFailures = alarms().filter((alarm) => alarm.Namespace === "AWS/IoT");
      expect(ruleFailures.map((alarm) => alarm.Dimensions)).toEqual([
        [{ Name: "RuleName", Value: stack.telemetryRule.ruleName }],
        [{ Name: "RuleName", Value: stack.lifecycleRule.ruleName }],
      ]);
      for (const alarm of alarms()) {
        expect(alarm.AlarmActions).toEqual([{ Ref: ids.ops }]);
        // The key policy admits CloudWatch only for alarms named with this prefix.
        expect(alarm.AlarmName).toMatch(/^plantwatch-test-/);
      }
    });
  });

  it("publishes the topic ARNs, the silences table and the notify function", () => {
    template.hasOutput(STACK_OUTPUTS.pageTopicArn.key, { Value: { Ref: ids.page } });
    template.hasOutput(STACK_OUTPUTS.notifyTopicArn.key, { Value: { Ref: ids.notify } });
    template.hasOutput(STACK_OUTPUTS.opsTopicArn.key, { Value: { Ref: ids.ops } });
    template.hasOutput(STACK_OUTPUTS.silencesTable.key, { Value: { Ref: ids.silences } });
    template.hasOutput(STACK_OUTPUTS.notifyFunction.key, { Value: { Ref: ids.fn } });
  });
});

describe("notifications infrastructure without webhooks, subscribers or console", () => {
  it("creates no connection, destination or subscription, and no webhook rule", () => {
    const built = buildApp({
      context: cdkJsonContext(),
      outdir: tempOutdir("notifications-bare"),
      // Without the hosted console there is no default link either (its own test: PlantwatchStack.console).
      overrides: { console: { enabled: false } },
      nag: false,
    });
    const template = Template.fromStack(built.stack);
    template.resourceCountIs("AWS::Events::Connection", 0);
    template.resourceCountIs("AWS::Events::ApiDestination", 0);
    template.resourceCountIs("AWS::SNS::Subscription", 0);
    template.resourceCountIs("AWS::Events::Rule", 1);
    expect(
      resource(template, "AWS::Lambda::Function", logicalIdOf(built.stack.notify.function)).Properties
        .Environment.Variables,
    ).not.toHaveProperty("CONSOLE_URL");
  });
});
