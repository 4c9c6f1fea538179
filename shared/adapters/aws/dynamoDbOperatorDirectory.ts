import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { OPERATOR_DIRECTORY } from "../../contracts/tables.ts";
import type { Clock } from "../../ports/clock.ts";
import type {
  OperatorDirectory,
  OperatorDirectoryWriter,
  OperatorEntry,
} from "../../ports/operatorDirectory.ts";
import { TtlCache } from "../../ttlCache.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import { documentClient } from "./documentClient.ts";

export type DynamoDbOperatorDirectoryOptions = {
  readonly tableName: string;
  readonly clock: Clock;
  /** How long a name is served from memory; a renamed user is seen after this. @default 5 minutes */
  readonly cacheTtlMs?: number;
} & ClientOrConfig<DynamoDBDocumentClient, DynamoDBClientConfig>;

const DEFAULT_CACHE_TTL_MS = 5 * 60_000;
/** Console users are few; this bounds the memory a flood of unknown subs could take. */
const MAX_CACHED = 1_000;

/** The operator directory table (`OPERATOR_DIRECTORY`): one item per console user, `{ sub, name, recordedAt }`. */
export class DynamoDbOperatorDirectory implements OperatorDirectory, OperatorDirectoryWriter {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #clock: Clock;
  readonly #names: TtlCache<string, string | undefined>;

  constructor(options: DynamoDbOperatorDirectoryOptions) {
    this.#client = options.client ?? documentClient(options.clientConfig);
    this.#tableName = options.tableName;
    this.#clock = options.clock;
    this.#names = new TtlCache({
      ttlMs: options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
      clock: options.clock,
      maxEntries: MAX_CACHED,
    });
  }

  nameOf(sub: string): Promise<string | undefined> {
    return this.#names.get(sub, async () => {
      const { Item } = await this.#client.send(
        new GetCommand({
          TableName: this.#tableName,
          Key: { [OPERATOR_DIRECTORY.partitionKey]: sub },
          ProjectionExpression: "#name",
          ExpressionAttributeNames: { "#name": "name" },
        }),
      );
      return typeof Item?.name === "string" ? Item.name : undefined;
    });
  }

  async record(entry: OperatorEntry): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: {
          [OPERATOR_DIRECTORY.partitionKey]: entry.sub,
          name: entry.name,
          recordedAt: new Date(this.#clock.now()).toISOString(),
        },
      }),
    );
  }
}
