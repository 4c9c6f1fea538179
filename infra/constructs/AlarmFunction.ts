import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type {
  EvaluateEnvironmentVariables,
  SweepEnvironmentVariables,
} from "../../shared/config/alarmEnvironment.ts";
import { SHARD_CHECKPOINT_PREFIX } from "../../shared/contracts/storageLayout.ts";
import { ALARM_EVENT_SOURCE } from "../../shared/domain/alarms/alarmEvent.ts";
import {
  type DeploymentFunctionProps,
  deploymentFunctionProps,
  PlantwatchFunction,
} from "./PlantwatchFunction.ts";

/** The alarm engine's settings, given alike to every function that runs it (evaluate, sweep, the API). */
export interface AlarmEngineSettings {
  /** History entries expire (DynamoDB TTL) this long after they happen. */
  readonly historyRetention: Duration;
  /** How often a container checks the ruleset version (C3: at most 60 s). */
  readonly rulesRefresh: Duration;
  readonly registryCacheTtl: Duration;
}

export interface AlarmFunctionProps extends AlarmEngineSettings, DeploymentFunctionProps {
  /** One item per thing, all its alarm instances, versioned (C4). */
  readonly alarmsTable: dynamodb.ITable;
  readonly historyTable: dynamodb.ITable;
  readonly rulesTable: dynamodb.ITable;
  readonly registryTable: dynamodb.ITable;
  readonly eventBus: events.IEventBus;
  readonly deadLetterQueue: sqs.IQueue;
  /** The key encrypting the tables, the queue and the log group. */
  readonly encryptionKey: kms.IKey;
}

export interface EvaluateFunctionProps extends AlarmFunctionProps {
  /** The same sample-time bounds as ingest, so that only samples that are stored are evaluated. */
  readonly clockSkewSeconds: number;
  readonly maxSampleAge: Duration;
  /**
   * Stream mode: the bucket where the stream consumer checkpoints each shard's in-memory alarm state
   * (under `SHARD_CHECKPOINT_PREFIX`). @default - none (direct mode)
   */
  readonly shardCheckpointBucket?: s3.IBucket;
}

export interface SweepFunctionProps extends AlarmFunctionProps {
  /** Reserved concurrent executions of the sweep. @default - none (the account's unreserved pool) */
  readonly reservedConcurrency?: number;
}

/** What differs between the two alarm functions. */
interface Variant {
  readonly name: "evaluate" | "sweep";
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Beyond reading and writing one thing's document (GetItem, PutItem, UpdateItem). */
  readonly extraAlarmActions: readonly string[];
  readonly timeout?: Duration;
  readonly reservedConcurrentExecutions?: number;
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
  readonly shardCheckpointBucket?: s3.IBucket;
}

/**
 * A function of the alarm engine (C3-C5): `evaluate`, invoked by the telemetry and lifecycle rules,
 * and `sweep`, invoked every minute by a schedule. Both read the rules and the registry, keep the
 * alarm state and its history, and publish to the alarm bus; this construct gives each its
 * environment (typed against `shared/config/alarmEnvironment.ts`), its least-privilege permissions
 * (explicit actions, each on its one resource) and its async invoke config with the dead-letter queue
 * as on-failure destination.
 */
export class AlarmFunction extends Construct {
  /** Evaluates telemetry samples and connectivity events; retried twice within 6 hours. */
  static evaluate(scope: Construct, id: string, props: EvaluateFunctionProps): AlarmFunction {
    const environment = {
      ...alarmEngineEnvironment(props),
      CLOCK_SKEW_MS: String(props.clockSkewSeconds * 1000),
      MAX_SAMPLE_AGE_MS: String(props.maxSampleAge.toMilliseconds()),
    } satisfies Omit<EvaluateEnvironmentVariables, BoundVariables>;
    return new AlarmFunction(scope, id, props, {
      name: "evaluate",
      description: "plantwatch evaluate: telemetry and lifecycle rules -> alarm state, alarm events",
      environment,
      extraAlarmActions: [],
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      ...(props.shardCheckpointBucket && { shardCheckpointBucket: props.shardCheckpointBucket }),
    });
  }

  /**
   * Raises offline alarms, ends expired snoozes and re-sends unpublished events, once a minute. A
   * run ends (timeout 60 s) before the next is due, and overlapping runs (a slow run, or the
   * scheduler delivering twice) are safe without reserved concurrency: every change is a conditional
   * write on the thing's versioned document, the loser re-reads and finds nothing left to do, and
   * outbox events are claimed by a conditional write before they are re-sent
   * (test/shared/domain/alarms/alarmEngine.overlappingSweeps.test.ts). A reservation is opt-in
   * (`alarms.sweep.reservedConcurrency`): Lambda refuses one that leaves the account's unreserved
   * pool below its minimum, which a new account's quota of 10 does. A failed run is not retried: the
   * next one, a minute later, does the same work on fresher state; it still goes to the dead-letter
   * queue, where a failing sweep shows.
   */
  static sweep(scope: Construct, id: string, props: SweepFunctionProps): AlarmFunction {
    const environment = alarmEngineEnvironment(props);
    return new AlarmFunction(scope, id, props, {
      name: "sweep",
      description: "plantwatch sweep: offline alarms, snooze expiry, unpublished events (every minute)",
      environment,
      extraAlarmActions: ["dynamodb:Scan"],
      timeout: Duration.seconds(60),
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      retryAttempts: 0,
      maxEventAge: Duration.minutes(2),
    });
  }

  readonly function: PlantwatchFunction;

  private constructor(scope: Construct, id: string, props: AlarmFunctionProps, variant: Variant) {
    super(scope, id);
    this.function = new PlantwatchFunction<BoundVariables>(this, "Function", {
      entry: `functions/${variant.name}/handler.ts`,
      description: variant.description,
      serviceName: variant.name,
      environment: variant.environment,
      timeout: variant.timeout,
      reservedConcurrentExecutions: variant.reservedConcurrentExecutions,
      ...deploymentFunctionProps(props),
    });

    const fn = this.function;
    fn.bindTable("ALARMS_TABLE", props.alarmsTable, "ReadAndWriteAlarmState", [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      ...variant.extraAlarmActions,
    ]);
    // History records are written in batches of puts (DynamoDbAlarmStore.appendHistory).
    fn.bindTable("HISTORY_TABLE", props.historyTable, "AppendAlarmHistory", ["dynamodb:BatchWriteItem"]);
    // The ruleset version item, then the rules themselves when it has changed.
    fn.bindTable("RULES_TABLE", props.rulesTable, "ReadRules", ["dynamodb:GetItem", "dynamodb:Scan"]);
    fn.bindTable("REGISTRY_TABLE", props.registryTable, "ReadDevices", ["dynamodb:GetItem"]);
    fn.bindEventBus("EVENT_BUS_NAME", props.eventBus, "PublishAlarmEvents", ALARM_EVENT_SOURCE);
    fn.sendFailuresTo(props.deadLetterQueue, {
      retryAttempts: variant.retryAttempts,
      maxEventAge: variant.maxEventAge,
    });
    const checkpoints = variant.shardCheckpointBucket;
    if (checkpoints) {
      // Read (GET, and HEAD, which S3 authorises as GetObject) and conditional writes (If-Match,
      // If-None-Match: still PutObject) of the shards' checkpoint objects.
      fn.bindBucketObjects(
        "SHARD_CHECKPOINT_BUCKET",
        checkpoints,
        "ReadAndWriteShardCheckpoints",
        ["s3:GetObject", "s3:PutObject"],
        `${SHARD_CHECKPOINT_PREFIX}*`,
      );
      // Without ListBucket, S3 answers a GET or HEAD of a missing key 403 instead of 404, and a
      // shard's first batch could not tell "no checkpoint yet" from "denied". The prefix condition
      // keeps it to the checkpoints' keys (S3 checks it with the requested key as prefix).
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: "FindShardCheckpoints",
          actions: ["s3:ListBucket"],
          resources: [checkpoints.bucketArn],
          conditions: { StringLike: { "s3:prefix": `${SHARD_CHECKPOINT_PREFIX}*` } },
        }),
      );
    }
    fn.allowKeyUseVia(props.encryptionKey, checkpoints ? ["dynamodb", "s3", "sqs"] : ["dynamodb", "sqs"]);
  }
}

/** The variables the bind calls of the constructor set, each with its permission. */
type BoundVariables =
  | keyof Pick<
      SweepEnvironmentVariables,
      "ALARMS_TABLE" | "HISTORY_TABLE" | "RULES_TABLE" | "REGISTRY_TABLE" | "EVENT_BUS_NAME"
    >
  | keyof Pick<EvaluateEnvironmentVariables, "SHARD_CHECKPOINT_BUCKET">;

/** The alarm engine's variables beside its tables and bus (which the bind calls set). */
export function alarmEngineEnvironment(
  settings: AlarmEngineSettings,
): Omit<SweepEnvironmentVariables, BoundVariables> {
  return {
    HISTORY_RETENTION_MS: String(settings.historyRetention.toMilliseconds()),
    RULES_REFRESH_MS: String(settings.rulesRefresh.toMilliseconds()),
    REGISTRY_CACHE_TTL_MS: String(settings.registryCacheTtl.toMilliseconds()),
  };
}
