import { createHash } from "node:crypto";
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { type AlarmRuleDocument, compileRule } from "../../contracts/alarmRules.ts";
import { type RuleProblem, validateRuleDocument } from "../../contracts/ruleProblems.ts";
import { canonicalJson } from "../../domain/alarms/diffRules.ts";
import type { AlarmRule } from "../../domain/alarms/rule.ts";
import { PlantwatchError } from "../../errors.ts";
import { type Clock, systemClock } from "../../ports/clock.ts";
import type { RuleSet, RuleSource } from "../../ports/ruleSource.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import { documentClient } from "./documentClient.ts";
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./retry.ts";

/**
 * The rules table (partition key `id`): one item per rule, `{ id, document, updatedAt }` with the
 * authored C3 document as a map, and the ruleset item `{ id: "#ruleset", version, revision, updatedAt }`.
 * Writers change rules first and the version last; readers read the version, then the rules (both
 * strongly consistent), so a reader that sees a new version sees every rule written before it.
 */
export const RULESET_ITEM_ID = "#ruleset";
/** The version of a table that no apply has written yet. */
export const NO_RULES_VERSION = "none";

export type StoredRule =
  | {
      readonly valid: true;
      readonly id: string;
      readonly document: AlarmRuleDocument;
      readonly updatedAt?: string;
    }
  | {
      readonly valid: false;
      readonly id: string;
      /** As stored; not a valid C3 rule (the table was edited by hand). */
      readonly document: unknown;
      readonly problems: readonly RuleProblem[];
      readonly updatedAt?: string;
    };

export type InvalidStoredRule = Extract<StoredRule, { valid: false }>;

export interface RuleChanges {
  readonly put: readonly AlarmRuleDocument[];
  readonly delete: readonly string[];
}

/** What a rule source reads: the repository, or anything shaped like it. */
export interface RuleSnapshotReader {
  /** The ruleset version, or undefined if none was ever written. */
  version(): Promise<string | undefined>;
  list(): Promise<readonly StoredRule[]>;
}

/** Some rule writes stayed unprocessed; the version was not bumped, so running functions saw nothing. */
export class RuleWriteError extends PlantwatchError {
  readonly unprocessed: number;

  constructor(unprocessed: number, attempts: number) {
    super(`${unprocessed} rule write(s) were still unprocessed after ${attempts} attempts; apply again`, {
      retryable: true,
    });
    this.name = "RuleWriteError";
    this.unprocessed = unprocessed;
  }
}

export type DynamoDbRuleRepositoryOptions = {
  readonly tableName: string;
  readonly clock?: Clock;
  /** Backoff between retries of unprocessed batch items and version conflicts. */
  readonly backoff?: BackoffOptions & { readonly maxAttempts?: number };
} & ClientOrConfig<DynamoDBDocumentClient, DynamoDBClientConfig>;

const BATCH_SIZE = 25;

type Request = NonNullable<BatchWriteCommandInput["RequestItems"]>[string][number];
interface RawItem {
  readonly id: string;
  readonly document?: unknown;
  readonly updatedAt?: string;
}

export class DynamoDbRuleRepository implements RuleSnapshotReader {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #clock: Clock;
  readonly #backoff: BackoffOptions;
  readonly #maxAttempts: number;

  constructor(options: DynamoDbRuleRepositoryOptions) {
    this.#client = options.client ?? documentClient(options.clientConfig);
    this.#tableName = options.tableName;
    this.#clock = options.clock ?? systemClock;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#maxAttempts = options.backoff?.maxAttempts ?? 8;
  }

  /** Every stored rule, sorted by id; a hand-edited item that is not a valid rule comes with its problems. */
  async list(): Promise<readonly StoredRule[]> {
    return (await this.#scan()).map(toStoredRule);
  }

  async version(): Promise<string | undefined> {
    return (await this.#rulesetItem())?.version;
  }

  /** Writes the puts and deletes, then the new version (a hash of the resulting set), which it returns. */
  async apply(changes: RuleChanges): Promise<string> {
    const ids = [...changes.put.map((document) => document.id), ...changes.delete];
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate !== undefined) throw new Error(`rule ${duplicate} appears twice in one apply`);
    const { revision } = (await this.#rulesetItem()) ?? {};
    const updatedAt = new Date(this.#clock.now()).toISOString();
    const requests: Request[] = [
      ...changes.put.map((document) => ({ PutRequest: { Item: { id: document.id, document, updatedAt } } })),
      ...changes.delete.map((id) => ({ DeleteRequest: { Key: { id } } })),
    ];
    for (let start = 0; start < requests.length; start += BATCH_SIZE) {
      await this.#batchWrite(requests.slice(start, start + BATCH_SIZE));
    }
    return this.#bumpVersion(revision, updatedAt);
  }

  async #batchWrite(requests: Request[]): Promise<void> {
    let pending = requests;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) {
        if (attempt > this.#maxAttempts) throw new RuleWriteError(pending.length, this.#maxAttempts);
        await sleep(backoffDelay(attempt - 1, this.#backoff), this.#backoff);
      }
      const { UnprocessedItems } = await this.#client.send(
        new BatchWriteCommand({ RequestItems: { [this.#tableName]: pending } }),
      );
      pending = UnprocessedItems?.[this.#tableName] ?? [];
    }
  }

  /**
   * Writes the version of the set as it now is. The write is conditional on the revision read before
   * (the scan always follows that read), so when applies race, the last version written is of a scan
   * that saw every rule write committed before it.
   */
  async #bumpVersion(revision: number | undefined, updatedAt: string): Promise<string> {
    let expected = revision;
    for (let attempt = 1; ; attempt++) {
      const version = versionOf(await this.#scan());
      try {
        await this.#client.send(
          new UpdateCommand({
            TableName: this.#tableName,
            Key: { id: RULESET_ITEM_ID },
            UpdateExpression: "SET #version = :version, #updatedAt = :updatedAt, #revision = :next",
            ConditionExpression:
              expected === undefined ? "attribute_not_exists(#revision)" : "#revision = :expected",
            ExpressionAttributeNames: {
              "#version": "version",
              "#updatedAt": "updatedAt",
              "#revision": "revision",
            },
            ExpressionAttributeValues: {
              ":version": version,
              ":updatedAt": updatedAt,
              ":next": (expected ?? 0) + 1,
              ...(expected === undefined ? {} : { ":expected": expected }),
            },
          }),
        );
        return version;
      } catch (error) {
        if ((error as Error).name !== "ConditionalCheckFailedException" || attempt >= this.#maxAttempts)
          throw error;
        await sleep(backoffDelay(attempt, this.#backoff), this.#backoff);
        expected = (await this.#rulesetItem())?.revision;
      }
    }
  }

  async #rulesetItem(): Promise<{ version?: string; revision?: number } | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { id: RULESET_ITEM_ID },
        ConsistentRead: true,
        ProjectionExpression: "#version, #revision",
        ExpressionAttributeNames: { "#version": "version", "#revision": "revision" },
      }),
    );
    return Item as { version?: string; revision?: number } | undefined;
  }

  /** Every rule item (not the ruleset item), sorted by id; strongly consistent, all pages. */
  async #scan(): Promise<RawItem[]> {
    const items: RawItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new ScanCommand({
          TableName: this.#tableName,
          ConsistentRead: true,
          ProjectionExpression: "id, #document, #updatedAt",
          ExpressionAttributeNames: { "#document": "document", "#updatedAt": "updatedAt" },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (typeof item.id === "string" && !item.id.startsWith("#")) items.push(item as RawItem);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

function toStoredRule(item: RawItem): StoredRule {
  const updated = item.updatedAt === undefined ? {} : { updatedAt: item.updatedAt };
  const result = validateRuleDocument(item.document, ["document"]);
  if (!result.ok)
    return { valid: false, id: item.id, document: item.document, problems: result.problems, ...updated };
  if (result.document.id !== item.id) {
    const problems = [{ path: ["document", "id"], message: `does not match the item's id "${item.id}"` }];
    return { valid: false, id: item.id, document: item.document, problems, ...updated };
  }
  return { valid: true, id: item.id, document: result.document, ...updated };
}

/** A hash of the stored documents by id: equal sets, equal versions. */
function versionOf(items: readonly RawItem[]): string {
  const hash = createHash("sha256");
  for (const item of items) hash.update(`${canonicalJson([item.id, item.document ?? null])}\n`);
  return hash.digest("hex").slice(0, 16);
}

function sleep(ms: number, options: BackoffOptions): Promise<void> {
  return (options.sleep ?? ((delay) => new Promise((resolve) => setTimeout(resolve, delay))))(ms);
}

export interface CachedRuleSourceOptions {
  readonly reader: RuleSnapshotReader;
  /** How long a loaded set is served before the version is checked again: at most 60 s (C3). */
  readonly refreshMs: number;
  readonly clock?: Clock;
  /** A stored rule that is not valid: skipped, never crashing evaluation. */
  readonly onInvalid?: (rule: InvalidStoredRule) => void;
  /** A refresh failed; the previous set is served until the next check. */
  readonly onRefreshError?: (error: unknown) => void;
}

export const MAX_RULES_REFRESH_MS = 60_000;

/**
 * The compiled rules in memory. At most every `refreshMs` it reads only the version item, and the
 * whole set only when the version changed. A failed refresh keeps the previous set (there being
 * none yet, it throws). Concurrent callers share one refresh.
 */
export class CachedRuleSource implements RuleSource {
  readonly #options: CachedRuleSourceOptions;
  readonly #clock: Clock;
  #set: RuleSet | undefined;
  #checkedAt = 0;
  #refreshing: Promise<RuleSet> | undefined;

  constructor(options: CachedRuleSourceOptions) {
    if (!(options.refreshMs >= 0 && options.refreshMs <= MAX_RULES_REFRESH_MS)) {
      throw new RangeError(
        `refreshMs must be between 0 and ${MAX_RULES_REFRESH_MS}, not ${options.refreshMs}`,
      );
    }
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  current(): Promise<RuleSet> {
    const now = this.#clock.now();
    if (this.#set !== undefined && now - this.#checkedAt < this.#options.refreshMs)
      return Promise.resolve(this.#set);
    this.#refreshing ??= this.#refresh(now).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(now: number): Promise<RuleSet> {
    try {
      const version = (await this.#options.reader.version()) ?? NO_RULES_VERSION;
      if (this.#set?.version !== version) this.#set = await this.#load(version);
      this.#checkedAt = now;
      return this.#set;
    } catch (error) {
      if (this.#set === undefined) throw error;
      this.#checkedAt = now;
      this.#options.onRefreshError?.(error);
      return this.#set;
    }
  }

  async #load(version: string): Promise<RuleSet> {
    const rules: AlarmRule[] = [];
    for (const stored of await this.#options.reader.list()) {
      if (stored.valid) rules.push(compileRule(stored.document));
      else this.#options.onInvalid?.(stored);
    }
    return { version, rules };
  }
}
