import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, paginateScan, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "../../ports/clock.ts";
import { systemClock } from "../../ports/clock.ts";
import type { DeviceCatalog, DeviceRecord, DeviceRegistry } from "../../ports/deviceRegistry.ts";

export type DynamoDbDeviceRegistryOptions = {
  readonly tableName: string;
  /** How long a looked-up device (or its absence) is trusted. */
  readonly cacheTtlMs: number;
  /** `lastSeen` is written at most once per this interval per thing, across all containers. */
  readonly lastSeenIntervalMs: number;
  readonly clock?: Clock;
} & (
  | { readonly client: DynamoDBDocumentClient; readonly clientConfig?: never }
  | { readonly client?: never; readonly clientConfig?: DynamoDBClientConfig }
);

/** Entries kept per container; a fleet larger than this only costs extra reads. */
const MAX_CACHED_THINGS = 20_000;

/** Sets `key`, evicting the oldest entry when full (a Map iterates in insertion order). */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= MAX_CACHED_THINGS) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/** The device registry table: partition key `thingName`; items written by `plantwatch provision`. */
export class DynamoDbDeviceRegistry implements DeviceRegistry, DeviceCatalog {
  readonly #client: DynamoDBDocumentClient;
  readonly #options: DynamoDbDeviceRegistryOptions;
  readonly #clock: Clock;
  readonly #cache = new Map<string, { expires: number; device: Promise<DeviceRecord | undefined> }>();
  readonly #lastSeenWritten = new Map<string, number>();

  constructor(options: DynamoDbDeviceRegistryOptions) {
    this.#client =
      options.client ??
      DynamoDBDocumentClient.from(new DynamoDBClient(options.clientConfig ?? {}), {
        marshallOptions: { removeUndefinedValues: true },
      });
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  get(thingName: string): Promise<DeviceRecord | undefined> {
    const now = this.#clock.now();
    const cached = this.#cache.get(thingName);
    if (cached && cached.expires > now) return cached.device;
    // Cache the promise, so concurrent lookups for one thing make one request.
    const device = this.#fetch(thingName);
    const entry = { expires: now + this.#options.cacheTtlMs, device };
    remember(this.#cache, thingName, entry);
    device.catch(() => {
      if (this.#cache.get(thingName) === entry) this.#cache.delete(thingName);
    });
    return device;
  }

  async recordLastSeen(thingName: string, at: number): Promise<void> {
    const interval = this.#options.lastSeenIntervalMs;
    const written = this.#lastSeenWritten.get(thingName);
    if (written !== undefined && at - written < interval) return;
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#options.tableName,
          Key: { thingName },
          UpdateExpression: "SET lastSeen = :at",
          // Only registered things, and only when the stored value is an interval old: other
          // containers handling the same thing then skip their write instead of repeating it.
          ConditionExpression:
            "attribute_exists(thingName) AND (attribute_not_exists(lastSeen) OR lastSeen <= :cutoff)",
          ExpressionAttributeValues: { ":at": at, ":cutoff": at - interval },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
    }
    remember(this.#lastSeenWritten, thingName, at);
  }

  /** Every device, sorted by thing name; reads the whole table (every page), bypassing the cache. */
  async list(): Promise<readonly DeviceRecord[]> {
    const devices: DeviceRecord[] = [];
    for await (const page of paginateScan({ client: this.#client }, { TableName: this.#options.tableName })) {
      for (const item of page.Items ?? []) devices.push(item as DeviceRecord);
    }
    return devices.sort((a, b) => (a.thingName < b.thingName ? -1 : a.thingName > b.thingName ? 1 : 0));
  }

  async #fetch(thingName: string): Promise<DeviceRecord | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#options.tableName, Key: { thingName } }),
    );
    return Item as DeviceRecord | undefined;
  }
}
