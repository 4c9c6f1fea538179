import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbSilenceStore } from "../../../../shared/adapters/aws/dynamoDbSilenceStore.ts";
import type { Silence } from "../../../../shared/domain/silences/silence.ts";
import { createSilencesTable } from "../../../support/alarmTables.ts";
import { type LocalDynamo, startDynalite } from "../../../support/dynalite.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");

function silence(id: string, overrides: Partial<Silence> = {}): Silence {
  return {
    id,
    match: { things: ["oven-*"], site: "plant-1" },
    startsAt: T0,
    endsAt: T0 + 3_600_000,
    createdBy: "arn:aws:iam::123456789012:user/ana",
    createdAt: T0,
    ...overrides,
  };
}

describe("DynamoDbSilenceStore", () => {
  let dynamo: LocalDynamo;
  let tableCount = 0;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo?.stop();
  });

  async function freshStore(
    keepExpiredMs?: number,
  ): Promise<{ store: DynamoDbSilenceStore; tableName: string }> {
    const tableName = await createSilencesTable(dynamo.client, `silences-${++tableCount}`);
    const store = new DynamoDbSilenceStore({
      client: dynamo.client,
      tableName,
      ...(keepExpiredMs === undefined ? {} : { keepExpiredMs }),
    });
    return { store, tableName };
  }

  it("puts and gets a silence as it was given", async () => {
    const { store } = await freshStore();
    const window = silence("burner-service", { comment: "burner service" });

    await store.put(window);

    expect(await store.get("burner-service")).toEqual(window);
    expect(await store.get("other")).toBeUndefined();
  });

  it("replaces a silence put again with the same id", async () => {
    const { store } = await freshStore();

    await store.put(silence("window"));
    await store.put(silence("window", { endsAt: T0 + 60_000, match: { line: "line-2" } }));

    expect(await store.list()).toEqual([
      silence("window", { endsAt: T0 + 60_000, match: { line: "line-2" } }),
    ]);
  });

  it("lists every silence ordered by start, then id", async () => {
    const { store } = await freshStore();
    await store.put(silence("b-late", { startsAt: T0 + 1000 }));
    await store.put(silence("z-early"));
    await store.put(silence("a-early"));

    expect((await store.list()).map((item) => item.id)).toEqual(["a-early", "z-early", "b-late"]);
  });

  it("sets the TTL attribute to the end plus the time expired silences are kept, in epoch seconds", async () => {
    const { store, tableName } = await freshStore(24 * 3_600_000);

    await store.put(silence("window"));

    const { Item } = await dynamo.client.send(
      new GetCommand({ TableName: tableName, Key: { id: "window" } }),
    );
    expect(Item?.expiresAt).toBe((T0 + 3_600_000 + 24 * 3_600_000) / 1000);
  });

  it("deletes a silence, telling whether there was one", async () => {
    const { store } = await freshStore();
    await store.put(silence("window"));

    expect(await store.delete("window")).toBe(true);
    expect(await store.delete("window")).toBe(false);
    expect(await store.list()).toEqual([]);
  });
});
