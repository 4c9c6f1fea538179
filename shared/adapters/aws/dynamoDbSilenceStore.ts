import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
} from "@aws-sdk/lib-dynamodb";
import type { Silence } from "../../domain/silences/silence.ts";
import type { SilenceStore } from "../../ports/silenceStore.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import { documentClient } from "./documentClient.ts";

export type DynamoDbSilenceStoreOptions = {
  readonly tableName: string;
  /** An expired silence is removed by the table's TTL this long after it ends (kept for the record). */
  readonly keepExpiredMs?: number;
} & ClientOrConfig<DynamoDBDocumentClient, DynamoDBClientConfig>;

const DEFAULT_KEEP_EXPIRED_MS = 30 * 24 * 3600_000;

/**
 * The silences table: partition key `id`, TTL attribute `expiresAt` (epoch seconds). Silences are
 * few (maintenance windows), so listing scans the table.
 */
export class DynamoDbSilenceStore implements SilenceStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #keepExpiredMs: number;

  constructor(options: DynamoDbSilenceStoreOptions) {
    this.#client = options.client ?? documentClient(options.clientConfig);
    this.#tableName = options.tableName;
    this.#keepExpiredMs = options.keepExpiredMs ?? DEFAULT_KEEP_EXPIRED_MS;
  }

  async list(): Promise<readonly Silence[]> {
    const silences: Silence[] = [];
    const pages = paginateScan(
      { client: this.#client },
      { TableName: this.#tableName, ConsistentRead: true },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) silences.push(fromItem(item));
    }
    return silences.sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<Silence | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async put(silence: Silence): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: { ...silence, expiresAt: Math.ceil((silence.endsAt + this.#keepExpiredMs) / 1000) },
      }),
    );
  }

  async delete(id: string): Promise<boolean> {
    const { Attributes } = await this.#client.send(
      new DeleteCommand({ TableName: this.#tableName, Key: { id }, ReturnValues: "ALL_OLD" }),
    );
    return Attributes !== undefined;
  }
}

function fromItem(item: Record<string, unknown>): Silence {
  const { expiresAt: _expiresAt, ...silence } = item;
  return silence as unknown as Silence;
}
