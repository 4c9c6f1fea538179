import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CachedRuleSource,
  DynamoDbRuleRepository,
  type InvalidStoredRule,
  NO_RULES_VERSION,
  RULESET_ITEM_ID,
  RuleWriteError,
} from "../../../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import type { AlarmRuleDocument } from "../../../../shared/contracts/alarmRules.ts";
import { type LocalDynamo, startDynalite } from "../../../support/dynalite.ts";
import { createRulesTable, deleteTable } from "../../../support/dynaliteTables.ts";
import { manualClock } from "../../../support/testClock.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const REFRESH_MS = 30_000;
const NO_WAIT = { baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {} };

function rule(id: string, overrides: Record<string, unknown> = {}): AlarmRuleDocument {
  return {
    id,
    name: `Rule ${id}`,
    severity: "major",
    kind: "threshold",
    metric: "temperature",
    match: { things: ["oven-*"], site: "plant-1" },
    condition: { op: ">", value: { attribute: "maxTemp", default: 250.5 } },
    for: "60s",
    latch: true,
    schedule: { days: ["mon-fri"], from: "06:00", to: "22:00", tz: "Europe/Berlin" },
    ...overrides,
  } as AlarmRuleDocument;
}

const rules = (count: number, prefix = "rule") =>
  Array.from({ length: count }, (_, index) => rule(`${prefix}-${String(index).padStart(4, "0")}`));

describe("DynamoDbRuleRepository", () => {
  let dynamo: LocalDynamo;
  let tableName: string;
  let counter = 0;
  // The server's log of operations, from the last reset on.
  let mark = 0;
  const resetOperations = () => {
    mark = dynamo.operations.length;
  };
  const operations = () => dynamo.operations.slice(mark);
  const repository = (client: DynamoDBDocumentClient = dynamo.client, maxAttempts = 8) =>
    new DynamoDbRuleRepository({
      tableName,
      client,
      clock: manualClock(T0),
      backoff: { ...NO_WAIT, maxAttempts },
    });
  const requests = (operation: string) => operations().filter((candidate) => candidate === operation).length;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  beforeEach(async () => {
    tableName = await createRulesTable(dynamo, `rules-${++counter}`);
  });

  it("stores the documents as authored and lists them by id", async () => {
    const documents = [rule("b"), rule("a", { condition: { op: "==", value: false }, description: "x" })];

    await repository().apply({ put: documents, delete: [] });
    const listed = await repository().list();

    expect(listed).toEqual([
      { valid: true, id: "a", document: documents[1], updatedAt: "2026-11-25T12:00:00.000Z" },
      { valid: true, id: "b", document: documents[0], updatedAt: "2026-11-25T12:00:00.000Z" },
    ]);
  });

  it("has no version before the first apply, then one that names the content of the set", async () => {
    const rules = repository();
    const before = await rules.version();

    const first = await rules.apply({ put: [rule("a"), rule("b")], delete: [] });
    const same = await rules.apply({ put: [rule("a")], delete: [] });
    const changed = await rules.apply({ put: [rule("a", { severity: "minor" })], delete: [] });
    const deleted = await rules.apply({ put: [rule("a")], delete: ["b"] });
    const restored = await rules.apply({ put: [rule("b")], delete: [] });

    expect(before).toBeUndefined();
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(same).toBe(first);
    expect(new Set([first, changed, deleted]).size).toBe(3);
    expect(restored).toBe(first);
    expect(await rules.version()).toBe(first);
  });

  it("deletes rules and keeps the version item out of the listing", async () => {
    await repository().apply({ put: [rule("a"), rule("b"), rule("c")], delete: [] });

    await repository().apply({ put: [], delete: ["a", "c"] });

    expect((await repository().list()).map((stored) => stored.id)).toEqual(["b"]);
  });

  it("writes in batches of 25 and bumps the version only after every rule is written", async () => {
    resetOperations();

    await repository().apply({ put: rules(60), delete: [] });

    const batches = operations().flatMap((operation, index) =>
      operation === "BatchWriteItem" ? [index] : [],
    );
    expect(batches).toHaveLength(3);
    expect(operations().indexOf("UpdateItem")).toBeGreaterThan(Math.max(...batches));
    expect(requests("UpdateItem")).toBe(1);
  });

  it("never shows a reader the new version without all of its rules", async () => {
    const seen: { version: string | undefined; count: number }[] = [];
    let applying = true;
    const reader = (async () => {
      while (applying) {
        const version = await repository().version();
        seen.push({ version, count: (await repository().list()).length });
      }
    })();

    const version = await repository().apply({ put: rules(120), delete: [] });
    applying = false;
    await reader;
    seen.push({ version: await repository().version(), count: (await repository().list()).length });

    expect(
      seen.filter((observation) => observation.version === version).every(({ count }) => count === 120),
    ).toBe(true);
  });

  it("ends concurrent applies with the version of the set as it is", async () => {
    await Promise.all([
      repository().apply({ put: rules(40, "left"), delete: [] }),
      repository().apply({ put: rules(40, "right"), delete: [] }),
    ]);

    const version = await repository().version();
    const recomputed = await repository().apply({ put: [], delete: [] });

    expect(recomputed).toBe(version);
    expect(await repository().list()).toHaveLength(80);
  });

  it("reads every page of a large table", async () => {
    const big = rules(550).map((document) => ({ ...document, description: "d".repeat(2_000) }));
    await repository().apply({ put: big, delete: [] });
    resetOperations();

    const listed = await repository().list();

    expect(listed).toHaveLength(550);
    expect(requests("Scan")).toBeGreaterThan(1);
  });

  it("retries unprocessed items until every rule is written", async () => {
    let calls = 0;
    const flaky = withBatchWrite(dynamo.client, async (command) => {
      const items = command.input.RequestItems?.[tableName] ?? [];
      calls++;
      // The first call processes only 10 items and hands the rest back, as DynamoDB does under load.
      const processed = calls === 1 ? items.slice(0, 10) : items;
      await dynamo.client.send(new BatchWriteCommand({ RequestItems: { [tableName]: processed } }));
      const unprocessed = items.slice(processed.length);
      return { UnprocessedItems: unprocessed.length > 0 ? { [tableName]: unprocessed } : {}, $metadata: {} };
    });

    await repository(flaky).apply({ put: rules(25), delete: [] });

    expect(calls).toBe(2);
    expect(await repository().list()).toHaveLength(25);
  });

  it("gives up when items stay unprocessed, and leaves the version as it was", async () => {
    const version = await repository().apply({ put: [rule("a")], delete: [] });
    const stuck = withBatchWrite(dynamo.client, async (command) => ({
      UnprocessedItems: command.input.RequestItems ?? {},
      $metadata: {},
    }));

    const failure = repository(stuck, 3).apply({ put: [rule("b")], delete: [] });

    await expect(failure).rejects.toBeInstanceOf(RuleWriteError);
    await expect(failure).rejects.toMatchObject({ unprocessed: 1, retryable: true });
    expect(await repository().version()).toBe(version);
  });

  it("refuses an apply that names a rule twice", async () => {
    await expect(repository().apply({ put: [rule("a")], delete: ["a"] })).rejects.toThrow(/appears twice/);
  });

  it("lists a hand-edited item that is not a valid rule with its problems", async () => {
    await repository().apply({ put: [rule("good")], delete: [] });
    await put({ id: "broken", document: { ...rule("broken"), condition: { op: "=", value: 1 } } });
    await put({ id: "renamed", document: rule("other") });

    const listed = await repository().list();

    expect(listed.map(({ id, valid }) => ({ id, valid }))).toEqual([
      { id: "broken", valid: false },
      { id: "good", valid: true },
      { id: "renamed", valid: false },
    ]);
    expect(listed[0]).toMatchObject({
      problems: [
        { path: ["document", "condition", "op"], message: expect.stringMatching(/^must be one of/) },
      ],
    });
    expect(listed[2]).toMatchObject({
      problems: [{ path: ["document", "id"], message: 'does not match the item\'s id "renamed"' }],
    });
  });

  function put(item: Record<string, unknown>) {
    return dynamo.client.send(new PutCommand({ TableName: tableName, Item: item }));
  }
});

describe("CachedRuleSource", () => {
  let dynamo: LocalDynamo;
  let tableName: string;
  let counter = 0;
  // The server's log of operations, from the last reset on.
  let mark = 0;
  const resetOperations = () => {
    mark = dynamo.operations.length;
  };
  const operations = () => dynamo.operations.slice(mark);
  const clock = manualClock(T0);
  const repository = () => new DynamoDbRuleRepository({ tableName, client: dynamo.client, backoff: NO_WAIT });
  const requests = (operation: string) => operations().filter((candidate) => candidate === operation).length;
  const source = (
    options: {
      onInvalid?: (rule: InvalidStoredRule) => void;
      onRefreshError?: (error: unknown) => void;
    } = {},
  ) => new CachedRuleSource({ reader: repository(), refreshMs: REFRESH_MS, clock, ...options });

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  beforeEach(async () => {
    clock.set(T0);
    tableName = await createRulesTable(dynamo, `source-${++counter}`);
  });

  it("serves the compiled rules and their version", async () => {
    const version = await repository().apply({ put: [rule("b"), rule("a")], delete: [] });

    const set = await source().current();

    expect(set.version).toBe(version);
    expect(set.rules.map((compiled) => compiled.id)).toEqual(["a", "b"]);
    expect(set.rules[0]).toMatchObject({
      kind: "threshold",
      forMs: 60_000,
      latch: true,
      schedule: { days: ["mon", "tue", "wed", "thu", "fri"], fromMinute: 360, toMinute: 1320 },
    });
  });

  it("serves an empty set from a table nothing was applied to", async () => {
    await expect(source().current()).resolves.toEqual({ version: NO_RULES_VERSION, rules: [] });
  });

  it("makes no request within the interval, then reads only the version item while it is unchanged", async () => {
    await repository().apply({ put: rules(30), delete: [] });
    const rulesSource = source();
    const first = await rulesSource.current();
    resetOperations();

    clock.set(T0 + REFRESH_MS - 1);
    const within = await rulesSource.current();
    const quiet = operations().length;
    clock.set(T0 + REFRESH_MS);
    const checked = await rulesSource.current();
    clock.set(T0 + 2 * REFRESH_MS);
    await rulesSource.current();

    expect(within).toBe(first);
    expect(checked).toBe(first);
    expect(quiet).toBe(0);
    expect(operations()).toEqual(["GetItem", "GetItem"]);
  });

  it("reloads the whole set after the interval once the version changed", async () => {
    await repository().apply({ put: [rule("a")], delete: [] });
    const rulesSource = source();
    await rulesSource.current();
    const version = await repository().apply({ put: [rule("b")], delete: ["a"] });
    resetOperations();

    const stale = await rulesSource.current();
    clock.set(T0 + REFRESH_MS);
    const fresh = await rulesSource.current();

    expect(stale.rules.map((compiled) => compiled.id)).toEqual(["a"]);
    expect(fresh).toMatchObject({ version, rules: [{ id: "b" }] });
    expect(requests("GetItem")).toBe(1);
    expect(requests("Scan")).toBe(1);
  });

  it("shares one refresh between concurrent callers", async () => {
    await repository().apply({ put: [rule("a")], delete: [] });
    const rulesSource = source();
    resetOperations();

    const sets = await Promise.all(Array.from({ length: 5 }, () => rulesSource.current()));

    expect(new Set(sets).size).toBe(1);
    expect(operations()).toEqual(["GetItem", "Scan"]);
  });

  it("keeps serving the set it has when a refresh fails, reports it, and recovers", async () => {
    await repository().apply({ put: [rule("a")], delete: [] });
    const errors: unknown[] = [];
    const rulesSource = source({ onRefreshError: (error) => errors.push(error) });
    const first = await rulesSource.current();
    await deleteTable(dynamo, tableName);

    clock.set(T0 + REFRESH_MS);
    const during = await rulesSource.current();
    await createRulesTable(dynamo, tableName);
    const version = await repository().apply({ put: [rule("b")], delete: [] });
    clock.set(T0 + 2 * REFRESH_MS);
    const after = await rulesSource.current();

    expect(during).toBe(first);
    expect(errors).toEqual([expect.objectContaining({ name: "ResourceNotFoundException" })]);
    expect(after).toMatchObject({ version, rules: [{ id: "b" }] });
  });

  it("throws when it has no set yet and cannot load one, and loads on a later call", async () => {
    const missing = tableName;
    await deleteTable(dynamo, missing);
    const rulesSource = source();

    await expect(rulesSource.current()).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    await createRulesTable(dynamo, missing);
    await repository().apply({ put: [rule("a")], delete: [] });

    await expect(rulesSource.current()).resolves.toMatchObject({ rules: [{ id: "a" }] });
  });

  it("skips a hand-edited item that is not a valid rule and reports it", async () => {
    await dynamo.client.send(
      new PutCommand({
        TableName: tableName,
        Item: { id: "broken", document: { id: "broken", kind: "level" } },
      }),
    );
    await repository().apply({ put: [rule("a")], delete: [] });
    const invalid: InvalidStoredRule[] = [];

    const set = await source({ onInvalid: (stored) => invalid.push(stored) }).current();

    expect(set.rules.map((compiled) => compiled.id)).toEqual(["a"]);
    expect(invalid).toEqual([
      {
        id: "broken",
        valid: false,
        document: { id: "broken", kind: "level" },
        problems: [{ path: ["document", "kind"], message: "must be one of threshold, rate, offline" }],
      },
    ]);
  });

  it("refuses a refresh interval above 60 s", () => {
    expect(() => new CachedRuleSource({ reader: repository(), refreshMs: 60_001 })).toThrow(RangeError);
  });

  it("never counts the ruleset item as a rule", async () => {
    await repository().apply({ put: [rule("a")], delete: [] });

    const set = await source().current();

    expect(set.rules.map((compiled) => compiled.id)).not.toContain(RULESET_ITEM_ID);
  });
});

/** The client with BatchWriteItem answered by `batchWrite` (which may pass part of it on); the rest untouched. */
function withBatchWrite(
  client: DynamoDBDocumentClient,
  batchWrite: (command: BatchWriteCommand) => Promise<unknown>,
): DynamoDBDocumentClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== "send") return Reflect.get(target, property, receiver);
      return (command: unknown) =>
        command instanceof BatchWriteCommand ? batchWrite(command) : target.send(command as never);
    },
  });
}
