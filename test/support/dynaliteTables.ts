import { CreateTableCommand, DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createTableInput } from "../../local/localDynamo.ts";
import { OPERATOR_DIRECTORY, TABLES, type TableId } from "../../shared/contracts/tables.ts";
import type { LocalDynamo } from "./dynalite.ts";

/**
 * Creates `tableName` on a running dynalite with the keys the stack gives table `table` (`TABLES`),
 * through the same request the local stack sends.
 */
export async function createTable(
  client: DynamoDBDocumentClient,
  table: TableId,
  tableName: string,
): Promise<string> {
  await client.send(new CreateTableCommand(createTableInput(tableName, TABLES[table])));
  return tableName;
}

export async function deleteTable(dynamo: LocalDynamo, tableName: string): Promise<void> {
  await dynamo.client.send(new DeleteTableCommand({ TableName: tableName }));
}

/** A fresh rules table, so each test starts from an empty table. */
export async function createRulesTable(dynamo: LocalDynamo, tableName: string): Promise<string> {
  return createTable(dynamo.client, "rules", tableName);
}

/** The console's operator directory (only a stack with the console has one), with the stack's keys. */
export async function createOperatorDirectoryTable(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<string> {
  await client.send(new CreateTableCommand(createTableInput(tableName, OPERATOR_DIRECTORY)));
  return tableName;
}
