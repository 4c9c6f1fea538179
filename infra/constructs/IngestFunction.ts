import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { IngestOwnVariables } from "../../shared/config/ingestEnvironment.ts";
import { QUARANTINE_PREFIX } from "../../shared/contracts/storageLayout.ts";
import { REGISTRY_LAST_SEEN_ATTRIBUTES } from "../../shared/contracts/tables.ts";
import {
  type DeploymentFunctionProps,
  deploymentFunctionProps,
  PlantwatchFunction,
} from "./PlantwatchFunction.ts";
import type { SeriesStoreBinding } from "./SeriesStoreBinding.ts";

/** The variables the bind calls of the constructor set, each with its permission. */
type BoundVariables = keyof Pick<IngestOwnVariables, "REGISTRY_TABLE" | "QUARANTINE_BUCKET">;

export interface IngestFunctionProps extends DeploymentFunctionProps {
  /** Where samples are written: sets the function's series variables, access and placement. */
  readonly seriesStore: SeriesStoreBinding;
  readonly registryTable: dynamodb.ITable;
  readonly quarantineBucket: s3.IBucket;
  readonly deadLetterQueue: sqs.IQueue;
  /** The key encrypting the registry, the quarantine bucket, the queue and the log group. */
  readonly encryptionKey: kms.IKey;
  readonly clockSkewSeconds: number;
  /** Samples older than this are quarantined rather than offered to the series store. */
  readonly maxSampleAge: Duration;
  /** Absent in stream mode: the alarm consumer keeps each thing's last report, ingest writes no `lastSeen`. */
  readonly lastSeenIntervalSeconds?: number | undefined;
  readonly registryCacheTtlSeconds: number;
}

/**
 * The ingest function (C2 → Timestream, C6 quarantine), invoked asynchronously by the telemetry
 * rule: its environment, its least-privilege permissions (explicit actions only), and its async
 * invoke config (2 retries within 6 hours, then the dead-letter queue).
 */
export class IngestFunction extends Construct {
  readonly function: PlantwatchFunction;

  constructor(scope: Construct, id: string, props: IngestFunctionProps) {
    super(scope, id);
    // The table and bucket variables are set by the bind calls below, with their permissions.
    const environment = {
      CLOCK_SKEW_MS: String(props.clockSkewSeconds * 1000),
      MAX_SAMPLE_AGE_MS: String(props.maxSampleAge.toMilliseconds()),
      ...(props.lastSeenIntervalSeconds === undefined
        ? {}
        : { LAST_SEEN_INTERVAL_MS: String(props.lastSeenIntervalSeconds * 1000) }),
      REGISTRY_CACHE_TTL_MS: String(props.registryCacheTtlSeconds * 1000),
    } satisfies Omit<IngestOwnVariables, BoundVariables>;

    this.function = new PlantwatchFunction<BoundVariables>(this, "Function", {
      entry: "functions/ingest/handler.ts",
      description: "plantwatch ingest: telemetry rule -> Timestream, quarantine",
      serviceName: "ingest",
      environment,
      ...deploymentFunctionProps(props),
      ...(props.seriesStore.placement && { placement: props.seriesStore.placement }),
    });

    const fn = this.function;
    props.seriesStore.bindTo(fn, "write");
    fn.bindTable("REGISTRY_TABLE", props.registryTable, "ReadDevice", ["dynamodb:GetItem"]);
    if (props.lastSeenIntervalSeconds !== undefined) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: "RecordLastSeen",
          actions: ["dynamodb:UpdateItem"],
          resources: [props.registryTable.tableArn],
          conditions: {
            "ForAllValues:StringEquals": { "dynamodb:Attributes": [...REGISTRY_LAST_SEEN_ATTRIBUTES] },
            // ALL_OLD and ALL_NEW would hand back attributes outside that list.
            StringEqualsIfExists: { "dynamodb:ReturnValues": ["NONE", "UPDATED_OLD", "UPDATED_NEW"] },
          },
        }),
      );
    }
    fn.bindBucketObjects(
      "QUARANTINE_BUCKET",
      props.quarantineBucket,
      "WriteQuarantine",
      ["s3:PutObject"],
      `${QUARANTINE_PREFIX}*`,
    );
    fn.sendFailuresTo(props.deadLetterQueue, { retryAttempts: 2, maxEventAge: Duration.hours(6) });
    fn.allowKeyUseVia(props.encryptionKey, ["dynamodb", "s3", "sqs"]);
  }
}
