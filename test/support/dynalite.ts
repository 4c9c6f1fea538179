import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "../../shared/adapters/aws/documentClient.ts";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { createTable } from "./dynaliteTables.ts";

interface DynaliteOptions {
  readonly createTableMs?: number;
  readonly deleteTableMs?: number;
  readonly updateTableMs?: number;
}
// dynalite ships no type declarations; this is the one function it exports.
const dynalite = createRequire(import.meta.url)("dynalite") as (options: DynaliteOptions) => Server;

export const REGISTRY_TABLE = "plantwatch-registry";

export interface LocalDynamo {
  /** `http://127.0.0.1:{port}`, for an SDK client's `endpoint` or a child process's environment. */
  readonly endpoint: string;
  readonly tableName: string;
  /** A document client on the endpoint, with the marshalling options the adapters use. */
  readonly client: DynamoDBDocumentClient;
  /** The operation (`GetItem`, `UpdateItem`, ...) of every request the server received, in order. */
  readonly operations: readonly string[];
  stop(): Promise<void>;
}

/**
 * An in-memory DynamoDB (dynalite) on 127.0.0.1 and a random port, with the device registry table
 * created (keys of `TABLES.registry`, on demand) and ready.
 */
export async function startDynalite(tableName = REGISTRY_TABLE): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const operations: string[] = [];
  server.on("request", (request) => {
    const operation = String(request.headers["x-amz-target"] ?? "").replace(/^DynamoDB_\d+\./, "");
    // The test kit's own readiness checks (dynaliteTables.ts) are not the code's requests.
    if (operation !== "DescribeTable") operations.push(operation);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = documentClient({ ...TEST_CLIENT_CONFIG, endpoint });
  await createTable(client, "registry", tableName);
  operations.length = 0;
  return {
    endpoint,
    tableName,
    client,
    operations,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
