import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createTable } from "./dynaliteTables.ts";

export interface AlarmTables {
  /** Keys of `TABLES.alarms`: one versioned document per thing. */
  readonly alarmsTableName: string;
  /** Keys of `TABLES.history`. */
  readonly historyTableName: string;
}

/** Creates the alarm-state and alarm-history tables, named after `prefix`, with the stack's keys. */
export async function createAlarmTables(
  client: DynamoDBDocumentClient,
  prefix: string,
): Promise<AlarmTables> {
  const [alarmsTableName, historyTableName] = await Promise.all([
    createTable(client, "alarms", `${prefix}-alarms`),
    createTable(client, "history", `${prefix}-history`),
  ]);
  return { alarmsTableName, historyTableName };
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

/** Creates the silences table, named after `prefix`, with the stack's keys. */
export async function createSilencesTable(client: DynamoDBDocumentClient, prefix: string): Promise<string> {
  return createTable(client, "silences", `${prefix}-silences`);
}
