import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";

export interface AlarmTables {
  /** Partition key `thingName`: one versioned document per thing. */
  readonly alarmsTableName: string;
  /** Partition key `alarmId`, sort key `sk`. */
  readonly historyTableName: string;
}

/** Creates the alarm-state and alarm-history tables, named after `prefix`, as the stack defines their keys. */
export async function createAlarmTables(
  client: DynamoDBDocumentClient,
  prefix: string,
): Promise<AlarmTables> {
  const tables = { alarmsTableName: `${prefix}-alarms`, historyTableName: `${prefix}-history` };
  await Promise.all([
    client.send(
      new CreateTableCommand({
        TableName: tables.alarmsTableName,
        KeySchema: [{ AttributeName: "thingName", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "thingName", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    ),
    client.send(
      new CreateTableCommand({
        TableName: tables.historyTableName,
        KeySchema: [
          { AttributeName: "alarmId", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: "alarmId", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    ),
  ]);
  return tables;
}

/** Every item of a table, across all scan pages. */
export async function scanAll(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** One alarm's history items, in sort-key order. */
export async function historyOf(
  client: DynamoDBDocumentClient,
  tableName: string,
  alarmId: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: "alarmId = :alarmId",
        ExpressionAttributeValues: { ":alarmId": alarmId },
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Creates the silences table (partition key `id`), as the stack defines it. */
export async function createSilencesTable(client: DynamoDBDocumentClient, prefix: string): Promise<string> {
  const tableName = `${prefix}-silences`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  return tableName;
}
