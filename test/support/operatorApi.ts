import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from "aws-lambda";
import { createOperatorApi } from "../../functions/api/app.ts";
import type { OperatorApiDependencies } from "../../functions/api/dependencies.ts";
import { matchOperatorRoute } from "../../functions/api/protocol/routeMatch.ts";
import { createAlarmEngine } from "../../functions/commons/alarmEngine.ts";
import { type CognitoIdentityContext, startHttpApiServer } from "../../local/adapters/httpApiServer.ts";
import { SqliteSeriesStore } from "../../local/adapters/sqliteSeriesStore.ts";
import { DynamoDbAlarmStore } from "../../shared/adapters/aws/dynamoDbAlarmStore.ts";
import { DynamoDbDeviceRegistry } from "../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { DynamoDbOperatorDirectory } from "../../shared/adapters/aws/dynamoDbOperatorDirectory.ts";
import { DynamoDbRuleRepository } from "../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { DynamoDbSilenceStore } from "../../shared/adapters/aws/dynamoDbSilenceStore.ts";
import type { AlarmRuleDocument } from "../../shared/contracts/alarmRules.ts";
import type { MachineModelFile } from "../../shared/contracts/kpis.ts";
import { validateRuleDocument } from "../../shared/contracts/ruleProblems.ts";
import type { AlarmEngine, EngineReport } from "../../shared/domain/alarms/alarmEngine.ts";
import type { MetricValue } from "../../shared/domain/ingest/types.ts";
import { plantOf } from "../../shared/domain/kpis/machineModel.ts";
import type { DeviceRecord } from "../../shared/ports/deviceRegistry.ts";
import type {
  SeriesQuery,
  SeriesQueryPoint,
  SeriesQueryRequest,
  SeriesQueryResult,
} from "../../shared/ports/seriesQuery.ts";
import { createAlarmTables, createSilencesTable } from "./alarmTables.ts";
import { type LocalDynamo, startDynalite } from "./dynalite.ts";
import { createOperatorDirectoryTable, createRulesTable } from "./dynaliteTables.ts";
import { RecordingPublisher } from "./inMemoryPorts.ts";
import { type ManualClock, manualClock } from "./testClock.ts";

/** 2026-11-25T12:00:00Z: where the test clock starts unless told otherwise. */
export const OPERATOR_API_T0 = Date.parse("2026-11-25T12:00:00.000Z");
export const TEST_PRINCIPAL = "arn:aws:iam::123456789012:user/ana";

/** The rule `seedActiveAlarm` applies: temperature above 250 on `oven-*` raises at once. */
export const OVEN_OVERHEAT_RULE: AlarmRuleDocument = validRule({
  id: "oven-overheat",
  name: "Oven temperature too high",
  severity: "critical",
  match: { things: ["oven-*"] },
  kind: "threshold",
  metric: "temperature",
  condition: { op: ">", value: 250 },
});

/** A series query that answers what the test sets and records every request it gets. */
export class RecordingSeriesQuery implements SeriesQuery {
  readonly requests: SeriesQueryRequest[] = [];
  points: SeriesQueryPoint[] = [];
  truncated = false;

  async query(request: SeriesQueryRequest): Promise<SeriesQueryResult> {
    this.requests.push(request);
    return { points: this.points, truncated: this.truncated };
  }
}

export interface TestOperatorApiOptions {
  /** Served under this prefix, e.g. `/api` as the local stack does; default none. */
  readonly basePath?: string;
  /** The caller's IAM ARN, as API Gateway's authorizer reports it. */
  readonly principal?: string;
  readonly now?: number;
  /** Default: a `RecordingSeriesQuery` (exposed as `series`). */
  readonly series?: SeriesQuery;
  /** C9 machine models; default the built-in model in UTC. */
  readonly machines?: MachineModelFile;
}

export interface TestOperatorApi {
  /** Base URL of the C7 routes (including the base path). */
  readonly url: string;
  readonly clock: ManualClock;
  readonly dynamo: LocalDynamo;
  readonly tables: {
    readonly registry: string;
    readonly rules: string;
    readonly alarms: string;
    readonly history: string;
    readonly silences: string;
  };
  /** The real adapters behind the API, for seeding and for checking what it wrote. */
  readonly deps: OperatorApiDependencies & {
    readonly alarms: DynamoDbAlarmStore;
    readonly rules: DynamoDbRuleRepository;
    readonly silences: DynamoDbSilenceStore;
    readonly operators: DynamoDbOperatorDirectory;
  };
  readonly engine: AlarmEngine;
  /** Every C5 event published, in order (by actions through the API and by seeded telemetry). */
  readonly events: RecordingPublisher["published"];
  readonly series: RecordingSeriesQuery;
  /** The store the KPI route aggregates. */
  readonly kpiSeries: SqliteSeriesStore;
  /** The handler itself, for invoking it with hand-built events. */
  readonly handler: ReturnType<typeof createOperatorApi>;
  putDevice(device: DeviceRecord): Promise<void>;
  /** Applies rules with the repository `plantwatch rules apply` uses. */
  applyRules(rules: readonly AlarmRuleDocument[]): Promise<void>;
  /** One telemetry message through the real alarm engine, at the clock's time unless `at` is given. */
  sendTelemetry(
    thingName: string,
    metrics: Readonly<Record<string, MetricValue>>,
    options?: { readonly at?: number },
  ): Promise<EngineReport>;
  /** Device `oven-3` (plant-1/line-2), rule `oven-overheat`, and a hot sample: alarm `oven-overheat:oven-3` ACTIVE. */
  seedActiveAlarm(): Promise<string>;
  close(): Promise<void>;
}

let instances = 0;

/**
 * The operator API as it runs, on dynalite: the real handler, the real DynamoDB adapters and alarm
 * engine, a clock the test moves, served over HTTP by the local server. For the API's own tests and
 * for the CLI's.
 */
export async function startTestOperatorApi(options: TestOperatorApiOptions = {}): Promise<TestOperatorApi> {
  const dynamo = await startDynalite();
  const prefix = `operator-api-${++instances}`;
  try {
    const [rulesTable, alarmTables, silencesTable, operatorsTable] = await Promise.all([
      createRulesTable(dynamo, `${prefix}-rules`),
      createAlarmTables(dynamo.client, prefix),
      createSilencesTable(dynamo.client, prefix),
      createOperatorDirectoryTable(dynamo.client, `${prefix}-operators`),
    ]);
    const clock = manualClock(options.now ?? OPERATOR_API_T0);
    const client = dynamo.client;
    const alarms = new DynamoDbAlarmStore({
      client,
      ...alarmTables,
      historyRetentionMs: 30 * 86_400_000,
      clock,
    });
    const rules = new DynamoDbRuleRepository({ client, tableName: rulesTable, clock });
    // No caching: a device or rule the test just wrote is what the next request sees.
    const registry = new DynamoDbDeviceRegistry({
      client,
      tableName: dynamo.tableName,
      cacheTtlMs: 0,
      lastSeenIntervalMs: Number.MAX_SAFE_INTEGER,
      clock,
    });
    const silences = new DynamoDbSilenceStore({ client, tableName: silencesTable });
    // No caching, as for the registry: a sign-in the test just recorded is what the next call sees.
    const operators = new DynamoDbOperatorDirectory({
      client,
      tableName: operatorsTable,
      clock,
      cacheTtlMs: 0,
    });
    const publisher = new RecordingPublisher();
    const engine = createAlarmEngine({
      store: alarms,
      publisher,
      rules: { reader: rules, refreshMs: 0 },
      registry,
      clock,
      limits: { maxSampleAgeMs: Number.MAX_SAFE_INTEGER },
    });
    const recordingSeries = new RecordingSeriesQuery();
    // KPIs read the real SQLite store's aggregates; tests write samples into it (`kpiSeries`).
    const kpiSeries = new SqliteSeriesStore({ path: ":memory:" });
    const deps = {
      alarms,
      engine,
      rules,
      registry,
      silences,
      series: options.series ?? recordingSeries,
      kpis: { series: kpiSeries, plant: plantOf(options.machines) },
      clock,
      operators,
    };
    const handler = createOperatorApi(deps);
    const server = await startHttpApiServer({
      handler,
      basePath: options.basePath ?? "",
      principal: options.principal ?? TEST_PRINCIPAL,
    });

    const api: TestOperatorApi = {
      url: server.url,
      clock,
      dynamo,
      tables: {
        registry: dynamo.tableName,
        rules: rulesTable,
        alarms: alarmTables.alarmsTableName,
        history: alarmTables.historyTableName,
        silences: silencesTable,
      },
      deps,
      engine,
      events: publisher.published,
      series: recordingSeries,
      kpiSeries,
      handler,
      putDevice: async (device) => {
        await client.send(new PutCommand({ TableName: dynamo.tableName, Item: device }));
      },
      applyRules: async (documents) => {
        await rules.apply({ put: documents.map(validRule), delete: [] });
      },
      sendTelemetry: (thingName, metrics, sendOptions = {}) => {
        const at = sendOptions.at ?? clock.now();
        const payload = new TextEncoder().encode(JSON.stringify({ ts: at, metrics }));
        return engine.evaluateTelemetry([{ thingName, receivedAt: at, payload }], {
          deadline: Number.MAX_SAFE_INTEGER,
        });
      },
      seedActiveAlarm: async () => {
        await api.putDevice({ thingName: "oven-3", site: "plant-1", line: "line-2", model: "deck-oven" });
        await api.applyRules([OVEN_OVERHEAT_RULE]);
        await api.sendTelemetry("oven-3", { temperature: 262.4 });
        return "oven-overheat:oven-3";
      },
      close: async () => {
        await server.close();
        kpiSeries.close();
        await dynamo.stop();
      },
    };
    return api;
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
}

function validRule(document: unknown): AlarmRuleDocument {
  const result = validateRuleDocument(document);
  if (!result.ok) throw new Error(`test rule is invalid: ${JSON.stringify(result.problems)}`);
  return result.document;
}

/** An API Gateway payload 2.0 event as the HTTP API sends it, for invoking the handler directly. */
export function apiEvent(
  method: string,
  path: string,
  options: {
    readonly query?: Record<string, string>;
    readonly body?: string;
    readonly principal?: string;
    /** As API Gateway reports identity pool credentials: a hosted console user's call. */
    readonly cognitoIdentity?: CognitoIdentityContext;
  } = {},
): APIGatewayProxyEventV2WithIAMAuthorizer {
  const match = matchOperatorRoute(method, path);
  const routeKey = match.kind === "route" ? match.route : "$default";
  const principal = options.principal ?? TEST_PRINCIPAL;
  return {
    version: "2.0",
    routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { "content-type": "application/json" },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(match.kind === "route" ? { pathParameters: { ...match.pathParameters } } : {}),
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "api.example",
      domainPrefix: "api",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "test" },
      requestId: "req-1",
      routeKey,
      stage: "$default",
      time: "25/Nov/2026:12:00:00 +0000",
      timeEpoch: 0,
      authorizer: {
        iam: {
          accessKey: "AKID",
          accountId: "123456789012",
          callerId: "AIDA",
          cognitoIdentity: (options.cognitoIdentity ?? null) as null,
          principalOrgId: "",
          userArn: principal,
          userId: "AIDA",
        },
      },
    },
  };
}
