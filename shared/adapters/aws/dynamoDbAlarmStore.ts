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
import { ALARM_CHANGE_FEED } from "../../contracts/tables.ts";
import type { ThingAlarms } from "../../domain/alarms/alarmState.ts";
import { type HistoryEntry, type HistoryRecord, historyOutboxKey } from "../../domain/alarms/history.ts";
import {
  type AlarmChange,
  type AlarmChangeFeed,
  type FeedPosition,
  feedPositionAt,
} from "../../ports/alarmChangeFeed.ts";
import type { AlarmHistoryReader, HistoryPage } from "../../ports/alarmHistory.ts";
import type { AlarmStore, CommitOutcome } from "../../ports/alarmStore.ts";
import { type Clock, systemClock } from "../../ports/clock.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import { documentClient } from "./documentClient.ts";
import { backoffDelay, DEFAULT_BACKOFF } from "./retry.ts";

export type DynamoDbAlarmStoreOptions = {
  /** One item per thing, partition key `thingName`. */
  readonly alarmsTableName: string;
  /** Partition key `alarmId`, sort key `sk`, TTL attribute `expiresAt`. */
  readonly historyTableName: string;
  readonly historyRetentionMs: number;
  /** Stamps the change feed attributes of every history write; default the system clock. */
  readonly clock?: Clock;
} & ClientOrConfig<DynamoDBDocumentClient, DynamoDBClientConfig>;

/** Outbox keys removed per UpdateItem, keeping the expression well under DynamoDB's 4 KB limit. */
const KEYS_PER_CLEAR = 20;
const BATCH_WRITE_LIMIT = 25;
const MAX_BATCH_ATTEMPTS = 8;
const DAY_MS = 86_400_000;

/**
 * The change feed attributes (`ALARM_CHANGE_FEED`) of a history item written at `time`: the write
 * time, not the entry's event time, so a late transition still reaches a reader polling for news.
 */
function feedAttributes(item: Record<string, unknown>, time: number): Record<string, unknown> {
  const position = feedPositionAt(time);
  return {
    ...item,
    [ALARM_CHANGE_FEED.partitionKey]: position.slice(0, 10),
    [ALARM_CHANGE_FEED.sortKey]: `${position}#${String(item.alarmId)}#${String(item.sk)}`,
  };
}

/** Alarm state in DynamoDB: versioned thing documents written with a condition on the version. */
export class DynamoDbAlarmStore implements AlarmStore, AlarmHistoryReader, AlarmChangeFeed {
  readonly #client: DynamoDBDocumentClient;
  readonly #options: DynamoDbAlarmStoreOptions;
  readonly #clock: Clock;

  constructor(options: DynamoDbAlarmStoreOptions) {
    this.#client = options.client ?? documentClient(options.clientConfig);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
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
    const items: Record<string, unknown>[] = unique.map(({ sk, entry }) => ({
      ...entry,
      sk,
      expiresAt: Math.floor(entry.at / 1000) + retentionSeconds,
    }));
    for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
      let pending = items.slice(start, start + BATCH_WRITE_LIMIT);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_BATCH_ATTEMPTS) {
          throw new Error(`${pending.length} history record(s) stayed unprocessed after ${attempt} attempts`);
        }
        if (attempt > 0) await sleep(backoffDelay(attempt, DEFAULT_BACKOFF));
        // Stamped at each attempt, so a retried item is not written with a time the feed has passed.
        const now = this.#clock.now();
        const requests = pending.map((item) => ({ PutRequest: { Item: feedAttributes(item, now) } }));
        const { UnprocessedItems } = await this.#client.send(
          new BatchWriteCommand({ RequestItems: { [this.#options.historyTableName]: requests } }),
        );
        pending = (UnprocessedItems?.[this.#options.historyTableName] ?? []).flatMap((request) =>
          request.PutRequest?.Item ? [request.PutRequest.Item] : [],
        );
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
        const {
          sk: _sk,
          expiresAt: _expiresAt,
          [ALARM_CHANGE_FEED.partitionKey]: _day,
          [ALARM_CHANGE_FEED.sortKey]: _key,
          ...entry
        } = item;
        entries.push(entry as HistoryEntry);
      }
      ExclusiveStartKey = result.LastEvaluatedKey;
    } while (ExclusiveStartKey && entries.length < page.limit);
    const last = ExclusiveStartKey?.sk;
    return { entries, ...(typeof last === "string" ? { last } : {}) };
  }

  /**
   * The change feed index, one Query per UTC day from `after`'s to `until`'s, eventually consistent
   * as every index read is (the API's cursor overlap allows for the lag).
   */
  async *changesAfter(after: FeedPosition, until: number): AsyncIterable<AlarmChange> {
    const { indexName, partitionKey, sortKey } = ALARM_CHANGE_FEED;
    for (let day = Date.parse(after.slice(0, 10)); day <= until; day += DAY_MS) {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await this.#client.send(
          new QueryCommand({
            TableName: this.#options.historyTableName,
            IndexName: indexName,
            KeyConditionExpression: "#day = :day AND #key > :after",
            ExpressionAttributeNames: { "#day": partitionKey, "#key": sortKey },
            ExpressionAttributeValues: { ":day": feedPositionAt(day).slice(0, 10), ":after": after },
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) {
          yield { alarmId: String(item.alarmId), position: String(item[sortKey]) };
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }
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
