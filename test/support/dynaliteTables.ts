import { CreateTableCommand, DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import type { LocalDynamo } from "./dynalite.ts";

/**
 * Creates an on-demand table with a string partition key `keyAttribute` on a running dynalite
 * (`startDynalite` makes the registry table, keyed `thingName`; other tables come from here).
 */
export async function createTable(
  dynamo: LocalDynamo,
  tableName: string,
  keyAttribute: string,
): Promise<void> {
  await dynamo.client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: keyAttribute, KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: keyAttribute, AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}

export async function deleteTable(dynamo: LocalDynamo, tableName: string): Promise<void> {
  await dynamo.client.send(new DeleteTableCommand({ TableName: tableName }));
}

/** A fresh rules table (partition key `id`), so each test starts from an empty table. */
export async function createRulesTable(dynamo: LocalDynamo, tableName: string): Promise<string> {
  await createTable(dynamo, tableName, "id");
  return tableName;
}
