import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
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
  await untilActive(client, tableName);
  return tableName;
}

/**
 * Dynalite answers CreateTable while the table is still CREATING and only then marks it ACTIVE;
 * a request in between is refused as if the table did not exist. Waiting here keeps a busy
 * machine from turning that into a failed test.
 */
async function untilActive(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`dynalite table ${tableName} did not become ACTIVE`);
}

export async function deleteTable(dynamo: LocalDynamo, tableName: string): Promise<void> {
  await dynamo.client.send(new DeleteTableCommand({ TableName: tableName }));
  // As with creating: DELETING first, gone a moment later; creating it again before then is refused.
  for (let attempt = 0; attempt < 500; attempt++) {
    try {
      await dynamo.client.send(new DescribeTableCommand({ TableName: tableName }));
    } catch (error) {
      if ((error as Error).name === "ResourceNotFoundException") return;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`dynalite table ${tableName} was not deleted`);
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
  await untilActive(client, tableName);
  return tableName;
}
