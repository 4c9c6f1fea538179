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

// dynalite ships no type declarations; this is the one function it exports.
const dynalite = createRequire(import.meta.url)("dynalite") as (options: {
  readonly path?: string;
  readonly createTableMs?: number;
  readonly deleteTableMs?: number;
  readonly updateTableMs?: number;
}) => Server;

/** The stack's tables, with the key schemas the CDK stack gives them. */
export interface LocalTables {
  readonly registry: string;
  readonly rules: string;
  readonly alarms: string;
  readonly history: string;
  readonly silences: string;
}

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

const hashKey = (name: string): Pick<CreateTableCommandInput, "KeySchema" | "AttributeDefinitions"> => ({
  KeySchema: [{ AttributeName: name, KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: name, AttributeType: "S" }],
});

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
  const tables: LocalTables = {
    registry: `${prefix}-registry`,
    rules: `${prefix}-rules`,
    alarms: `${prefix}-alarms`,
    history: `${prefix}-history`,
    silences: `${prefix}-silences`,
  };
  const schemas: Record<
    keyof LocalTables,
    Pick<CreateTableCommandInput, "KeySchema" | "AttributeDefinitions">
  > = {
    registry: hashKey("thingName"),
    rules: hashKey("id"),
    alarms: hashKey("thingName"),
    history: {
      KeySchema: [
        { AttributeName: "alarmId", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: "alarmId", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
    },
    silences: hashKey("id"),
  };
  try {
    const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
    for (const [key, tableName] of Object.entries(tables) as [keyof LocalTables, string][]) {
      if (existing.has(tableName)) continue;
      await client.send(
        new CreateTableCommand({ TableName: tableName, ...schemas[key], BillingMode: "PAY_PER_REQUEST" }),
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, client, tables, close };
}
