import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import type { TableSchema } from "../../shared/contracts/tables.ts";

/** The keys come from `TABLES` (shared/contracts/tables.ts); sort key, TTL and indexes are optional there. */
export interface DurableTableProps extends TableSchema {
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A DynamoDB table with the house settings every plantwatch table shares: on demand, point-in-time
 * recovery, encrypted with the deployment key, and protected from deletion outside CloudFormation
 * whenever it is retained. Used for the device registry and the alarm rules, state and history.
 */
export class DurableTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DurableTableProps) {
    super(scope, id);
    const key = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: key(props.partitionKey),
      sortKey: props.sortKey === undefined ? undefined : key(props.sortKey),
      timeToLiveAttribute: props.timeToLiveAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      // Retained tables are also protected from deletion outside CloudFormation.
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy,
    });
    for (const index of props.globalIndexes ?? []) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        projectionType: dynamodb.ProjectionType.KEYS_ONLY,
      });
    }
  }
}
