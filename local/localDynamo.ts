import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TABLE_IDS, TABLES, type TableId, type TableSchema } from "../shared/contracts/tables.ts";

// dynalite ships no type declarations; this is the one function it exports.
const dynalite = createRequire(import.meta.url)("dynalite") as (options: {
  readonly path?: string;
  readonly createTableMs?: number;
  readonly deleteTableMs?: number;
  readonly updateTableMs?: number;
}) => Server;

/** The name of each of the stack's tables (`TABLES`), created with the keys the CDK stack gives them. */
export type LocalTables = { readonly [id in TableId]: string };

export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBDocumentClient;
  readonly tables: LocalTables;
  close(): Promise<void>;
}

/** Region and credentials dynalite accepts; nothing leaves the machine. */
const LOCAL_CLIENT_CONFIG = {
  region: "local",
  credentials: { accessKeyId: "plantwatch-local", secretAccessKey: "plantwatch-local" },
  // The SDK's standard retries cover a reused connection dynalite has just closed.
  maxAttempts: 3,
} as const;

/**
 * The CreateTable request of an on-demand table with `schema`'s string keys and indexes, for dynalite
 * and the tests.
 * Its TTL attribute is left out: dynalite implements no UpdateTimeToLive, so nothing expires locally.
 */
export function createTableInput(tableName: string, schema: TableSchema): CreateTableCommandInput {
  const keys = [
    { AttributeName: schema.partitionKey, KeyType: "HASH" as const },
    ...(schema.sortKey === undefined ? [] : [{ AttributeName: schema.sortKey, KeyType: "RANGE" as const }]),
  ];
  const indexes = (schema.globalIndexes ?? []).map((index) => ({
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: "HASH" as const },
      { AttributeName: index.sortKey, KeyType: "RANGE" as const },
    ],
    Projection: { ProjectionType: "KEYS_ONLY" as const },
  }));
  const attributes = new Set(
    [...keys, ...indexes.flatMap((index) => index.KeySchema)].map((key) => key.AttributeName),
  );
  return {
    TableName: tableName,
    KeySchema: keys,
    AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: "S" })),
    BillingMode: "PAY_PER_REQUEST",
    ...(indexes.length === 0 ? {} : { GlobalSecondaryIndexes: indexes }),
  };
}

/**
 * dynalite with its data in LevelDB under `path`, on a private port of 127.0.0.1, with the stack's
 * tables created when missing. The DynamoDB adapters talk to it exactly as to DynamoDB.
 */
export async function startLocalDynamo(path: string, prefix = "plantwatch-local"): Promise<LocalDynamo> {
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Node closes idle keep-alive connections after 5 s, racing the SDK's reuse of them (ECONNRESET).
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const close = async () => {
    client.destroy();
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  };
  const tables = Object.fromEntries(TABLE_IDS.map((id) => [id, `${prefix}-${id}`])) as LocalTables;
  try {
    const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
    for (const id of TABLE_IDS) {
      if (existing.has(tables[id])) continue;
      await client.send(new CreateTableCommand(createTableInput(tables[id], TABLES[id])));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, client, tables, close };
}
