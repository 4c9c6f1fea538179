import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { ThingAlarms } from "../../domain/alarms/alarmState.ts";
import { type HistoryEntry, type HistoryRecord, historyOutboxKey } from "../../domain/alarms/history.ts";
import type { AlarmHistoryReader, HistoryPage } from "../../ports/alarmHistory.ts";
import type { AlarmStore, CommitOutcome } from "../../ports/alarmStore.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import { documentClient } from "./documentClient.ts";
import { backoffDelay, DEFAULT_BACKOFF } from "./retry.ts";

export type DynamoDbAlarmStoreOptions = {
  /** One item per thing, partition key `thingName`. */
  readonly alarmsTableName: string;
  /** Partition key `alarmId`, sort key `sk`, TTL attribute `expiresAt`. */
  readonly historyTableName: string;
  readonly historyRetentionMs: number;
} & ClientOrConfig<DynamoDBDocumentClient, DynamoDBClientConfig>;

/** Outbox keys removed per UpdateItem, keeping the expression well under DynamoDB's 4 KB limit. */
const KEYS_PER_CLEAR = 20;
const BATCH_WRITE_LIMIT = 25;
const MAX_BATCH_ATTEMPTS = 8;

/** Alarm state in DynamoDB: versioned thing documents written with a condition on the version. */
export class DynamoDbAlarmStore implements AlarmStore, AlarmHistoryReader {
  readonly #client: DynamoDBDocumentClient;
  readonly #options: DynamoDbAlarmStoreOptions;

  constructor(options: DynamoDbAlarmStoreOptions) {
    this.#client = options.client ?? documentClient(options.clientConfig);
    this.#options = options;
  }

  async load(thingName: string): Promise<ThingAlarms | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#options.alarmsTableName, Key: { thingName }, ConsistentRead: true }),
    );
    return Item as ThingAlarms | undefined;
  }

  async commit(next: ThingAlarms, expectedVersion: number | undefined): Promise<CommitOutcome> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#options.alarmsTableName,
          Item: next,
          ...(expectedVersion === undefined
            ? { ConditionExpression: "attribute_not_exists(thingName)" }
            : {
                ConditionExpression: "version = :expected",
                ExpressionAttributeValues: { ":expected": expectedVersion },
              }),
        }),
      );
      return "committed";
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return "conflict";
      throw error;
    }
  }

  async clearOutbox(
    thingName: string,
    delivered: { readonly events: readonly string[]; readonly history: readonly string[] },
  ): Promise<void> {
    const removals = [
      ...delivered.events.map((key) => ["outbox", key] as const),
      ...delivered.history.map((key) => ["historyOutbox", key] as const),
    ];
    for (let start = 0; start < removals.length; start += KEYS_PER_CLEAR) {
      const chunk = removals.slice(start, start + KEYS_PER_CLEAR);
      const names: Record<string, string> = { "#outbox": "outbox", "#historyOutbox": "historyOutbox" };
      const paths = chunk.map(([map, key], index) => {
        names[`#k${index}`] = key;
        return `#${map}.#k${index}`;
      });
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#options.alarmsTableName,
          Key: { thingName },
          UpdateExpression: `REMOVE ${paths.join(", ")} SET version = version + :one`,
          ConditionExpression: "attribute_exists(thingName)",
          ExpressionAttributeNames: pick(names, paths),
          ExpressionAttributeValues: { ":one": 1 },
        }),
      );
    }
  }

  async appendHistory(records: readonly HistoryRecord[]): Promise<void> {
    const retentionSeconds = Math.ceil(this.#options.historyRetentionMs / 1000);
    // A batch may not name one key twice (a repeated sample repeats its late record): write each once.
    const unique = [...new Map(records.map((record) => [historyOutboxKey(record), record])).values()];
    const requests = unique.map(({ sk, entry }) => ({
      PutRequest: {
        Item: { ...entry, sk, expiresAt: Math.floor(entry.at / 1000) + retentionSeconds },
      },
    }));
    for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
      let pending: Record<string, unknown>[] = requests.slice(start, start + BATCH_WRITE_LIMIT);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_BATCH_ATTEMPTS) {
          throw new Error(`${pending.length} history record(s) stayed unprocessed after ${attempt} attempts`);
        }
        if (attempt > 0) await sleep(backoffDelay(attempt, DEFAULT_BACKOFF));
        const { UnprocessedItems } = await this.#client.send(
          new BatchWriteCommand({ RequestItems: { [this.#options.historyTableName]: pending } }),
        );
        pending = (UnprocessedItems?.[this.#options.historyTableName] ?? []) as Record<string, unknown>[];
      }
    }
  }

  /** One page of an alarm's history in time order, strongly consistent, continuing after the sort key `after`. */
  async history(
    alarmId: string,
    page: { readonly limit: number; readonly after?: string },
  ): Promise<HistoryPage> {
    const entries: HistoryEntry[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined =
      page.after === undefined ? undefined : { alarmId, sk: page.after };
    // A page may come back short (1 MB cap), so keep reading until the limit or the end.
    do {
      const result = await this.#client.send(
        new QueryCommand({
          TableName: this.#options.historyTableName,
          KeyConditionExpression: "alarmId = :alarmId",
          ExpressionAttributeValues: { ":alarmId": alarmId },
          ConsistentRead: true,
          Limit: page.limit - entries.length,
          ExclusiveStartKey,
        }),
      );
      for (const item of result.Items ?? []) {
        const { sk: _sk, expiresAt: _expiresAt, ...entry } = item;
        entries.push(entry as HistoryEntry);
      }
      ExclusiveStartKey = result.LastEvaluatedKey;
    } while (ExclusiveStartKey && entries.length < page.limit);
    const last = ExclusiveStartKey?.sk;
    return { entries, ...(typeof last === "string" ? { last } : {}) };
  }

  async *scan(): AsyncIterable<ThingAlarms> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new ScanCommand({ TableName: this.#options.alarmsTableName, ExclusiveStartKey }),
      );
      for (const item of page.Items ?? []) yield item as ThingAlarms;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
}

/** Only the attribute names an expression uses may be declared. */
function pick(names: Record<string, string>, paths: readonly string[]): Record<string, string> {
  const used = new Set(paths.flatMap((path) => path.split(".")));
  return Object.fromEntries(Object.entries(names).filter(([name]) => used.has(name)));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
