import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { createAlarmEngine } from "../functions/commons/alarmEngine.ts";
import {
  createEvaluate,
  EVALUATE_DEADLINE_MARGIN_MS,
  type Evaluate,
} from "../functions/evaluate/createEvaluate.ts";
import { toReceivedMessage } from "../functions/ingest/toReceivedMessage.ts";
import { createSweep, STALE_DELIVERY_MS, type Sweep } from "../functions/sweep/createSweep.ts";
import { documentClient } from "../shared/adapters/aws/documentClient.ts";
import { DynamoDbAlarmStore } from "../shared/adapters/aws/dynamoDbAlarmStore.ts";
import { DynamoDbDeviceRegistry } from "../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { DynamoDbRuleRepository } from "../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { EventBridgePublisher } from "../shared/adapters/aws/eventBridgePublisher.ts";
import type { AlarmRuleDocument } from "../shared/contracts/alarmRules.ts";
import type { TelemetryRuleEvent } from "../shared/contracts/telemetryRule.ts";
import { type AlarmEventDetail, alarmEventKey } from "../shared/domain/alarms/alarmEvent.ts";
import { seededRandom } from "../simulator/domain/random.ts";
import { createAlarmTables, historyOf } from "../test/support/alarmTables.ts";
import { TEST_CLIENT_CONFIG } from "../test/support/awsClients.ts";
import { type LocalDynamo, startDynalite } from "../test/support/dynalite.ts";
import { createRulesTable } from "../test/support/dynaliteTables.ts";
import {
  type FakeEventBridge,
  localEventBridgeClient,
  startFakeEventBridge,
} from "../test/support/fakeEventBridge.ts";

export const EVENT_BUS = "plantwatch";
const RULE_ID = "press-overheat";

/** The alarm rule every run applies: over 80 raises, under 70 clears. */
export const OVERHEAT_RULE: AlarmRuleDocument = {
  id: RULE_ID,
  name: "Press temperature too high",
  severity: "critical",
  match: { things: ["press-*"] },
  kind: "threshold",
  metric: "temperature",
  condition: { op: ">", value: 80 },
  clear: { op: "<", value: 70 },
};

/** The alarm tables of one run: each run starts from empty state. */
export interface RunTables {
  readonly alarmsTableName: string;
  readonly historyTableName: string;
  readonly rulesTableName: string;
  readonly registryTableName: string;
}

/** Everything the evaluate and sweep compositions need to reach, by endpoint (also for a child process). */
export interface AlarmEndpoints {
  readonly dynamodb: string;
  readonly eventBridge: string;
  readonly tables: RunTables;
}

let runs = 0;

/** Fresh tables on `dynamo` with the registry's things and the rule applied. */
export async function freshTables(dynamo: LocalDynamo, things: readonly string[]): Promise<RunTables> {
  const prefix = `faults-${++runs}`;
  const tables = {
    ...(await createAlarmTables(dynamo.client, prefix)),
    rulesTableName: await createRulesTable(dynamo, `${prefix}-rules`),
    registryTableName: dynamo.tableName,
  };
  await Promise.all(
    things.map((thingName) =>
      dynamo.client.send(
        new PutCommand({ TableName: dynamo.tableName, Item: { thingName, site: "plant-1" } }),
      ),
    ),
  );
  await new DynamoDbRuleRepository({ tableName: tables.rulesTableName, client: dynamo.client }).apply({
    put: [OVERHEAT_RULE],
    delete: [],
  });
  return tables;
}

/** The engine clock: the wall clock plus an offset the sweep moves forward (an outbox grows stale). */
export interface EngineClock {
  now(): number;
  advance(ms: number): void;
}

export function engineClock(): EngineClock {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => (offset += ms) };
}

/**
 * One warm container of the evaluate and sweep functions: their own compositions
 * (`createAlarmEngine`, `createEvaluate`, `createSweep`) over the DynamoDB and EventBridge
 * adapters, with SDK clients at the endpoints (the SDK's default retries, as deployed).
 */
export function alarmContainer(endpoints: AlarmEndpoints, clock: EngineClock = engineClock()) {
  const client: DynamoDBDocumentClient = documentClient({
    ...TEST_CLIENT_CONFIG,
    endpoint: endpoints.dynamodb,
  });
  const store = new DynamoDbAlarmStore({
    client,
    alarmsTableName: endpoints.tables.alarmsTableName,
    historyTableName: endpoints.tables.historyTableName,
    historyRetentionMs: 90 * 86_400_000,
  });
  const engine = createAlarmEngine({
    store,
    publisher: new EventBridgePublisher({
      eventBusName: EVENT_BUS,
      client: localEventBridgeClient(endpoints.eventBridge),
    }),
    rules: {
      reader: new DynamoDbRuleRepository({ client, tableName: endpoints.tables.rulesTableName }),
      refreshMs: 60_000,
    },
    registry: new DynamoDbDeviceRegistry({
      client,
      tableName: endpoints.tables.registryTableName,
      cacheTtlMs: 60_000,
      lastSeenIntervalMs: Number.MAX_SAFE_INTEGER,
    }),
    clock,
  });
  const evaluate: Evaluate = createEvaluate(engine);
  const sweep: Sweep = createSweep(engine, store);
  return {
    // An invocation with a short budget left: retries of a failing call end within it, as they
    // would at the end of a real one, and the run stays quick.
    evaluate: (event: TelemetryRuleEvent) =>
      evaluate.telemetry(toReceivedMessage(event), { remainingMs: EVALUATE_DEADLINE_MARGIN_MS + 1_500 }),
    /** The minute's sweep, run once its outbox is stale. */
    sweepLater: async () => {
      clock.advance(STALE_DELIVERY_MS + 60_000);
      await sweep.run({ remainingMs: 30_000 });
    },
  };
}

/** Per thing, a temperature walk that crosses the thresholds: messages 10 s apart, in thing order. */
export function alarmEvents(
  things: readonly string[],
  perThing: number,
  seed: number,
): TelemetryRuleEvent[][] {
  const random = seededRandom(seed);
  const start = Date.now() - perThing * 10_000 - 60_000;
  return things.map((thingName) => {
    const phase = random.next() * 2 * Math.PI;
    return Array.from({ length: perThing }, (_, index) => {
      // A machine heating and cooling with noise: it crosses 80 and 70 every few minutes.
      const temperature = 75 + 14 * Math.sin(index / 2.5 + phase) + (random.next() - 0.5) * 8;
      const ts = start + index * 10_000;
      return {
        payload: Buffer.from(JSON.stringify({ ts, seq: index, metrics: { temperature } })).toString("base64"),
        thingName,
        receivedAt: ts + 150,
        clientId: thingName,
      };
    });
  });
}

/** What a run left: its transitions (from the history) and the events EventBridge accepted. */
export interface AlarmResult {
  readonly transitions: readonly string[];
  /** By C5 de-duplication key: how many accepted, and the distinct details. */
  readonly events: ReadonlyMap<string, { readonly count: number; readonly details: ReadonlySet<string> }>;
}

export async function alarmResult(
  dynamo: LocalDynamo,
  tables: RunTables,
  things: readonly string[],
  acceptedEvents: readonly AlarmEventDetail[],
): Promise<AlarmResult> {
  const transitions: string[] = [];
  for (const thingName of things) {
    const alarmId = `${RULE_ID}:${thingName}`;
    for (const item of await historyOf(dynamo.client, tables.historyTableName, alarmId)) {
      if (item.kind !== "transition") continue;
      transitions.push(
        `${alarmId} ${String(item.from)}->${String(item.to)} @${new Date(Number(item.at)).toISOString()}`,
      );
    }
  }
  const events = new Map<string, { count: number; details: Set<string> }>();
  for (const detail of acceptedEvents) {
    const key = alarmEventKey(detail);
    const entry = events.get(key) ?? { count: 0, details: new Set<string>() };
    entry.count++;
    entry.details.add(JSON.stringify(detail));
    events.set(key, entry);
  }
  return { transitions, events };
}

/** The events of `run` compared with the truth's: published, distinct keys, expected, wrong. */
export function compareEvents(run: AlarmResult, truth: AlarmResult) {
  let published = 0;
  let wrong = 0;
  for (const [key, { count, details }] of run.events) {
    published += count;
    const expected = truth.events.get(key);
    if (expected === undefined || details.size > 1) wrong++;
    else if ([...details][0] !== [...expected.details][0]) wrong++;
  }
  return { published, distinctKeys: run.events.size, expected: truth.events.size, wrong };
}

export function compareTransitions(run: AlarmResult, truth: AlarmResult) {
  const identical =
    run.transitions.length === truth.transitions.length &&
    run.transitions.every((transition, index) => transition === truth.transitions[index]);
  return { got: run.transitions.length, truth: truth.transitions.length, identical };
}

/** The shared servers of the alarm faults: one dynalite, one EventBridge endpoint. */
export interface AlarmServers {
  readonly dynamo: LocalDynamo;
  readonly eventBridge: FakeEventBridge;
  stop(): Promise<void>;
}

export async function startAlarmServers(): Promise<AlarmServers> {
  const [dynamo, eventBridge] = await Promise.all([startDynalite(), startFakeEventBridge()]);
  return {
    dynamo,
    eventBridge,
    stop: async () => {
      await Promise.all([dynamo.stop(), eventBridge.stop()]);
    },
  };
}

/** The accepted events of the bus since `mark` (EventBridge's acceptance, in order). */
export function acceptedSince(eventBridge: FakeEventBridge, mark: number): AlarmEventDetail[] {
  return eventBridge
    .events()
    .slice(mark)
    .filter((event) => event.eventBusName === EVENT_BUS)
    .map((event) => event.detail as AlarmEventDetail);
}

/**
 * An HTTP proxy in front of DynamoDB that answers some requests itself, as DynamoDB does when a
 * table's capacity is exceeded, and forwards the rest.
 */
export async function throttlingProxy(
  target: string,
  throttle: () => boolean,
): Promise<{
  readonly endpoint: string;
  readonly throttled: () => number;
  readonly requests: () => number;
  stop(): Promise<void>;
}> {
  let throttled = 0;
  let requests = 0;
  const upstream = new URL(target);
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests++;
      if (throttle()) {
        throttled++;
        const body = JSON.stringify({
          __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
          message: "The level of configured provisioned throughput for the table was exceeded.",
        });
        response.writeHead(400, {
          "content-type": "application/x-amz-json-1.0",
          "x-amzn-requestid": `throttled-${requests}`,
        });
        response.end(body);
        return;
      }
      const forward = httpRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          path: request.url,
          method: request.method,
          headers: request.headers,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(response);
        },
      );
      forward.on("error", (error) => response.destroy(error));
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    throttled: () => throttled,
    requests: () => requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
