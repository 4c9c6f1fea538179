import { CfnOutput, Duration, Lazy, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import type * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import {
  LIFECYCLE_RULE_SQL,
  LIFECYCLE_STREAM_RULE_SQL,
  LIFECYCLE_TOPIC_FILTER,
  lifecycleRuleName,
} from "../../shared/contracts/lifecycleRule.ts";
import { SHARD_CHECKPOINT_PREFIX } from "../../shared/contracts/storageLayout.ts";
import { telemetryPartitionKey } from "../../shared/contracts/streamRecord.ts";
import { TABLES, type TableSchema } from "../../shared/contracts/tables.ts";
import {
  TELEMETRY_RULE_SQL_VERSION,
  telemetryRuleName,
  telemetryRuleSql,
} from "../../shared/contracts/telemetryRule.ts";
import { telemetryTopic } from "../../shared/contracts/telemetryTopic.ts";
import { defaultSignInStackPart, machineModelsOf, type PlantwatchConfig } from "../config.ts";
import { AccessLogBucket } from "../constructs/AccessLogBucket.ts";
import { AlarmEventBus } from "../constructs/AlarmEventBus.ts";
import { AlarmFunction } from "../constructs/AlarmFunction.ts";
import { ApiFunction } from "../constructs/ApiFunction.ts";
import { ConsoleHosting } from "../constructs/ConsoleHosting.ts";
import { CONSOLE_SCOPES, ConsoleSignIn, managedLoginUrl } from "../constructs/ConsoleSignIn.ts";
import { DeadLetterQueue } from "../constructs/DeadLetterQueue.ts";
import { DevicePolicy } from "../constructs/DevicePolicy.ts";
import { DurableTable } from "../constructs/DurableTable.ts";
import { EncryptionKey } from "../constructs/EncryptionKey.ts";
import { FunctionSchedule } from "../constructs/FunctionSchedule.ts";
import { InfluxSeriesStore } from "../constructs/InfluxSeriesStore.ts";
import { IngestFunction } from "../constructs/IngestFunction.ts";
import { NotificationTopics } from "../constructs/NotificationTopics.ts";
import { NotifyFunction } from "../constructs/NotifyFunction.ts";
import { OperatorAccessPolicies } from "../constructs/OperatorAccessPolicies.ts";
import { OperatorApi } from "../constructs/OperatorApi.ts";
import { OperatorDirectory } from "../constructs/OperatorDirectory.ts";
import { OpsAlarms } from "../constructs/OpsAlarms.ts";
import { OpsDashboard } from "../constructs/OpsDashboard.ts";
import { QuarantineBucket } from "../constructs/QuarantineBucket.ts";
import type { SeriesStoreBinding } from "../constructs/SeriesStoreBinding.ts";
import { TelemetryStore } from "../constructs/TelemetryStore.ts";
import { streamConsumerOptions, TelemetryStream } from "../constructs/TelemetryStream.ts";
import { TopicRule } from "../constructs/TopicRule.ts";
import { WebhookDestination } from "../constructs/WebhookDestination.ts";
import { STACK_OUTPUTS, type StackOutputName, stackOutputsOf } from "../stackOutputs.ts";

/** How far behind the stream consumers may fall before the ops topic hears of it. */
const STREAM_MAX_ITERATOR_AGE = Duration.minutes(5);

/**
 * Stream mode: the lifecycle rule's partition key, an IoT substitution template. The client id is the
 * thing name (the device policy allows no other), so a thing's presence events share the shard, and
 * the order, of its telemetry.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT substitution template
const LIFECYCLE_PARTITION_KEY = "${clientId}";

export interface PlantwatchStackProps extends StackProps {
  readonly config: PlantwatchConfig;
}

/**
 * One deployment of plantwatch. Stateful stores first (each honouring `removalPolicy`, retained by
 * default), then the stateless paths that use them: telemetry (rule -> ingest -> Timestream), alarms
 * (telemetry and lifecycle rules, and a schedule -> evaluate / sweep -> alarm bus), notifications
 * (alarm bus -> notify -> SNS topics, and back to the bus -> webhooks), the operator API and its
 * hosted console, and the deployment's own alarms (-> ops topic) and dashboard.
 */
export class PlantwatchStack extends Stack {
  readonly encryptionKey: EncryptionKey;
  readonly accessLogs: AccessLogBucket;
  readonly quarantine: QuarantineBucket;
  /** The series store the functions write and read, whichever is configured. */
  readonly seriesStore: SeriesStoreBinding;
  /** `series.store: "liveanalytics"` only. */
  readonly telemetryStore?: TelemetryStore;
  /** `series.store: "influxdb"` only. */
  readonly influxStore?: InfluxSeriesStore;
  readonly registry: DurableTable;
  readonly rules: DurableTable;
  readonly alarms: DurableTable;
  readonly history: DurableTable;
  readonly alarmEvents: AlarmEventBus;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly devicePolicy: DevicePolicy;
  readonly ingest: IngestFunction;
  readonly evaluate: AlarmFunction;
  readonly sweep: AlarmFunction;
  /** Stream mode only: what the telemetry rule writes and the ingest and evaluate functions read. */
  readonly telemetryStream?: TelemetryStream;
  readonly telemetryRule: TopicRule;
  readonly lifecycleRule: TopicRule;
  readonly sweepSchedule: FunctionSchedule;
  readonly silences: DurableTable;
  readonly topics: NotificationTopics;
  readonly notify: NotifyFunction;
  readonly webhooks: readonly WebhookDestination[];
  readonly apiFunction: ApiFunction;
  readonly operatorApi: OperatorApi;
  readonly operatorAccess: OperatorAccessPolicies;
  readonly opsAlarms: OpsAlarms;
  readonly opsDashboard: OpsDashboard;
  /** `console.enabled` only: the dashboard on CloudFront, and operators' sign-in. */
  readonly consoleHosting?: ConsoleHosting;
  readonly consoleSignIn?: ConsoleSignIn;
  readonly operatorDirectory?: OperatorDirectory;

  constructor(scope: Construct, id: string, props: PlantwatchStackProps) {
    super(scope, id, { stackName: props.config.stackName, ...props });
    const { config } = props;
    const removalPolicy = config.removalPolicy === "destroy" ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const topic = telemetryTopic(config.topicRoot);
    const { memoryRetentionHours, magneticRetentionDays } = config.timestream;
    const influx = config.series.influxdb;
    // Samples older than the store keeps are quarantined by ingest, and so never evaluated either.
    const maxSampleAge =
      config.series.store === "influxdb"
        ? Duration.days(influx.retentionDays)
        : Duration.hours(memoryRetentionHours).plus(Duration.days(magneticRetentionDays));
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const streamMode = config.ingestion.mode === "stream";

    // Stateful: keys, stores, queue, and the policy device certificates are attached to.
    this.encryptionKey = new EncryptionKey(this, "EncryptionKey", {
      description: `plantwatch ${config.stackName}: telemetry, tables, alarm events, quarantine, dead letters, logs`,
      removalPolicy,
    });
    const key = this.encryptionKey.key;
    this.accessLogs = new AccessLogBucket(this, "AccessLogs", { removalPolicy });
    this.quarantine = new QuarantineBucket(this, "Quarantine", {
      encryptionKey: key,
      accessLogBucket: this.accessLogs.bucket,
      removalPolicy,
      ...(streamMode && { shardCheckpointPrefix: SHARD_CHECKPOINT_PREFIX }),
    });
    if (config.series.store === "influxdb") {
      this.influxStore = new InfluxSeriesStore(this, "InfluxStore", {
        instanceName: config.stackName,
        instanceClass: influx.instanceClass,
        storageGiB: influx.storageGiB,
        storageType: influx.storageType,
        deployment: influx.deployment,
        retention: Duration.days(influx.retentionDays),
        existingVpc: influx.vpc,
        logBucket: this.accessLogs.bucket,
        encryptionKey: key,
        metricsNamespace: config.metricsNamespace,
        logRetention,
        removalPolicy,
        alarmActionsVia: config.ingestion.mode === "stream" ? "kinesis" : "eventbridge",
      });
      this.seriesStore = this.influxStore;
    } else {
      this.telemetryStore = new TelemetryStore(this, "TelemetryStore", {
        encryptionKey: key,
        memoryRetentionHours,
        magneticRetentionDays,
        rejectedDataBucket: this.quarantine.bucket,
        rejectedDataPrefix: QuarantineBucket.TIMESTREAM_REJECTED_PREFIX,
        removalPolicy,
      });
      this.seriesStore = this.telemetryStore;
    }
    const table = (id: string, schema: TableSchema) =>
      new DurableTable(this, id, { ...schema, encryptionKey: key, removalPolicy });
    this.registry = table("DeviceRegistry", TABLES.registry);
    this.rules = table("AlarmRules", TABLES.rules);
    this.alarms = table("AlarmState", TABLES.alarms);
    this.history = table("AlarmHistory", TABLES.history);
    this.deadLetterQueue = new DeadLetterQueue(this, "DeadLetterQueue", {
      encryptionKey: key,
      removalPolicy,
    });
    // EventBridge parks undeliverable events itself: the bus's own and every rule target's.
    this.deadLetterQueue.acceptFromEventBridge();
    this.alarmEvents = new AlarmEventBus(this, "AlarmEvents", {
      eventBusName: config.alarms.eventBusName,
      encryptionKey: key,
      deadLetterQueue: this.deadLetterQueue.queue,
    });
    this.silences = table("Silences", TABLES.silences);
    this.topics = new NotificationTopics(this, "Topics", {
      encryptionKey: key,
      page: config.alarms.notify.page,
      notify: config.alarms.notify.notify,
      ops: config.alarms.notify.ops,
      opsAlarmNamePrefix: config.stackName,
    });

    // Stateless: the functions. Ingest stores telemetry; evaluate and sweep keep the alarm state.
    this.ingest = new IngestFunction(this, "Ingest", {
      seriesStore: this.seriesStore,
      registryTable: this.registry.table,
      quarantineBucket: this.quarantine.bucket,
      deadLetterQueue: this.deadLetterQueue.queue,
      encryptionKey: key,
      clockSkewSeconds: config.ingest.clockSkewSeconds,
      maxSampleAge,
      // Stream mode: the alarm consumer keeps each thing's last report (the API's lastSeen).
      lastSeenIntervalSeconds:
        config.ingestion.mode === "stream" ? undefined : config.ingest.lastSeenIntervalSeconds,
      registryCacheTtlSeconds: config.ingest.registryCacheTtlSeconds,
      metricsNamespace: config.metricsNamespace,
      logRetention,
      logRemovalPolicy: removalPolicy,
    });
    const alarmFunctionProps = {
      alarmsTable: this.alarms.table,
      historyTable: this.history.table,
      rulesTable: this.rules.table,
      registryTable: this.registry.table,
      eventBus: this.alarmEvents.bus,
      deadLetterQueue: this.deadLetterQueue.queue,
      encryptionKey: key,
      historyRetention: Duration.days(config.alarms.historyRetentionDays),
      rulesRefresh: Duration.seconds(config.alarms.rulesRefreshSeconds),
      registryCacheTtl: Duration.seconds(config.ingest.registryCacheTtlSeconds),
      metricsNamespace: config.metricsNamespace,
      logRetention,
      logRemovalPolicy: removalPolicy,
    };
    this.evaluate = AlarmFunction.evaluate(this, "Evaluate", {
      ...alarmFunctionProps,
      clockSkewSeconds: config.ingest.clockSkewSeconds,
      maxSampleAge,
      // Stream mode: the consumer keeps alarm state in memory and checkpoints it per shard.
      ...(streamMode && { shardCheckpointBucket: this.quarantine.bucket }),
    });
    this.sweep = AlarmFunction.sweep(this, "Sweep", {
      ...alarmFunctionProps,
      reservedConcurrency: config.alarms.sweep.reservedConcurrency,
    });

    // Stateless: what invokes them. Both IoT rules are written in the same SQL version.
    const ruleProps = {
      sqlVersion: TELEMETRY_RULE_SQL_VERSION,
      deadLetterQueue: this.deadLetterQueue.queue,
      deadLetterQueueKey: key,
    };
    const telemetryRule = {
      ...ruleProps,
      ruleName: telemetryRuleName(config.stackName),
      sql: telemetryRuleSql(topic),
    };
    if (streamMode) {
      // One stream, two consumers: each reads at its own pace, so storing and alarming stay
      // independent as in direct mode, in batches, and each thing's messages in order.
      const { stream: settings } = config.ingestion;
      this.telemetryStream = new TelemetryStream(this, "TelemetryStream", {
        encryptionKey: key,
        capacity: settings.capacity,
        ...(settings.shards === undefined ? {} : { shards: settings.shards }),
        retention: Duration.hours(settings.retentionHours),
        deadLetterQueue: this.deadLetterQueue.queue,
        removalPolicy,
      });
      const consumer = streamConsumerOptions(settings);
      this.telemetryStream.addConsumer("IngestMapping", this.ingest.function, consumer);
      this.telemetryStream.addConsumer("EvaluateMapping", this.evaluate.function, consumer);
      // Every input of the alarm engine travels on the stream, so the thing's one consumer sees them
      // in one order: the sweep's ticks too, as do the lifecycle rule's presence events (below) and
      // the API's operator actions.
      this.telemetryStream.addProducer(this.sweep.function);
      this.telemetryRule = new TopicRule(this, "TelemetryRule", {
        ...telemetryRule,
        description: `C1 telemetry from ${topic.filter} (and its Basic Ingest topic) to the telemetry stream, one partition per thing`,
        functions: {},
        stream: { target: this.telemetryStream, partitionKey: telemetryPartitionKey(topic) },
      });
    } else {
      // Two actions on one rule keep storing and alarming independent: a Timestream throttle never
      // delays an alarm.
      this.telemetryRule = new TopicRule(this, "TelemetryRule", {
        ...telemetryRule,
        description: `C1 telemetry from ${topic.filter} (and its Basic Ingest topic) to the ingest and evaluate functions`,
        functions: { InvokeIngest: this.ingest.function, InvokeEvaluate: this.evaluate.function },
      });
    }
    const lifecycleRule = { ...ruleProps, ruleName: lifecycleRuleName(config.stackName) };
    this.lifecycleRule = this.telemetryStream
      ? new TopicRule(this, "LifecycleRule", {
          ...lifecycleRule,
          description: `C1 connectivity events from ${LIFECYCLE_TOPIC_FILTER} to the telemetry stream as control records, one partition per thing`,
          sql: LIFECYCLE_STREAM_RULE_SQL,
          functions: {},
          stream: { target: this.telemetryStream, partitionKey: LIFECYCLE_PARTITION_KEY },
        })
      : new TopicRule(this, "LifecycleRule", {
          ...lifecycleRule,
          description: `C1 connectivity events from ${LIFECYCLE_TOPIC_FILTER} to the evaluate function`,
          sql: LIFECYCLE_RULE_SQL,
          functions: { InvokeEvaluate: this.evaluate.function },
        });
    this.sweepSchedule = new FunctionSchedule(this, "SweepSchedule", {
      scheduleName: "sweep",
      description: "plantwatch sweep: offline alarms, snooze expiry, unpublished alarm events",
      expression: "rate(1 minute)",
      target: this.sweep.function,
      deadLetterQueue: this.deadLetterQueue.queue,
      encryptionKey: key,
      // A missed occurrence is worth little: the next one comes a minute later.
      retryAttempts: 2,
      maxEventAge: Duration.minutes(2),
    });

    // Stateless: notifications. Notify routes alarm events to the topics and puts one formatted
    // notification back on the bus, which each webhook's rule picks up.
    const registryCacheTtl = Duration.seconds(config.ingest.registryCacheTtlSeconds);
    this.notify = new NotifyFunction(this, "Notify", {
      eventBus: this.alarmEvents.bus,
      pageTopic: this.topics.page,
      notifyTopic: this.topics.notify,
      silencesTable: this.silences.table,
      registryTable: this.registry.table,
      deadLetterQueue: this.deadLetterQueue.queue,
      encryptionKey: key,
      registryCacheTtl,
      stackName: config.stackName,
      timeZone: config.alarms.notify.timeZone,
      // The hosted console's URL is known once it is built (below).
      consoleUrl:
        config.alarms.notify.consoleUrl ??
        (config.console.enabled ? Lazy.string({ produce: () => this.consoleHosting?.url }) : undefined),
      metricsNamespace: config.metricsNamespace,
      logRetention,
      logRemovalPolicy: removalPolicy,
    });
    this.webhooks = config.alarms.notify.webhooks.map(
      (webhook) =>
        new WebhookDestination(this, `Webhook-${webhook.name}`, {
          webhook,
          stackName: config.stackName,
          eventBus: this.alarmEvents.bus,
          deadLetterQueue: this.deadLetterQueue.queue,
        }),
    );

    // Stateless: the operator API (C7).
    const machineModels = machineModelsOf(config);
    this.apiFunction = new ApiFunction(this, "ApiHandler", {
      registryTable: this.registry.table,
      alarmsTable: this.alarms.table,
      historyTable: this.history.table,
      rulesTable: this.rules.table,
      silencesTable: this.silences.table,
      seriesStore: this.seriesStore,
      eventBus: this.alarmEvents.bus,
      encryptionKey: key,
      historyRetention: Duration.days(config.alarms.historyRetentionDays),
      rulesRefresh: Duration.seconds(config.alarms.rulesRefreshSeconds),
      registryCacheTtl,
      metricsNamespace: config.metricsNamespace,
      logRetention,
      logRemovalPolicy: removalPolicy,
      plantTimeZone: config.alarms.notify.timeZone,
      ...(machineModels === undefined ? {} : { machineModels }),
    });
    // Stream mode: operator actions go on the stream, for the thing's consumer to apply in order.
    this.telemetryStream?.addProducer(this.apiFunction.function);
    this.operatorApi = new OperatorApi(this, "OperatorApi", {
      handler: this.apiFunction.function,
      throttlingRateLimit: config.api.throttlingRateLimit,
      throttlingBurstLimit: config.api.throttlingBurstLimit,
      encryptionKey: key,
      logRetention,
      logRemovalPolicy: removalPolicy,
    });
    // Every route is IAM-authorised: these say which principal may call which routes.
    this.operatorAccess = new OperatorAccessPolicies(this, "OperatorAccess", {
      api: this.operatorApi,
      stackName: config.stackName,
    });

    // The operator console: the dashboard on CloudFront, and operators signed in with Cognito, whose
    // group's role may call exactly the routes of the group's access policy.
    if (config.console.enabled) {
      const { domainName, certificateArn } = config.console;
      const domainPrefix =
        config.console.signInDomainPrefix ?? `${defaultSignInStackPart(config.stackName)}-${this.account}`;
      this.consoleHosting = new ConsoleHosting(this, "Console", {
        signInUrl: managedLoginUrl(this, domainPrefix),
        region: this.region,
        ...(domainName && certificateArn && { customDomain: { domainName, certificateArn } }),
        accessLogBucket: this.accessLogs.bucket,
        encryptionKey: key,
        logRetention,
        removalPolicy,
      });
      this.operatorApi.allowBrowserOrigin(this.consoleHosting.url);
      this.consoleSignIn = new ConsoleSignIn(this, "ConsoleSignIn", {
        accessPolicies: this.operatorAccess,
        consoleUrl: this.consoleHosting.url,
        localCallback: config.console.localCallback,
        domainPrefix,
        mfa: config.console.mfa,
        removalPolicy,
      });
      // The person behind a console call: the API records them, not the group role's session.
      this.operatorDirectory = new OperatorDirectory(this, "OperatorDirectory", {
        userPool: this.consoleSignIn.userPool,
        encryptionKey: key,
        metricsNamespace: config.metricsNamespace,
        logRetention,
        logRemovalPolicy: removalPolicy,
        removalPolicy,
      });
      this.operatorDirectory.allowLookupBy(this.apiFunction.function);
      this.consoleHosting.publish({
        version: 1,
        apiUrl: this.operatorApi.url,
        region: this.region,
        userPoolId: this.consoleSignIn.userPool.userPoolId,
        userPoolClientId: this.consoleSignIn.client.userPoolClientId,
        identityPoolId: this.consoleSignIn.identityPool.ref,
        signInUrl: this.consoleSignIn.signInUrl,
        scopes: [...CONSOLE_SCOPES],
      });
    }

    this.devicePolicy = new DevicePolicy(this, "DevicePolicy", {
      topic,
      telemetryRuleName: this.telemetryRule.ruleName,
      removalPolicy,
    });

    // The deployment's own health -> ops topic.
    this.opsAlarms = new OpsAlarms(this, "OpsAlarms", {
      alarmNamePrefix: config.stackName,
      opsTopic: this.topics.ops,
      deadLetterQueue: this.deadLetterQueue.queue,
      functions: {
        ingest: this.ingest.function,
        evaluate: this.evaluate.function,
        sweep: this.sweep.function,
        notify: this.notify.function,
        api: this.apiFunction.function,
      },
      topicRules: { telemetry: this.telemetryRule.ruleName, lifecycle: this.lifecycleRule.ruleName },
      ...(this.telemetryStream
        ? { stream: { stream: this.telemetryStream.stream, maxIteratorAge: STREAM_MAX_ITERATOR_AGE } }
        : {}),
    });

    // The same health at a glance. Dashboard names are unique per account, not per region.
    this.opsDashboard = new OpsDashboard(this, "OpsDashboard", {
      dashboardName: `${config.stackName}-ops-${this.region}`,
      pipeline: {
        ingest: this.ingest.function,
        evaluate: this.evaluate.function,
        sweep: this.sweep.function,
        notify: this.notify.function,
      },
      otherFunctions: {
        api: this.apiFunction.function,
        ...(this.influxStore && { "influx-token": this.influxStore.token.function }),
      },
      deadLetterQueue: this.deadLetterQueue.queue,
      eventBus: this.alarmEvents.bus,
      busRules: {
        notify: this.notify.rule,
        ...Object.fromEntries(
          this.webhooks.map((webhook, index) => [
            `webhook ${config.alarms.notify.webhooks[index]?.name}`,
            webhook.rule,
          ]),
        ),
      },
      seriesStore: this.telemetryStore
        ? {
            kind: "liveanalytics",
            databaseName: this.telemetryStore.databaseName,
            tableName: this.telemetryStore.tableName,
          }
        : { kind: "influxdb", instanceName: config.stackName },
      ...(this.telemetryStream && {
        stream: {
          stream: this.telemetryStream.stream,
          consumers: { ingest: this.ingest.function, evaluate: this.evaluate.function },
          maxIteratorAge: STREAM_MAX_ITERATOR_AGE,
        },
      }),
      alarms: this.opsAlarms.alarms,
    });

    // Everything that sends failures to the dead-letter queue does so with one of these roles
    // (Lambda sends both async and stream failures with the function's role); EventBridge rule
    // targets send as the service.
    this.deadLetterQueue.restrictSendersTo([
      this.ingest.function.executionRole,
      this.evaluate.function.executionRole,
      this.sweep.function.executionRole,
      this.notify.function.executionRole,
      this.telemetryRule.errorActionRole,
      this.lifecycleRule.errorActionRole,
      this.sweepSchedule.role,
    ]);

    const seriesOutputs = this.influxStore
      ? {
          influxUrl: this.influxStore.url,
          influxBucket: this.influxStore.bucket,
          influxTokenSecretArn: this.influxStore.token.secret.secretArn,
        }
      : this.telemetryStore && {
          timestreamDatabase: this.telemetryStore.databaseName,
          timestreamTable: this.telemetryStore.tableName,
        };
    const outputs: Partial<Record<StackOutputName, string>> = {
      ...seriesOutputs,
      registryTable: this.registry.table.tableName,
      quarantineBucket: this.quarantine.bucket.bucketName,
      deadLetterQueueUrl: this.deadLetterQueue.queue.queueUrl,
      ingestFunction: this.ingest.function.functionName,
      telemetryRule: this.telemetryRule.ruleName,
      lifecycleRule: this.lifecycleRule.ruleName,
      deadLetterSenderIds: this.deadLetterQueue.senderIds,
      devicePolicy: this.devicePolicy.policyName,
      topicRoot: topic.root,
      rulesTable: this.rules.table.tableName,
      alarmsTable: this.alarms.table.tableName,
      historyTable: this.history.table.tableName,
      eventBusName: this.alarmEvents.bus.eventBusName,
      eventBusArn: this.alarmEvents.bus.eventBusArn,
      evaluateFunction: this.evaluate.function.functionName,
      sweepFunction: this.sweep.function.functionName,
      apiUrl: this.operatorApi.url,
      apiFunction: this.apiFunction.function.functionName,
      apiViewerPolicyArn: this.operatorAccess.policies.viewer.managedPolicyArn,
      apiOperatorPolicyArn: this.operatorAccess.policies.operator.managedPolicyArn,
      apiAdminPolicyArn: this.operatorAccess.policies.admin.managedPolicyArn,
      notifyFunction: this.notify.function.functionName,
      silencesTable: this.silences.table.tableName,
      pageTopicArn: this.topics.page.topicArn,
      notifyTopicArn: this.topics.notify.topicArn,
      opsTopicArn: this.topics.ops.topicArn,
      opsDashboardUrl: this.opsDashboard.url,
    };
    if (this.telemetryStream) outputs.telemetryStreamArn = this.telemetryStream.stream.streamArn;
    if (this.consoleHosting && this.consoleSignIn) {
      Object.assign(outputs, {
        consoleUrl: this.consoleHosting.url,
        consoleUserPoolId: this.consoleSignIn.userPool.userPoolId,
        consoleUserPoolClientId: this.consoleSignIn.client.userPoolClientId,
        consoleIdentityPoolId: this.consoleSignIn.identityPool.ref,
        consoleSignInDomain: this.consoleSignIn.signInUrl,
      });
    }
    for (const name of stackOutputsOf(config.series.store, config.ingestion.mode, config.console.enabled)) {
      const value = outputs[name];
      if (value === undefined) throw new Error(`stack output ${name} has no value`);
      const { key: outputKey, description } = STACK_OUTPUTS[name];
      new CfnOutput(this, outputKey, { value, description });
    }
  }
}
