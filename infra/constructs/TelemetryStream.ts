import { Duration, type RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kinesis from "aws-cdk-lib/aws-kinesis";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { SweepEnvironmentVariables } from "../../shared/config/alarmEnvironment.ts";
import type { PlantwatchFunction } from "./PlantwatchFunction.ts";
import { QueueFailureDestination } from "./QueueFailureDestination.ts";

export interface TelemetryStreamProps {
  readonly encryptionKey: kms.IKey;
  readonly capacity: "on-demand" | "provisioned";
  /** Provisioned capacity only. */
  readonly shards?: number;
  readonly retention: Duration;
  /** Receives a pointer (shard, sequence numbers) to each batch a consumer gave up on. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly removalPolicy: RemovalPolicy;
}

/** How a consumer reads: batching, retries and parallelism, the same for every consumer. */
export interface StreamConsumerOptions {
  readonly batchSize: number;
  readonly batchWindow: Duration;
  readonly parallelizationFactor: number;
  readonly retryAttempts: number;
  readonly maxRecordAge: Duration;
}

/**
 * The batched ingestion path (`ingestion.mode: stream`): a Kinesis data stream encrypted with the
 * deployment key, which the `telemetry` rule writes (partition key = thing name, so each thing's
 * messages stay in order in one shard), and which the ingest and evaluate functions consume through
 * event source mappings of their own.
 *
 * Each consumer reports partial failures (`ReportBatchItemFailures`: Lambda resumes from the lowest
 * sequence number reported), bisects a batch that fails as a whole, and after its retries sends a
 * pointer to what it gave up on to the dead-letter queue. Reading starts at TRIM_HORIZON: the rule
 * may write before a mapping exists (first deployment, or a mapping replaced later), and LATEST
 * would skip those records for good, while re-reading is safe (ingest writes idempotently, the alarm
 * engine ignores duplicate and late samples).
 */
export class TelemetryStream extends Construct {
  readonly stream: kinesis.Stream;
  readonly #encryptionKey: kms.IKey;
  readonly #deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: TelemetryStreamProps) {
    super(scope, id);
    this.#encryptionKey = props.encryptionKey;
    this.#deadLetterQueue = props.deadLetterQueue;
    const onDemand = props.capacity === "on-demand";
    this.stream = new kinesis.Stream(this, "Stream", {
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: props.encryptionKey,
      streamMode: onDemand ? kinesis.StreamMode.ON_DEMAND : kinesis.StreamMode.PROVISIONED,
      ...(onDemand ? {} : { shardCount: props.shards ?? 1 }),
      retentionPeriod: props.retention,
      removalPolicy: props.removalPolicy,
    });
  }

  /** What the `telemetry` rule's role may do: put records, encrypting them through Kinesis. */
  allowPut(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "PutTelemetryRecords",
        actions: ["kinesis:PutRecord"],
        resources: [this.stream.streamArn],
      }),
    );
    role.addToPrincipalPolicy(this.#keyStatement("EncryptTelemetryRecords", "kms:GenerateDataKey"));
  }

  /**
   * Lets `fn` put control records (the sweep's ticks, the API's operator actions) on the stream, which
   * it finds in `TELEMETRY_STREAM_ARN`: PutRecords on this stream only, and the key only to encrypt
   * through Kinesis for it (a producer to a KMS-encrypted stream needs kms:GenerateDataKey).
   */
  addProducer(fn: PlantwatchFunction<ControlRecordProducerVariable>): void {
    fn.bind(
      { TELEMETRY_STREAM_ARN: this.stream.streamArn },
      new iam.PolicyStatement({
        sid: "PutControlRecords",
        actions: ["kinesis:PutRecords"],
        resources: [this.stream.streamArn],
      }),
    );
    fn.addToRolePolicy(this.#keyStatement("EncryptControlRecords", "kms:GenerateDataKey"));
  }

  /**
   * Maps the stream to `fn` with the read permissions an event source mapping needs on this one
   * stream (explicit actions; `grantRead` would add account-wide ListStreams), the key only through
   * Kinesis for this stream, and the dead-letter queue as on-failure destination (which the
   * function's role sends to, as it does for asynchronous invocations).
   */
  addConsumer(id: string, fn: PlantwatchFunction, options: StreamConsumerOptions): lambda.EventSourceMapping {
    fn.allow(
      "ReadTelemetryStream",
      [
        "kinesis:DescribeStream",
        "kinesis:DescribeStreamSummary",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:ListShards",
      ],
      [this.stream.streamArn],
    );
    fn.addToRolePolicy(this.#keyStatement("DecryptTelemetryRecords", "kms:Decrypt"));
    fn.allowSendingFailuresTo(this.#deadLetterQueue);
    const mapping = new lambda.EventSourceMapping(this, id, {
      target: fn,
      eventSourceArn: this.stream.streamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: options.batchSize,
      maxBatchingWindow: options.batchWindow,
      parallelizationFactor: options.parallelizationFactor,
      retryAttempts: options.retryAttempts,
      maxRecordAge: options.maxRecordAge,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      onFailure: new QueueFailureDestination(this.#deadLetterQueue),
    });
    // The mapping checks the role when it is created: the policy must exist first.
    const policy = fn.role?.node.tryFindChild("DefaultPolicy");
    if (policy) mapping.node.addDependency(policy);
    return mapping;
  }

  /** The deployment key, only as Kinesis uses it for this stream (its ARN is the encryption context). */
  #keyStatement(sid: string, action: string): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid,
      actions: [action],
      resources: [this.#encryptionKey.keyArn],
      conditions: {
        StringEquals: {
          "kms:ViaService": `kinesis.${Stack.of(this).region}.amazonaws.com`,
          "kms:EncryptionContext:aws:kinesis:arn": this.stream.streamArn,
        },
      },
    });
  }
}

/** Where a producer of control records finds the stream (the api's schema extends the sweep's). */
type ControlRecordProducerVariable = keyof Pick<SweepEnvironmentVariables, "TELEMETRY_STREAM_ARN">;

/** The stream settings of the configuration as the construct takes them. */
export function streamConsumerOptions(settings: {
  readonly batchSize: number;
  readonly batchWindowSeconds: number;
  readonly parallelizationFactor: number;
  readonly maxRetryAttempts: number;
  readonly maxRecordAgeSeconds: number;
}): StreamConsumerOptions {
  return {
    batchSize: settings.batchSize,
    batchWindow: Duration.seconds(settings.batchWindowSeconds),
    parallelizationFactor: settings.parallelizationFactor,
    retryAttempts: settings.maxRetryAttempts,
    maxRecordAge: Duration.seconds(settings.maxRecordAgeSeconds),
  };
}
