import { gunzipSync } from "node:zlib";
import type { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { TimestreamWriteClient, WriteRecordsCommand } from "@aws-sdk/client-timestream-write";
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { REGISTRY_REVISION_KEY } from "../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { entrySize } from "../shared/adapters/aws/eventBridgePublisher.ts";
import { ALARM_CHANGE_FEED } from "../shared/contracts/tables.ts";
import { dynamoDbItemSize, readUnits, writeUnits } from "./dynamoDbItemSize.ts";
import { timestreamRecordBytes, timestreamRequestBytes } from "./timestreamWriteSize.ts";

/**
 * Stand-ins for the SDK clients the real adapters are built with: each answers as AWS would for the
 * calls those adapters make, and counts what AWS would bill. No network, no AWS account.
 */

export interface TimestreamCounts {
  requests: number;
  records: number;
  /** 1 KB write units: each request's size rounded up to 1 KB. */
  writeUnits: number;
  /** Billed bytes of the requests. */
  bytes: number;
  /** Bytes the records take in storage (dimensions included in each). */
  storedBytes: number;
}

export function countingTimestreamClient(): { client: TimestreamWriteClient; counts: TimestreamCounts } {
  const counts: TimestreamCounts = { requests: 0, records: 0, writeUnits: 0, bytes: 0, storedBytes: 0 };
  const client = {
    send: async (command: WriteRecordsCommand) => {
      const bytes = timestreamRequestBytes(command.input);
      counts.requests++;
      counts.records += command.input.Records?.length ?? 0;
      counts.bytes += bytes;
      counts.writeUnits += Math.max(1, Math.ceil(bytes / 1024));
      const records = command.input.Records ?? [];
      for (let index = 0; index < records.length; index++) {
        counts.storedBytes += timestreamRecordBytes(command.input, index);
      }
      return { RecordsIngested: { Total: command.input.Records?.length ?? 0 } };
    },
  };
  return { client: client as unknown as TimestreamWriteClient, counts };
}

export interface InfluxCounts {
  /** `POST /write` requests: no per-request charge, but they size the Lambda's work. */
  requests: number;
  /** Line-protocol lines (points) written. */
  lines: number;
  /** Bytes on the wire (gzip-compressed when the adapter compresses). */
  bytes: number;
  /** Bytes of line protocol before compression. */
  lineBytes: number;
}

/**
 * A `fetch` that answers like an InfluxDB server that accepts every write (204) and counts what was
 * sent. Anything other than a `/write` is answered 404, so an adapter that calls something else
 * fails the measurement instead of being counted as free.
 */
export function countingInfluxFetch(): { fetch: typeof fetch; counts: InfluxCounts } {
  const counts: InfluxCounts = { requests: 0, lines: 0, bytes: 0, lineBytes: 0 };
  const countingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (request.method !== "POST" || new URL(request.url).pathname !== "/write") {
      return new Response(JSON.stringify({ error: "not found" }), { status: 404 });
    }
    const sent = Buffer.from(await request.arrayBuffer());
    const body = request.headers.get("content-encoding") === "gzip" ? gunzipSync(sent) : sent;
    const text = body.toString("utf8");
    counts.requests++;
    counts.bytes += sent.byteLength;
    counts.lineBytes += body.byteLength;
    counts.lines += text.split("\n").filter((line) => line.trim() !== "").length;
    return new Response(null, { status: 204 });
  };
  return { fetch: countingFetch as typeof fetch, counts };
}

export interface EventBridgeCounts {
  requests: number;
  entries: number;
  /** Billed events: each entry in 64 KB chunks. */
  billedEvents: number;
}

export function countingEventBridgeClient(): { client: EventBridgeClient; counts: EventBridgeCounts } {
  const counts: EventBridgeCounts = { requests: 0, entries: 0, billedEvents: 0 };
  const client = {
    send: async (command: PutEventsCommand) => {
      const entries = command.input.Entries ?? [];
      counts.requests++;
      counts.entries += entries.length;
      for (const entry of entries) counts.billedEvents += Math.max(1, Math.ceil(entrySize(entry) / 65_536));
      return { FailedEntryCount: 0, Entries: entries.map((_, index) => ({ EventId: `event-${index}` })) };
    },
  };
  return { client: client as unknown as EventBridgeClient, counts };
}

export interface TableCounts {
  reads: number;
  readUnits: number;
  writes: number;
  writeUnits: number;
  /** Conditional writes whose condition failed (billed all the same). */
  conditionFailures: number;
  /** Reads of the registry's revision item: a container's periodic check, not a device's lookup. */
  revisionReadUnits: number;
  /** Writes that carry or clear an outbox: a transition's commit and its delivery, priced per transition. */
  transitionWriteUnits: number;
}

type Item = Record<string, unknown>;

interface CommandLike {
  readonly input: Record<string, unknown>;
}

const conditionFailed = () =>
  Object.assign(new Error("The conditional request failed"), {
    name: "ConditionalCheckFailedException",
  });

/**
 * One DynamoDB document client for the plantwatch tables: it keeps items in memory and applies the
 * few request shapes the registry and alarm-store adapters send (get, put with a version condition,
 * the lastSeen and outbox updates, batch writes), counting request units per table.
 */
export class CountingDynamoDb {
  readonly tables = new Map<string, Map<string, Item>>();
  readonly counts = new Map<string, TableCounts>();

  get client(): DynamoDBDocumentClient {
    return { send: (command: CommandLike) => this.#send(command) } as unknown as DynamoDBDocumentClient;
  }

  put(tableName: string, key: string, item: Item): void {
    this.#table(tableName).set(key, structuredClone(item));
  }

  countsOf(tableName: string): TableCounts {
    let counts = this.counts.get(tableName);
    if (!counts) {
      counts = {
        reads: 0,
        readUnits: 0,
        writes: 0,
        writeUnits: 0,
        conditionFailures: 0,
        revisionReadUnits: 0,
        transitionWriteUnits: 0,
      };
      this.counts.set(tableName, counts);
    }
    return counts;
  }

  /** Bytes of every item in a table, as DynamoDB bills storage (plus 100 bytes of overhead each). */
  storedBytes(tableName: string): number {
    let bytes = 0;
    for (const item of this.#table(tableName).values()) bytes += dynamoDbItemSize(item) + 100;
    return bytes;
  }

  async #send(command: CommandLike): Promise<unknown> {
    const input = command.input;
    const tableName = input.TableName as string;
    if (command instanceof GetCommand) {
      const item = this.#table(tableName).get(keyOf(input.Key));
      const counts = this.countsOf(tableName);
      const units = readUnits(item ? dynamoDbItemSize(item) : 0, input.ConsistentRead === true);
      counts.reads++;
      counts.readUnits += units;
      if (keyOf(input.Key) === REGISTRY_REVISION_KEY) counts.revisionReadUnits += units;
      return { Item: item === undefined ? undefined : structuredClone(item) };
    }
    if (command instanceof PutCommand) return this.#putItem(tableName, input);
    if (command instanceof QueryCommand && input.IndexName === ALARM_CHANGE_FEED.indexName) {
      return this.#queryChangeFeed(tableName, input);
    }
    if (command instanceof UpdateCommand) return this.#update(tableName, input);
    if (command instanceof BatchWriteCommand) {
      for (const [name, requests] of Object.entries(
        input.RequestItems as Record<string, { PutRequest: { Item: Item } }[]>,
      )) {
        for (const { PutRequest } of requests) {
          const counts = this.countsOf(name);
          counts.writes++;
          counts.writeUnits += writeUnits(dynamoDbItemSize(PutRequest.Item));
          this.#table(name).set(`${PutRequest.Item.alarmId}|${PutRequest.Item.sk}`, PutRequest.Item);
        }
      }
      return { UnprocessedItems: {} };
    }
    throw new Error(`the cost model's DynamoDB stand-in does not answer ${command.constructor.name}`);
  }

  /**
   * The change feed's one Query shape (`day = :day AND key > :after`) on the keys-only index, billed
   * as DynamoDB bills a Query: the keys read, rounded up to 4 KB, halved for an eventually consistent read.
   */
  #queryChangeFeed(tableName: string, input: Record<string, unknown>): unknown {
    const { partitionKey, sortKey } = ALARM_CHANGE_FEED;
    const values = input.ExpressionAttributeValues as Item;
    const items = [...this.#table(tableName).values()]
      .filter(
        (item) => item[partitionKey] === values[":day"] && String(item[sortKey]) > String(values[":after"]),
      )
      .sort((a, b) => String(a[sortKey]).localeCompare(String(b[sortKey])))
      .map((item) => ({
        alarmId: item.alarmId,
        sk: item.sk,
        [partitionKey]: item[partitionKey],
        [sortKey]: item[sortKey],
      }));
    const counts = this.countsOf(tableName);
    counts.reads++;
    counts.readUnits += readUnits(
      items.reduce((bytes, item) => bytes + dynamoDbItemSize(item), 0),
      input.ConsistentRead === true,
    );
    return { Items: items };
  }

  #putItem(tableName: string, input: Record<string, unknown>): unknown {
    const item = input.Item as Item;
    const key = String(item.thingName);
    const table = this.#table(tableName);
    const existing = table.get(key);
    const counts = this.countsOf(tableName);
    const units = writeUnits(dynamoDbItemSize(item), existing ? dynamoDbItemSize(existing) : 0);
    counts.writes++;
    counts.writeUnits += units;
    if (Object.keys((item.outbox as Item | undefined) ?? {}).length > 0) counts.transitionWriteUnits += units;
    const expected = (input.ExpressionAttributeValues as Item | undefined)?.[":expected"];
    const holds = expected === undefined ? existing === undefined : existing?.version === expected;
    if (!holds) {
      counts.conditionFailures++;
      throw conditionFailed();
    }
    table.set(key, structuredClone(item));
    return {};
  }

  /** The two updates the adapters send: `SET lastSeen = :at` (registry) and the outbox `REMOVE ... SET version`. */
  #update(tableName: string, input: Record<string, unknown>): unknown {
    const key = keyOf(input.Key);
    const table = this.#table(tableName);
    const existing = table.get(key);
    const counts = this.countsOf(tableName);
    counts.writes++;
    const values = (input.ExpressionAttributeValues ?? {}) as Item;
    const expression = String(input.UpdateExpression);
    if (!existing) {
      counts.writeUnits += writeUnits(0);
      counts.conditionFailures++;
      throw conditionFailed();
    }
    const next = structuredClone(existing);
    if (expression.startsWith("SET lastSeen")) {
      const lastSeen = existing.lastSeen as number | undefined;
      if (lastSeen !== undefined && lastSeen > (values[":cutoff"] as number)) {
        counts.writeUnits += writeUnits(dynamoDbItemSize(existing));
        counts.conditionFailures++;
        throw conditionFailed();
      }
      next.lastSeen = values[":at"];
    } else {
      const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
      const removals = expression
        .replace(/^REMOVE /, "")
        .replace(/ SET .*$/, "")
        .split(", ");
      for (const path of removals) {
        const [map, entry] = path.split(".").map((name) => names[name] ?? name) as [string, string];
        const inner = next[map] as Item | undefined;
        if (inner) delete inner[entry];
      }
      next.version = Number(next.version) + 1;
    }
    const units = writeUnits(dynamoDbItemSize(existing), dynamoDbItemSize(next));
    counts.writeUnits += units;
    if (!expression.startsWith("SET lastSeen")) counts.transitionWriteUnits += units;
    table.set(key, next);
    return {};
  }

  #table(name: string): Map<string, Item> {
    let table = this.tables.get(name);
    if (!table) {
      table = new Map();
      this.tables.set(name, table);
    }
    return table;
  }
}

function keyOf(key: unknown): string {
  return String((key as Item).thingName);
}
