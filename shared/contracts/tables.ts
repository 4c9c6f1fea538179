/**
 * A global secondary index of string keys projecting only the keys (the table's and its own): a
 * reader finds items through it, then reads what it needs from where the data lives.
 */
export interface GlobalIndexSchema {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/**
 * The key schema of a plantwatch DynamoDB table. Every key is a string; a table with a
 * `timeToLiveAttribute` has its items deleted by DynamoDB once that epoch-seconds time has passed.
 */
export interface TableSchema {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly timeToLiveAttribute?: string;
  readonly globalIndexes?: readonly GlobalIndexSchema[];
}

/**
 * The alarm change feed (`GET /alarms/changes`): every history item carries the UTC day it was
 * written (`feedDay`, `YYYY-MM-DD`) and `feedKey` = `<ISO write time>#<alarmId>#<sk>`, so one Query per
 * day reads what changed after a point in time, oldest first.
 */
export const ALARM_CHANGE_FEED = {
  indexName: "byTime",
  partitionKey: "feedDay",
  sortKey: "feedKey",
} as const;

/**
 * The deployment's tables and their keys, defined once: the CDK stack creates them from here, the
 * local stack creates its dynalite tables from here, and so do the tests. The adapters rely on these
 * names in their key expressions.
 */
export const TABLES = {
  /** One item per thing: site, line, attributes, lastSeen (written by `provision` and ingest). */
  registry: { partitionKey: "thingName" },
  /** The applied C3 rules, one item per rule, and the ruleset version item. */
  rules: { partitionKey: "id" },
  /** One versioned item per thing holding all its alarm instances (C4). */
  alarms: { partitionKey: "thingName" },
  /** Transitions, late samples and operator actions per alarm instance, expiring after the retention. */
  history: {
    partitionKey: "alarmId",
    sortKey: "sk",
    timeToLiveAttribute: "expiresAt",
    globalIndexes: [ALARM_CHANGE_FEED],
  },
  /** Maintenance windows: matched by notify, managed through the API; expired ones deleted by TTL. */
  silences: { partitionKey: "id", timeToLiveAttribute: "expiresAt" },
} as const satisfies Readonly<Record<string, TableSchema>>;

export type TableId = keyof typeof TABLES;

/**
 * Who signed in to the hosted console, by the user pool's `sub`: written by the user pool's
 * post-authentication trigger, read by the operator API to record the person (not the role
 * session) as the actor of an action. Only a stack with the console has it.
 */
export const OPERATOR_DIRECTORY = { partitionKey: "sub" } as const satisfies TableSchema;

/**
 * Every attribute the ingest function's sighting update names (its key, in `Key` and the condition,
 * and `lastSeen`): its IAM statement allows an UpdateItem on the registry that names no other, so
 * ingest cannot rewrite a device's site, line or attributes.
 */
export const REGISTRY_LAST_SEEN_ATTRIBUTES = [TABLES.registry.partitionKey, "lastSeen"] as const;

/** The tables in the order they are listed above. */
export const TABLE_IDS = Object.keys(TABLES) as readonly TableId[];
