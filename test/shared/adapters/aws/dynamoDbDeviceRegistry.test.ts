import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DynamoDbDeviceRegistry,
  MAX_CACHED_DEVICE_AGE_MS,
  REGISTRY_REVISION_KEY,
} from "../../../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { REGISTRY_LAST_SEEN_ATTRIBUTES } from "../../../../shared/contracts/tables.ts";
import type { DeviceRecord } from "../../../../shared/ports/deviceRegistry.ts";
import { type LocalDynamo, startDynalite } from "../../../support/dynalite.ts";
import { createTable } from "../../../support/dynaliteTables.ts";
import { manualClock } from "../../../support/testClock.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const TTL_MS = 60_000;
const INTERVAL_MS = 5 * 60_000;

/** Words of the expression language, which name no attribute. */
const EXPRESSION_WORDS = new Set(["SET", "REMOVE", "ADD", "DELETE", "AND", "OR", "NOT", "BETWEEN", "IN"]);

/**
 * The top-level attributes an update names, as IAM's `dynamodb:Attributes` sees them: its key and every
 * attribute of its update and condition expressions (functions and `:values` left out).
 */
function attributesNamedBy(input: UpdateCommandInput): string[] {
  const expressions = `${input.UpdateExpression ?? ""} ${input.ConditionExpression ?? ""}`;
  const named = [...expressions.matchAll(/(?<![:\w#])#?[A-Za-z_]\w*\b(?!\s*\()/g)]
    .map(([token]) => (token.startsWith("#") ? input.ExpressionAttributeNames?.[token] : token))
    .filter((name): name is string => name !== undefined && !EXPRESSION_WORDS.has(name));
  return [...new Set([...Object.keys(input.Key ?? {}), ...named])].sort();
}

describe("DynamoDbDeviceRegistry", () => {
  let dynamo: LocalDynamo;
  let thingName: string;
  let counter = 0;
  const clock = manualClock(T0);
  const registry = (tableName = dynamo.tableName) =>
    new DynamoDbDeviceRegistry({
      tableName,
      cacheTtlMs: TTL_MS,
      lastSeenIntervalMs: INTERVAL_MS,
      clock,
      client: dynamo.client,
    });
  const provision = (device: DeviceRecord) =>
    dynamo.client.send(new PutCommand({ TableName: dynamo.tableName, Item: device }));
  const stored = async (name = thingName) =>
    (await dynamo.client.send(new GetCommand({ TableName: dynamo.tableName, Key: { thingName: name } })))
      .Item;
  const entry = (overrides: { site?: string } = {}) => ({
    thingName,
    site: "plant-1",
    line: "line-2",
    model: "KX-200",
    attributes: { maxTemp: "250" },
    ...overrides,
  });
  const requests = (operation: string) =>
    dynamo.operations.filter((candidate) => candidate === operation).length;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  beforeEach(() => {
    clock.set(T0);
    // One table for the file; each test works on a thing of its own.
    thingName = `oven-${++counter}`;
  });

  describe("get", () => {
    it("returns the device as provisioned", async () => {
      const device = {
        thingName,
        site: "plant-1",
        line: "line-2",
        model: "KX-200",
        attributes: { maxTemp: 250 },
      };
      await provision(device);

      await expect(registry().get(thingName)).resolves.toEqual(device);
    });

    it("returns undefined for an unregistered thing", async () => {
      await expect(registry().get(thingName)).resolves.toBeUndefined();
    });

    it("serves a cached device while the registry's revision stays, reading only the revision each TTL", async () => {
      await provision({ thingName, site: "plant-1" });
      const devices = registry();
      await devices.get(thingName);
      await provision({ thingName, site: "plant-2" });
      const before = requests("GetItem");

      clock.set(T0 + TTL_MS - 1);
      const beforeCheck = await devices.get(thingName);
      clock.set(T0 + TTL_MS);
      const afterCheck = await devices.get(thingName);

      expect(beforeCheck?.site).toBe("plant-1");
      // Changed by hand (no revision moved): still the cached device, and one read, of the revision.
      expect(afterCheck?.site).toBe("plant-1");
      expect(requests("GetItem") - before).toBe(1);
    });

    it("reads devices again once another container's provisioning moved the revision, within a TTL", async () => {
      const devices = registry();
      await devices.put(entry({ site: "plant-1" }));
      await expect(devices.get(thingName)).resolves.toMatchObject({ site: "plant-1" });
      const reader = registry();
      await reader.get(thingName);

      await devices.put(entry({ site: "plant-2" }));
      clock.set(T0 + TTL_MS - 1);
      const beforeCheck = await reader.get(thingName);
      clock.set(T0 + TTL_MS);
      const afterCheck = await reader.get(thingName);

      expect(beforeCheck?.site).toBe("plant-1");
      expect(afterCheck?.site).toBe("plant-2");
    });

    it("caches the absence of a device until a provisioning moves the revision", async () => {
      const reader = registry();
      await reader.get(thingName);
      await registry().put(entry({ site: "plant-1" }));

      const cached = await reader.get(thingName);
      clock.set(T0 + TTL_MS);
      const fresh = await reader.get(thingName);

      expect(cached).toBeUndefined();
      expect(fresh?.site).toBe("plant-1");
    });

    it("serves a device changed without a revision for at most MAX_CACHED_DEVICE_AGE_MS", async () => {
      await provision({ thingName, site: "plant-1" });
      const devices = registry();
      await devices.get(thingName);
      await provision({ thingName, site: "plant-2" });

      clock.set(T0 + MAX_CACHED_DEVICE_AGE_MS - 1);
      const old = await devices.get(thingName);
      clock.set(T0 + MAX_CACHED_DEVICE_AGE_MS);
      const fresh = await devices.get(thingName);

      expect(old?.site).toBe("plant-1");
      expect(fresh?.site).toBe("plant-2");
    });

    it("keeps serving its cache while the revision cannot be read, and checks again on the next lookup", async () => {
      await provision({ thingName, site: "plant-1" });
      let revisionFails = false;
      const client = {
        send: (command: GetCommand) =>
          revisionFails && command.input.Key?.thingName === REGISTRY_REVISION_KEY
            ? Promise.reject(Object.assign(new Error("throttled"), { name: "ThrottlingException" }))
            : dynamo.client.send(command),
      } as unknown as DynamoDBDocumentClient;
      const devices = new DynamoDbDeviceRegistry({
        tableName: dynamo.tableName,
        cacheTtlMs: TTL_MS,
        clock,
        client,
      });
      await devices.get(thingName);
      await registry().put(entry({ site: "plant-2" }));

      revisionFails = true;
      clock.set(T0 + TTL_MS);
      const whileFailing = await devices.get(thingName);
      revisionFails = false;
      const afterwards = await devices.get(thingName);

      expect(whileFailing?.site).toBe("plant-1");
      expect(afterwards?.site).toBe("plant-2");
    });

    it("reads the revision and the device once for concurrent lookups of one thing", async () => {
      await provision({ thingName, site: "plant-1" });
      const devices = registry();
      const before = requests("GetItem");

      const results = await Promise.all(Array.from({ length: 5 }, () => devices.get(thingName)));

      expect(requests("GetItem") - before).toBe(2);
      expect(results.map((device) => device?.site)).toEqual(Array(5).fill("plant-1"));
    });

    it("without a cache, reads the device on every lookup and never the revision", async () => {
      await provision({ thingName, site: "plant-1" });
      const devices = new DynamoDbDeviceRegistry({
        tableName: dynamo.tableName,
        clock,
        client: dynamo.client,
      });
      const before = requests("GetItem");

      await devices.get(thingName);
      await devices.get(thingName);

      expect(requests("GetItem") - before).toBe(2);
    });

    it("propagates a failed lookup and does not cache it", async () => {
      const tableName = `late-${thingName}`;
      const devices = registry(tableName);
      await expect(devices.get(thingName)).rejects.toMatchObject({ name: "ResourceNotFoundException" });
      await createTable(dynamo.client, "registry", tableName);
      await dynamo.client.send(
        new PutCommand({ TableName: tableName, Item: { thingName, site: "plant-1" } }),
      );

      const device = await devices.get(thingName);

      expect(device).toEqual({ thingName, site: "plant-1" });
    });
  });

  describe("recordLastSeen", () => {
    it("writes lastSeen on the first call", async () => {
      await provision({ thingName, site: "plant-1" });

      await registry().recordLastSeen(thingName, T0);

      expect(await stored()).toEqual({ thingName, site: "plant-1", lastSeen: T0 });
    });

    it("writes at most once per interval", async () => {
      await provision({ thingName });
      const devices = registry();
      await devices.recordLastSeen(thingName, T0);
      const before = requests("UpdateItem");

      await devices.recordLastSeen(thingName, T0 + INTERVAL_MS - 1);
      const within = await stored();
      await devices.recordLastSeen(thingName, T0 + INTERVAL_MS);
      const after = await stored();

      expect(within?.lastSeen).toBe(T0);
      expect(after?.lastSeen).toBe(T0 + INTERVAL_MS);
      expect(requests("UpdateItem") - before).toBe(1);
    });

    it("leaves a lastSeen another container wrote within the interval, then writes after it", async () => {
      await provision({ thingName });
      await registry().recordLastSeen(thingName, T0);
      const otherContainer = registry();

      await otherContainer.recordLastSeen(thingName, T0 + 1_000);
      const within = await stored();
      await otherContainer.recordLastSeen(thingName, T0 + 1_000 + INTERVAL_MS);
      const after = await stored();

      expect(within?.lastSeen).toBe(T0);
      expect(after?.lastSeen).toBe(T0 + 1_000 + INTERVAL_MS);
    });

    it("never moves lastSeen back to an older time", async () => {
      await provision({ thingName });
      await registry().recordLastSeen(thingName, T0 + INTERVAL_MS);

      await registry().recordLastSeen(thingName, T0);

      expect((await stored())?.lastSeen).toBe(T0 + INTERVAL_MS);
    });

    it("creates no item for an unregistered thing and does not throw", async () => {
      await expect(registry().recordLastSeen(thingName, T0)).resolves.toBeUndefined();

      expect(await stored()).toBeUndefined();
    });

    it("propagates an error other than a failed condition", async () => {
      await expect(registry("no-such-table").recordLastSeen(thingName, T0)).rejects.toMatchObject({
        name: "ResourceNotFoundException",
      });
    });

    it("names only the attributes ingest's IAM statement allows, and asks for no attributes back", async () => {
      const sent: UpdateCommandInput[] = [];
      const client = {
        send: async (command: { input: UpdateCommandInput }) => {
          sent.push(command.input);
          return {};
        },
      } as unknown as DynamoDBDocumentClient;

      await new DynamoDbDeviceRegistry({ tableName: "registry", client }).recordLastSeen(thingName, T0);

      expect(sent).toHaveLength(1);
      const [update] = sent as [UpdateCommandInput];
      expect(attributesNamedBy(update)).toEqual([...REGISTRY_LAST_SEEN_ATTRIBUTES].sort());
      expect(update.ReturnValues ?? "NONE").toBe("NONE");
    });
  });

  describe("provisioning entries (DeviceRecordStore)", () => {
    it("writes an entry, keeping the lastSeen the ingest function wrote, and returns what was there", async () => {
      await provision({ thingName, site: "plant-0", attributes: { maxTemp: 200 }, lastSeen: T0 });

      const previous = await registry().put(entry());

      expect(previous).toEqual({ thingName, site: "plant-0", attributes: { maxTemp: 200 } });
      expect(await stored()).toEqual({ ...entry(), lastSeen: T0 });
      await expect(registry().getEntry(thingName)).resolves.toEqual(entry());
    });

    it("returns undefined from a first write, and removes match fields the entry no longer has", async () => {
      await expect(registry().put(entry())).resolves.toBeUndefined();

      await registry().put({ thingName, site: "plant-1", attributes: {} });

      expect(await stored()).toEqual({ thingName, site: "plant-1", attributes: {} });
    });

    it("reads an entry leniently: match fields that are not text are left out, missing attributes are empty", async () => {
      await provision({ thingName, site: 7, line: "line-1" } as unknown as DeviceRecord);

      await expect(registry().getEntry(thingName)).resolves.toEqual({
        thingName,
        line: "line-1",
        attributes: {},
      });
      await expect(registry().getEntry(`${thingName}-none`)).resolves.toBeUndefined();
    });

    it("restores the previous entry, or deletes the item when there was none", async () => {
      const devices = registry();
      const created = await devices.put(entry());
      await devices.restore(thingName, created);
      expect(await stored()).toBeUndefined();

      await provision({ thingName, site: "plant-0", attributes: {}, lastSeen: T0 });
      const previous = await devices.put(entry());
      await devices.restore(thingName, previous);
      expect(await stored()).toEqual({ thingName, site: "plant-0", attributes: {}, lastSeen: T0 });
    });

    it("deletes an item, saying whether there was one", async () => {
      await provision({ thingName });

      await expect(registry().delete(thingName)).resolves.toBe(true);
      await expect(registry().delete(thingName)).resolves.toBe(false);
      expect(await stored()).toBeUndefined();
    });

    it("drops its cached device when it writes or deletes the entry itself", async () => {
      const devices = registry();
      await expect(devices.get(thingName)).resolves.toBeUndefined();

      await devices.put(entry());
      await expect(devices.get(thingName)).resolves.toMatchObject({ site: "plant-1" });

      await devices.delete(thingName);
      await expect(devices.get(thingName)).resolves.toBeUndefined();
    });
  });

  describe("list", () => {
    it("lists every device, sorted, and leaves the revision item out", async () => {
      const tableName = `list-${thingName}`;
      await createTable(dynamo.client, "registry", tableName);
      const devices = registry(tableName);
      await devices.put({ thingName: "oven-b", attributes: {} });
      await devices.put({ thingName: "oven-a", site: "plant-1", attributes: {} });

      const listed = await devices.list();

      expect(listed.map((device) => device.thingName)).toEqual(["oven-a", "oven-b"]);
      const revision = await dynamo.client.send(
        new GetCommand({ TableName: tableName, Key: { thingName: REGISTRY_REVISION_KEY } }),
      );
      expect(revision.Item?.revision).toBe(2);
    });
  });
});
