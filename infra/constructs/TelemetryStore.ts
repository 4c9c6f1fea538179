import type { RemovalPolicy } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as timestream from "aws-cdk-lib/aws-timestream";
import { Construct } from "constructs";
import type { LiveAnalyticsVariables } from "../../shared/config/seriesEnvironment.ts";
import { PARTITION_DIMENSION } from "../../shared/contracts/storageLayout.ts";
import type { PlantwatchFunction } from "./PlantwatchFunction.ts";
import type { SeriesAccess, SeriesStoreBinding } from "./SeriesStoreBinding.ts";

export interface TelemetryStoreProps {
  readonly encryptionKey: kms.IKey;
  readonly memoryRetentionHours: number;
  readonly magneticRetentionDays: number;
  /** Where Timestream writes reports of records it rejects asynchronously in the magnetic store. */
  readonly rejectedDataBucket: s3.IBucket;
  readonly rejectedDataPrefix: string;
  readonly removalPolicy: RemovalPolicy;
}

export const TELEMETRY_TABLE_NAME = "telemetry";

/**
 * The Timestream database and its `telemetry` table, encrypted with the deployment key, partitioned
 * by device, with magnetic-store writes enabled so late data (older than the memory store) is
 * accepted, and the asynchronous rejection reports written (SSE-KMS) to the quarantine bucket.
 */
export class TelemetryStore extends Construct implements SeriesStoreBinding {
  readonly database: timestream.CfnDatabase;
  readonly table: timestream.CfnTable;
  readonly databaseName: string;
  readonly tableName: string;
  readonly tableArn: string;

  constructor(scope: Construct, id: string, props: TelemetryStoreProps) {
    super(scope, id);
    this.database = new timestream.CfnDatabase(this, "Database", { kmsKeyId: props.encryptionKey.keyArn });
    this.database.applyRemovalPolicy(props.removalPolicy);

    this.table = new timestream.CfnTable(this, "Table", {
      databaseName: this.database.ref,
      tableName: TELEMETRY_TABLE_NAME,
      // `any`-typed L1 properties are passed through verbatim, hence the CloudFormation casing.
      retentionProperties: {
        MemoryStoreRetentionPeriodInHours: String(props.memoryRetentionHours),
        MagneticStoreRetentionPeriodInDays: String(props.magneticRetentionDays),
      },
      magneticStoreWriteProperties: {
        EnableMagneticStoreWrites: true,
        MagneticStoreRejectedDataLocation: {
          S3Configuration: {
            BucketName: props.rejectedDataBucket.bucketName,
            ObjectKeyPrefix: props.rejectedDataPrefix,
            EncryptionOption: "SSE_KMS",
            KmsKeyId: props.encryptionKey.keyArn,
          },
        },
      },
      schema: {
        compositePartitionKey: [
          { type: "DIMENSION", name: PARTITION_DIMENSION, enforcementInRecord: "REQUIRED" },
        ],
      },
    });
    this.table.applyRemovalPolicy(props.removalPolicy);

    this.databaseName = this.database.ref;
    this.tableName = this.table.attrName;
    this.tableArn = this.table.attrArn;
  }

  /** The table's names, and WriteRecords (ingest) or Select (api), each with endpoint discovery. */
  bindTo(fn: PlantwatchFunction, access: SeriesAccess): void {
    const variables = {
      TIMESTREAM_DATABASE: this.databaseName,
      TIMESTREAM_TABLE: this.tableName,
    } satisfies LiveAnalyticsVariables;
    for (const [name, value] of Object.entries(variables)) fn.addEnvironment(name, value);
    if (access === "write") fn.allow("WriteTelemetry", ["timestream:WriteRecords"], [this.tableArn]);
    else fn.allow("QueryTelemetry", ["timestream:Select"], [this.tableArn]);
    // DescribeEndpoints has no resource-level permissions: it must be granted on "*".
    fn.allow("DiscoverTimestreamEndpoints", ["timestream:DescribeEndpoints"], ["*"]);
  }
}
