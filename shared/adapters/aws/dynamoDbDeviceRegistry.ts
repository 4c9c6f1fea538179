import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateScan,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type { Clock } from "../../ports/clock.ts";
import { systemClock } from "../../ports/clock.ts";
import { type DeviceRecordStore, MATCH_FIELDS, type RegistryEntry } from "../../ports/deviceRecords.ts";
import type { DeviceCatalog, DeviceRecord, DeviceRegistry } from "../../ports/deviceRegistry.ts";
import { TtlCache } from "../../ttlCache.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import { documentClient } from "./documentClient.ts";

export type DynamoDbDeviceRegistryOptions = {
  readonly tableName: string;
  /**
   * How often `get` checks the registry's revision: a looked-up device (or its absence) is served
   * from memory until a change through this adapter moved the revision, and at most
   * `MAX_CACHED_DEVICE_AGE_MS`. Default 0: no cache, every `get` reads the device.
   */
  readonly cacheTtlMs?: number;
  /**
   * `lastSeen` is written at most once per this interval per thing, across all containers; default 0,
   * every sighting. Provisioning, which never records sightings, leaves both out.
   */
  readonly lastSeenIntervalMs?: number;
  readonly clock?: Clock;
} & ClientOrConfig<DynamoDBDocumentClient, DynamoDBClientConfig>;

/** Entries kept per container; a fleet larger than this only costs extra reads. */
const MAX_CACHED_THINGS = 20_000;

/**
 * The key of the registry's revision item, which every entry write through this adapter moves after
 * the entry (the ruleset item's pattern, C3): running functions then read one small item a minute
 * instead of every device a minute. A thing name cannot start with "#" (`THING_NAME_PATTERN`).
 */
export const REGISTRY_REVISION_KEY = "#revision";

/**
 * How long a cached device is served even when the revision did not move: the bound for an entry
 * changed without this adapter (by hand in the console), which moves no revision.
 */
export const MAX_CACHED_DEVICE_AGE_MS = 60 * 60_000;

/** Sets `key`, evicting the oldest entry when full (a Map iterates in insertion order). */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= MAX_CACHED_THINGS) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/**
 * The device registry table (partition key `thingName`), the one adapter for it: the functions read
 * devices and record sightings (`DeviceRegistry`, `DeviceCatalog`), `plantwatch provision` and the
 * local demo write entries (`DeviceRecordStore`). Entry writes are UpdateItem, never PutItem, so the
 * ingest function's `lastSeen` survives a re-provisioning.
 */
export class DynamoDbDeviceRegistry implements DeviceRegistry, DeviceCatalog, DeviceRecordStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #options: DynamoDbDeviceRegistryOptions;
  readonly #cache: TtlCache<string, DeviceRecord | undefined>;
  readonly #clock: Clock;
  readonly #lastSeenWritten = new Map<string, number>();
  /** The revision the cached devices were read under, and when to check it again. */
  #revision: { value: number | undefined; checkAt: number } | undefined;
  #checking: Promise<void> | undefined;

  constructor(options: DynamoDbDeviceRegistryOptions) {
    this.#client = options.client ?? documentClient(options.clientConfig);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#cache = new TtlCache({
      ttlMs: (options.cacheTtlMs ?? 0) > 0 ? MAX_CACHED_DEVICE_AGE_MS : 0,
      clock: this.#clock,
      maxEntries: MAX_CACHED_THINGS,
    });
  }

  async get(thingName: string): Promise<DeviceRecord | undefined> {
    if ((this.#options.cacheTtlMs ?? 0) > 0) await this.#checkRevision();
    return this.#cache.get(thingName, () => this.#fetch(thingName));
  }

  /**
   * At most every `cacheTtlMs`, reads the revision item and forgets every cached device if it moved.
   * A failed read keeps the cache (the devices it holds are no less true than before) and is tried
   * again by the next lookup; concurrent lookups share one read.
   */
  #checkRevision(): Promise<void> {
    const now = this.#clock.now();
    if (this.#revision !== undefined && now < this.#revision.checkAt) return Promise.resolve();
    this.#checking ??= this.#readRevision()
      .then((value) => {
        if (this.#revision !== undefined && this.#revision.value !== value) this.#cache.clear();
        this.#revision = { value, checkAt: now + (this.#options.cacheTtlMs ?? 0) };
      })
      .catch(() => undefined)
      .finally(() => {
        this.#checking = undefined;
      });
    return this.#checking;
  }

  async #readRevision(): Promise<number | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#options.tableName,
        Key: { thingName: REGISTRY_REVISION_KEY },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.revision === "number" ? Item.revision : undefined;
  }

  /** Moves the revision after an entry changed, so that every running function reads devices again. */
  async #bumpRevision(): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#options.tableName,
        Key: { thingName: REGISTRY_REVISION_KEY },
        UpdateExpression: "ADD revision :one",
        ExpressionAttributeValues: { ":one": 1 },
      }),
    );
  }

  async recordLastSeen(thingName: string, at: number): Promise<void> {
    const interval = this.#options.lastSeenIntervalMs ?? 0;
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
      for (const item of page.Items ?? []) {
        if (item.thingName !== REGISTRY_REVISION_KEY) devices.push(item as DeviceRecord);
      }
    }
    return devices.sort((a, b) => (a.thingName < b.thingName ? -1 : a.thingName > b.thingName ? 1 : 0));
  }

  async getEntry(thingName: string): Promise<RegistryEntry | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#options.tableName, Key: { thingName }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : entryOf(Item);
  }

  async put(entry: RegistryEntry): Promise<RegistryEntry | undefined> {
    const { Attributes } = await this.#client.send(
      new UpdateCommand({ ...this.#entryUpdate(entry), ReturnValues: "ALL_OLD" }),
    );
    await this.#bumpRevision();
    // A lookup through this adapter sees the new entry at once (the local stack shares one).
    this.#cache.delete(entry.thingName);
    return Attributes === undefined ? undefined : entryOf(Attributes);
  }

  async restore(thingName: string, previous: RegistryEntry | undefined): Promise<void> {
    if (previous === undefined) {
      await this.delete(thingName);
      return;
    }
    await this.#client.send(new UpdateCommand(this.#entryUpdate(previous)));
    await this.#bumpRevision();
    this.#cache.delete(thingName);
  }

  async delete(thingName: string): Promise<boolean> {
    const { Attributes } = await this.#client.send(
      new DeleteCommand({ TableName: this.#options.tableName, Key: { thingName }, ReturnValues: "ALL_OLD" }),
    );
    await this.#bumpRevision();
    this.#cache.delete(thingName);
    return Attributes !== undefined;
  }

  /** Sets the match fields and attributes, removes match fields the entry lacks; `lastSeen` is untouched. */
  #entryUpdate(entry: RegistryEntry): UpdateCommandInput {
    const set = ["#attributes = :attributes"];
    const remove: string[] = [];
    const names: Record<string, string> = { "#attributes": "attributes" };
    const values: Record<string, unknown> = { ":attributes": { ...entry.attributes } };
    for (const field of MATCH_FIELDS) {
      names[`#${field}`] = field;
      const value = entry[field];
      if (value === undefined) {
        remove.push(`#${field}`);
      } else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    return {
      TableName: this.#options.tableName,
      Key: { thingName: entry.thingName },
      UpdateExpression: `SET ${set.join(", ")}${remove.length > 0 ? ` REMOVE ${remove.join(", ")}` : ""}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  /** Strongly consistent: a device read just after the revision moved must be the changed one. */
  async #fetch(thingName: string): Promise<DeviceRecord | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#options.tableName, Key: { thingName }, ConsistentRead: true }),
    );
    return Item as DeviceRecord | undefined;
  }
}

/** An item as an entry: the match fields that are text, and `attributes` (empty when missing). */
function entryOf(item: Record<string, unknown>): RegistryEntry {
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const attributes = item.attributes;
  return {
    thingName: String(item.thingName),
    ...Object.fromEntries(
      MATCH_FIELDS.flatMap((field) => {
        const value = text(item[field]);
        return value === undefined ? [] : [[field, value]];
      }),
    ),
    attributes:
      attributes !== null && typeof attributes === "object"
        ? (attributes as Record<string, string | number>)
        : {},
  };
}
