import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTableInput, type LocalDynamo, startLocalDynamo } from "../../local/localDynamo.ts";
import { TABLE_IDS, TABLES } from "../../shared/contracts/tables.ts";

describe("createTableInput", () => {
  it("asks for an on-demand table with a string partition key", () => {
    expect(createTableInput("t-rules", { partitionKey: "id" })).toEqual({
      TableName: "t-rules",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    });
  });

  it("adds the sort key as a string range key, the keys-only change feed index, and leaves the TTL attribute out", () => {
    expect(createTableInput("t-history", TABLES.history)).toEqual({
      TableName: "t-history",
      KeySchema: [
        { AttributeName: "alarmId", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: "alarmId", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
        { AttributeName: "feedDay", AttributeType: "S" },
        { AttributeName: "feedKey", AttributeType: "S" },
      ],
      BillingMode: "PAY_PER_REQUEST",
      GlobalSecondaryIndexes: [
        {
          IndexName: "byTime",
          KeySchema: [
            { AttributeName: "feedDay", KeyType: "HASH" },
            { AttributeName: "feedKey", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "KEYS_ONLY" },
        },
      ],
    });
  });
});

describe("startLocalDynamo", () => {
  let dataDir: string;
  let dynamo: LocalDynamo | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "plantwatch-local-dynamo-"));
  });

  afterEach(async () => {
    await dynamo?.close();
    dynamo = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it("creates one table per entry of TABLES, named after the prefix, with its keys", async () => {
    dynamo = await startLocalDynamo(dataDir, "unit");

    expect(dynamo.tables).toEqual({
      registry: "unit-registry",
      rules: "unit-rules",
      alarms: "unit-alarms",
      history: "unit-history",
      silences: "unit-silences",
    });
    for (const id of TABLE_IDS) {
      const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: dynamo.tables[id] }));
      const schema = TABLES[id];
      const expectedKeys = [
        { AttributeName: schema.partitionKey, KeyType: "HASH" },
        ...("sortKey" in schema ? [{ AttributeName: schema.sortKey, KeyType: "RANGE" }] : []),
      ];
      expect(Table?.KeySchema, id).toEqual(expectedKeys);
    }
  });

  it("keeps the tables and their items when started again on the same data", async () => {
    dynamo = await startLocalDynamo(dataDir, "unit");
    await dynamo.client.send(
      new PutCommand({ TableName: dynamo.tables.registry, Item: { thingName: "press-1", site: "plant-1" } }),
    );
    await dynamo.close();

    dynamo = await startLocalDynamo(dataDir, "unit");
    const { Item } = await dynamo.client.send(
      new GetCommand({ TableName: dynamo.tables.registry, Key: { thingName: "press-1" } }),
    );

    expect(Item).toEqual({ thingName: "press-1", site: "plant-1" });
  });
});
