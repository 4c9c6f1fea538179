import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { MATCH_FIELDS } from "./deviceSpec.ts";
import type { DeviceRecordStore, RegistryEntry } from "./ports.ts";

/**
 * Registry items in the DynamoDB registry table (partition key `thingName`), as the ingest and
 * alarm functions read them. Writes are UpdateItem, never PutItem: the ingest function's `lastSeen`
 * survives a re-provisioning.
 */
export class DynamoDbDeviceRecords implements DeviceRecordStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async get(thingName: string): Promise<RegistryEntry | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { thingName }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : entryOf(Item);
  }

  async put(entry: RegistryEntry): Promise<RegistryEntry | undefined> {
    const { Attributes } = await this.#client.send(
      new UpdateCommand({ ...this.#update(entry), ReturnValues: "ALL_OLD" }),
    );
    return Attributes === undefined ? undefined : entryOf(Attributes);
  }

  async restore(thingName: string, previous: RegistryEntry | undefined): Promise<void> {
    if (previous === undefined) {
      await this.delete(thingName);
      return;
    }
    await this.#client.send(new UpdateCommand(this.#update(previous)));
  }

  async delete(thingName: string): Promise<boolean> {
    const { Attributes } = await this.#client.send(
      new DeleteCommand({ TableName: this.#tableName, Key: { thingName }, ReturnValues: "ALL_OLD" }),
    );
    return Attributes !== undefined;
  }

  #update(entry: RegistryEntry): UpdateCommandInput {
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
      TableName: this.#tableName,
      Key: { thingName: entry.thingName },
      UpdateExpression: `SET ${set.join(", ")}${remove.length > 0 ? ` REMOVE ${remove.join(", ")}` : ""}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }
}

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

/** Whether the stored entry already says what `entry` says (`lastSeen` and unknown fields aside). */
export function sameEntry(stored: RegistryEntry | undefined, entry: RegistryEntry): boolean {
  if (stored === undefined) return false;
  if (MATCH_FIELDS.some((field) => stored[field] !== entry[field])) return false;
  const a = Object.entries(stored.attributes).map(([key, value]) => [key, String(value)]);
  const b = Object.entries(entry.attributes).map(([key, value]) => [key, String(value)]);
  const sort = (pairs: string[][]) => JSON.stringify(pairs.sort(([x = ""], [y = ""]) => x.localeCompare(y)));
  return sort(a) === sort(b);
}
