import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import type * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { telemetryTopic } from "../../shared/contracts/telemetryTopic.ts";
import type { PlantwatchConfig } from "../config.ts";
import { AccessLogBucket } from "../constructs/AccessLogBucket.ts";
import { DeadLetterQueue } from "../constructs/DeadLetterQueue.ts";
import { DevicePolicy } from "../constructs/DevicePolicy.ts";
import { DeviceRegistry } from "../constructs/DeviceRegistry.ts";
import { EncryptionKey } from "../constructs/EncryptionKey.ts";
import { IngestFunction } from "../constructs/IngestFunction.ts";
import { QuarantineBucket } from "../constructs/QuarantineBucket.ts";
import { TelemetryRule } from "../constructs/TelemetryRule.ts";
import { TelemetryStore } from "../constructs/TelemetryStore.ts";
import { STACK_OUTPUTS } from "../stackOutputs.ts";

export interface PlantwatchStackProps extends StackProps {
  readonly config: PlantwatchConfig;
}

/**
 * One deployment of plantwatch. Stateful stores first (each honouring `removalPolicy`, retained by
 * default), then the stateless telemetry path that uses them.
 */
export class PlantwatchStack extends Stack {
  readonly encryptionKey: EncryptionKey;
  readonly accessLogs: AccessLogBucket;
  readonly quarantine: QuarantineBucket;
  readonly telemetryStore: TelemetryStore;
  readonly registry: DeviceRegistry;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly devicePolicy: DevicePolicy;
  readonly ingest: IngestFunction;
  readonly telemetryRule: TelemetryRule;

  constructor(scope: Construct, id: string, props: PlantwatchStackProps) {
    super(scope, id, { stackName: props.config.stackName, ...props });
    const { config } = props;
    const removalPolicy = config.removalPolicy === "destroy" ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const topic = telemetryTopic(config.topicRoot);
    const { memoryRetentionHours, magneticRetentionDays } = config.timestream;

    // Stateful: keys, stores, queue, and the policy device certificates are attached to.
    this.encryptionKey = new EncryptionKey(this, "EncryptionKey", {
      description: `plantwatch ${config.stackName}: telemetry, registry, quarantine, dead letters, logs`,
      removalPolicy,
    });
    const key = this.encryptionKey.key;
    this.accessLogs = new AccessLogBucket(this, "AccessLogs", { removalPolicy });
    this.quarantine = new QuarantineBucket(this, "Quarantine", {
      encryptionKey: key,
      accessLogBucket: this.accessLogs.bucket,
      removalPolicy,
    });
    this.telemetryStore = new TelemetryStore(this, "TelemetryStore", {
      encryptionKey: key,
      memoryRetentionHours,
      magneticRetentionDays,
      rejectedDataBucket: this.quarantine.bucket,
      rejectedDataPrefix: QuarantineBucket.TIMESTREAM_REJECTED_PREFIX,
      removalPolicy,
    });
    this.registry = new DeviceRegistry(this, "DeviceRegistry", { encryptionKey: key, removalPolicy });
    this.deadLetterQueue = new DeadLetterQueue(this, "DeadLetterQueue", {
      encryptionKey: key,
      removalPolicy,
    });

    // Stateless: the telemetry path.
    this.ingest = new IngestFunction(this, "Ingest", {
      telemetryStore: this.telemetryStore,
      registryTable: this.registry.table,
      quarantineBucket: this.quarantine.bucket,
      deadLetterQueue: this.deadLetterQueue.queue,
      encryptionKey: key,
      clockSkewSeconds: config.ingest.clockSkewSeconds,
      maxSampleAge: Duration.hours(memoryRetentionHours).plus(Duration.days(magneticRetentionDays)),
      lastSeenIntervalSeconds: config.ingest.lastSeenIntervalSeconds,
      registryCacheTtlSeconds: config.ingest.registryCacheTtlSeconds,
      metricsNamespace: config.metricsNamespace,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      logRemovalPolicy: removalPolicy,
    });
    this.telemetryRule = new TelemetryRule(this, "TelemetryRule", {
      deploymentName: config.stackName,
      topic,
      ingestFunction: this.ingest.function,
      deadLetterQueue: this.deadLetterQueue.queue,
      deadLetterQueueKey: key,
    });
    this.devicePolicy = new DevicePolicy(this, "DevicePolicy", {
      topic,
      telemetryRuleName: this.telemetryRule.ruleName,
      removalPolicy,
    });

    const outputs: Record<keyof typeof STACK_OUTPUTS, string> = {
      registryTable: this.registry.table.tableName,
      quarantineBucket: this.quarantine.bucket.bucketName,
      deadLetterQueueUrl: this.deadLetterQueue.queue.queueUrl,
      ingestFunction: this.ingest.function.functionName,
      timestreamDatabase: this.telemetryStore.databaseName,
      timestreamTable: this.telemetryStore.tableName,
      telemetryRule: this.telemetryRule.ruleName,
      devicePolicy: this.devicePolicy.policyName,
      topicRoot: topic.root,
    };
    for (const [name, value] of Object.entries(outputs)) {
      const { key: outputKey, description } = STACK_OUTPUTS[name as keyof typeof STACK_OUTPUTS];
      new CfnOutput(this, outputKey, { value, description });
    }
  }
}
