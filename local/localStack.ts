import { userInfo } from "node:os";
import { createOperatorApi } from "../functions/api/app.ts";
import {
  createAlarmEngine,
  createStreamAlarmConsumer,
  createStreamOperatorActions,
} from "../functions/commons/alarmEngine.ts";
import type { FunctionLog } from "../functions/commons/functionPorts.ts";
import { createStreamEvaluate } from "../functions/evaluate/createStreamEvaluate.ts";
import { createIngest } from "../functions/ingest/createIngest.ts";
import { createNotifier, notificationContextFor } from "../functions/notify/createNotifier.ts";
import { createStreamSweep } from "../functions/sweep/createSweep.ts";
import { DynamoDbAlarmStore } from "../shared/adapters/aws/dynamoDbAlarmStore.ts";
import { DynamoDbDeviceRegistry } from "../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { DynamoDbRuleRepository } from "../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { DynamoDbSilenceStore } from "../shared/adapters/aws/dynamoDbSilenceStore.ts";
import type { MachineModelFile } from "../shared/contracts/kpis.ts";
import { LIFECYCLE_RULE_SQL, lifecycleRuleName } from "../shared/contracts/lifecycleRule.ts";
import { telemetryRuleName, telemetryRuleSql } from "../shared/contracts/telemetryRule.ts";
import { telemetryTopic } from "../shared/contracts/telemetryTopic.ts";
import type { AlarmEngine, EngineReport } from "../shared/domain/alarms/alarmEngine.ts";
import type { AlarmEventDetail } from "../shared/domain/alarms/alarmEvent.ts";
import { DEFAULT_TELEMETRY_LIMITS, type QuarantineEntry } from "../shared/domain/ingest/types.ts";
import { plantOf } from "../shared/domain/kpis/machineModel.ts";
import type { NotificationContext } from "../shared/domain/notifications/notificationContext.ts";
import { type Clock, systemClock } from "../shared/ports/clock.ts";
import type { TopicMessage } from "../shared/ports/notifier.ts";
import type { ScenarioName } from "../simulator/domain/scenarios.ts";
import type { DeviceEvent } from "../simulator/mqtt/mqttDevice.ts";
import { FileQuarantineStore } from "./adapters/fileQuarantineStore.ts";
import { SqliteSeriesStore } from "./adapters/sqliteSeriesStore.ts";
import { ConsoleNotifier } from "./consoleNotifier.ts";
import { type DemoFleet, demoDevices, seedDemo, startDemoFleet } from "./demoFleet.ts";
import { startDemoOperator } from "./demoOperator.ts";
import { type LocalHttpServer, startLocalHttpServer } from "./httpServer.ts";
import { compileTopicRule } from "./iotRules/compileTopicRule.ts";
import { LocalRulesEngine } from "./iotRules/localRulesEngine.ts";
import { LiveEventHub } from "./liveEventHub.ts";
import { LiveQuarantineStore, LiveSeriesStore } from "./liveStores.ts";
import { type BrokerRefusal, type LocalBroker, startLocalBroker } from "./localBroker.ts";
import { ensureCertificates, type LocalCertificates, type PemFiles } from "./localCertificates.ts";
import { assertDataDirFree, dataLayout, type LocalDataLayout, prepareDataDir } from "./localDataDir.ts";
import { type LocalDynamo, startLocalDynamo } from "./localDynamo.ts";
import { LocalEventBus } from "./localEventBus.ts";
import { InMemoryShardCheckpoints, LocalTelemetryStream } from "./localTelemetryStream.ts";
import { type LocalWebhook, LocalWebhookSink } from "./localWebhookSink.ts";
import { LOCAL_INVOCATION_MS, RuleActions } from "./ruleActions.ts";
import { SeenDeviceCatalog } from "./seenDevices.ts";
import { WebhookSender } from "./webhookSender.ts";

/** The deployment name the local stack's IoT rules are named after, as `cdk deploy` names the stack's. */
export const LOCAL_STACK_NAME = "plantwatch-local";

export interface LocalStackOptions {
  readonly dataDir: string;
  /** Wipe the data directory first (only if it is a plantwatch data directory). */
  readonly reset?: boolean;
  /** Default 127.0.0.1: nothing here authenticates operators, so it stays off the network unless asked. */
  readonly host?: string;
  /** 0 picks a free port (tests). */
  readonly mqttPort: number;
  readonly mqttsPort: number;
  readonly httpPort: number;
  /** Seconds between sweeps; 0 runs none (tests call `sweep()`). */
  readonly sweepSeconds: number;
  /** `--webhook FORMAT=URL`: each gets its format's payload of every notification, as on AWS. */
  readonly webhooks?: readonly LocalWebhook[];
  /** IANA zone of the times in notifications (the plant's, `PLANT_TIME_ZONE` on AWS); default the process's. */
  readonly timeZone?: string;
  /** C9 machine models (`--machines <file>`); default the built-in model, in `timeZone`. */
  readonly machines?: MachineModelFile;
  /** The demo fleet and rules, or false. */
  readonly demo:
    | false
    | { readonly devices: number; readonly scenarios: readonly ScenarioName[]; readonly seed?: number };
  /** How often running code checks for changed rules (C3 allows up to 60 s); default 1 s. */
  readonly rulesRefreshMs?: number;
  readonly dashboardDirectory?: string;
  readonly clock?: Clock;
  /** What the stack tells its operator, as events happen. */
  readonly report: LocalStackReporter;
}

/** The console's side of the stack; `consoleReporter` prints it. */
export interface LocalStackReporter {
  /** An e-mail/SMS notification, as the notify function publishes it to its SNS topic. */
  notified(message: TopicMessage): void;
  /** An alarm event a silence kept from the console and the webhooks (the dashboard still shows it). */
  silenced(detail: AlarmEventDetail, silenceId: string): void;
  quarantined(entry: QuarantineEntry): void;
  refused(refusal: BrokerRefusal): void;
  device(event: DeviceEvent): void;
  problem(message: string, error?: unknown): void;
}

export interface LocalStack {
  readonly layout: LocalDataLayout;
  readonly urls: {
    readonly dashboard: string;
    readonly api: string;
    readonly mqtt: string;
    readonly mqtts: string;
  };
  readonly ports: { readonly http: number; readonly mqtt: number; readonly mqtts: number };
  readonly certificates: { readonly ca: string; readonly server: PemFiles; readonly devices: string };
  /** A device certificate for `thingName` (CN = thing name), issued on first use and kept. */
  deviceCertificate(thingName: string): ReturnType<LocalCertificates["device"]>;
  readonly live: LiveEventHub;
  readonly series: SqliteSeriesStore;
  readonly rules: DynamoDbRuleRepository;
  readonly records: DynamoDbDeviceRegistry;
  readonly alarms: DynamoDbAlarmStore;
  readonly engine: AlarmEngine;
  /** Demo devices and rules seeded at this start (none with `demo: false`). */
  readonly demo: { readonly devices: readonly string[]; readonly rulesApplied: number };
  /** One sweep now (ended snoozes, offline things, undelivered events), as the timer runs it. */
  sweep(): Promise<EngineReport>;
  /** Resolves once every message received so far went through its rules' actions, and webhooks were tried. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What local messages add to an event, as the notify function's environment would say it: the
 * stack `plantwatch-local`, the plant's time zone, and no console link (the local dashboard has no
 * page per alarm, so a link would lead nowhere).
 */
export function localNotificationContext(timeZone = localTimeZone()): NotificationContext {
  return notificationContextFor({ stackName: LOCAL_STACK_NAME, timeZone });
}

function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const HISTORY_RETENTION_MS = 30 * 86_400_000;

/**
 * The whole of plantwatch in one process, without AWS: aedes in place of IoT Core's broker, the
 * deployed rules' SQL evaluated locally, the functions' own code paths (ingest, evaluate, sweep, api)
 * on dynalite, SQLite and files under the data directory, and an in-process bus to the console, the
 * dashboard and webhooks. Closing stops everything in reverse order; the data stays.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const clock = options.clock ?? systemClock;
  const host = options.host ?? "127.0.0.1";
  const report = options.report;
  const layout = dataLayout(options.dataDir);
  // Before `--reset` can delete anything.
  await assertDataDirFree(layout);
  prepareDataDir(layout, { reset: options.reset ?? false });

  // The rules as the stack deploys them; SQL outside the local subset stops the start here.
  const topic = telemetryTopic();
  const telemetryRule = telemetryRuleName(LOCAL_STACK_NAME);
  const lifecycleRule = lifecycleRuleName(LOCAL_STACK_NAME);
  const rulesEngine = new LocalRulesEngine(
    [
      compileTopicRule({ name: telemetryRule, sql: telemetryRuleSql(topic) }),
      compileTopicRule({ name: lifecycleRule, sql: LIFECYCLE_RULE_SQL }),
    ],
    { onRuleError: (error) => report.problem(error.message, error) },
  );

  const certificates = await ensureCertificates(layout);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch((error: unknown) => report.problem("while stopping", error));
    }
  };

  try {
    const dynamo: LocalDynamo = await startLocalDynamo(layout.dynamo);
    closers.push(dynamo.close);
    const series = new SqliteSeriesStore({ path: layout.seriesDb });
    closers.push(async () => series.close());

    const { client, tables } = dynamo;
    const live = new LiveEventHub();
    // Ingest, the alarm engine and the notifier read through one cache, shorter than the stack's so
    // that a local change shows within seconds; only ingest notes sightings.
    const registry = new DynamoDbDeviceRegistry({
      client,
      tableName: tables.registry,
      cacheTtlMs: 5_000,
      lastSeenIntervalMs: 60_000,
      clock,
    });
    const rules = new DynamoDbRuleRepository({ client, tableName: tables.rules, clock });
    const alarms = new DynamoDbAlarmStore({
      client,
      alarmsTableName: tables.alarms,
      historyTableName: tables.history,
      historyRetentionMs: HISTORY_RETENTION_MS,
      clock,
    });
    const silences = new DynamoDbSilenceStore({ client, tableName: tables.silences });
    // The demo's writes and the operator API's reads go uncached, so that a device just written is
    // listed at once.
    const records = new DynamoDbDeviceRegistry({ client, tableName: tables.registry, clock });

    const webhooks = new WebhookSender();
    closers.push(() => webhooks.close());
    // The notify function's composition, its SNS topics a console and its webhook rules a local sink.
    const notifier = createNotifier({
      // Alarm events are few, and a silence just made should hold at once: no cache here.
      silences,
      registry,
      topics: new ConsoleNotifier((message) => report.notified(message)),
      webhooks: new LocalWebhookSink({
        webhooks: options.webhooks ?? [],
        sender: webhooks,
        onFailure: ({ webhook, detail, reason }) =>
          report.problem(
            `webhook ${webhook.format}=${webhook.url}: ${detail.alarmId} ${detail.state} not delivered (${reason})`,
          ),
      }),
      clock,
      context: localNotificationContext(options.timeZone),
    });
    const bus = new LocalEventBus({
      live,
      notifier,
      onSilenced: (detail, silenceId) => report.silenced(detail, silenceId),
      onNotifyFailed: (detail, reason, error) => report.problem(`${detail.alarmId}: ${reason}`, error),
      now: () => clock.now(),
    });
    // The functions' logs as the console shows them: the problems, not the routine.
    const log: FunctionLog = {
      debug: () => {},
      info: () => {},
      warn: (message, extra) => report.problem(message, extra?.error),
      error: (message, extra) => report.problem(message, extra?.error),
    };
    const engine = createAlarmEngine({
      store: alarms,
      publisher: bus,
      rules: { reader: rules, refreshMs: options.rulesRefreshMs ?? 1_000 },
      registry,
      clock,
      log,
    });

    // Stream mode, as the cheapest deployment runs: every input of the alarm engine travels one
    // stream, whose consumer keeps alarm state in memory and is the only writer of it.
    const stream = new LocalTelemetryStream({
      evaluate: createStreamEvaluate(
        createStreamAlarmConsumer({
          store: alarms,
          publisher: bus,
          checkpoints: new InMemoryShardCheckpoints(),
          rules: { reader: rules, refreshMs: options.rulesRefreshMs ?? 1_000 },
          registry,
          clock,
          log,
        }),
        { log },
      ),
      timeoutMs: LOCAL_INVOCATION_MS,
      onError: (_record, error) => report.problem("evaluate failed", error),
    });
    const actions = new RuleActions({
      telemetryRuleName: telemetryRule,
      lifecycleRuleName: lifecycleRule,
      ingest: createIngest({
        registry,
        store: new LiveSeriesStore(series, live),
        quarantine: new LiveQuarantineStore(
          new FileQuarantineStore({ directory: layout.quarantineRoot }),
          live,
          (entry) => report.quarantined(entry),
        ),
        clock,
        limits: DEFAULT_TELEMETRY_LIMITS,
        log,
      }),
      stream,
      live,
      onError: (action, error) => report.problem(`${action} failed`, error),
    });
    closers.push(() => actions.idle());

    const broker: LocalBroker = await startLocalBroker({
      host,
      plainPort: options.mqttPort,
      mtlsPort: options.mqttsPort,
      tls: {
        ca: certificates.ca.certificate,
        cert: certificates.server.certificate,
        key: certificates.server.privateKey,
      },
      scope: { topic, telemetryRuleName: telemetryRule },
      clock,
      onMessage: (message) => {
        const routed = rulesEngine.route({ ...message, clientId: message.clientId ?? "" });
        for (const { ruleName, output } of routed) actions.dispatch(ruleName, output);
      },
      onRefusal: (refusal) => report.refused(refusal),
    });
    closers.push(() => broker.close());

    const apiHandler = createOperatorApi({
      alarms,
      engine: createStreamOperatorActions({
        store: alarms,
        rules: { reader: rules, refreshMs: options.rulesRefreshMs ?? 1_000 },
        registry,
        clock,
        log,
        stream,
      }),
      rules,
      // Things that publish unprovisioned are listed too, marked so (locally only).
      registry: new SeenDeviceCatalog(records, series),
      silences,
      series,
      kpis: { series, plant: plantOf(options.machines, options.timeZone ?? localTimeZone()) },
      clock,
      log: {
        error: (message, extra) => report.problem(`api: ${message}`, extra?.error),
        warn: (message) => report.problem(`api: ${message}`),
      },
    });
    const http: LocalHttpServer = await startLocalHttpServer({
      host,
      port: options.httpPort,
      apiHandler,
      liveEvents: live,
      principal: `local:${userInfo().username}`,
      ...(options.dashboardDirectory === undefined
        ? {}
        : { dashboard: { directory: options.dashboardDirectory } }),
    });
    closers.push(() => http.close());

    const sweeper = createStreamSweep(engine, alarms, stream, { log });
    let sweeping: Promise<EngineReport> | undefined;
    const sweep = () => {
      // As the timer runs it, and until the consumer has evaluated the ticks it put on the stream.
      sweeping ??= sweeper
        .run({ remainingMs: LOCAL_INVOCATION_MS })
        .then(async (report) => {
          await stream.idle();
          return report;
        })
        .finally(() => {
          sweeping = undefined;
        });
      return sweeping;
    };
    if (options.sweepSeconds > 0) {
      const timer = setInterval(() => {
        sweep().catch((error: unknown) => report.problem("sweep failed", error));
      }, options.sweepSeconds * 1_000);
      closers.push(async () => {
        clearInterval(timer);
        await sweeping?.catch(() => undefined);
      });
    }

    let demo = { devices: [] as string[], rulesApplied: 0 };
    if (options.demo !== false) {
      const devices = demoDevices(options.demo.devices);
      const rulesApplied = await seedDemo({ devices, records, rules });
      const endpoints = await Promise.all(
        devices.map(async ({ thingName }) => {
          const pem = await certificates.device(thingName);
          return {
            thingName,
            host: host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host,
            port: broker.mtlsPort,
            tls: { ca: certificates.ca.certificate, cert: pem.certificate, key: pem.privateKey },
            topic: topic.topicFor(thingName),
          };
        }),
      );
      const fleet: DemoFleet = await startDemoFleet({
        endpoints,
        scenarios: options.demo.scenarios,
        seed: options.demo.seed ?? Math.floor(Math.random() * 2 ** 31),
        onEvent: (event) => report.device(event),
      });
      closers.push(() => fleet.stop());
      const operator = startDemoOperator({
        alarms,
        engine,
        clock,
        onProblem: (message, error) => report.problem(message, error),
      });
      closers.push(() => operator.stop());
      demo = { devices: devices.map(({ thingName }) => thingName), rulesApplied };
    }

    const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host;
    return {
      layout,
      urls: {
        dashboard: http.url.replace(/\/$/, ""),
        api: `${http.url.replace(/\/$/, "")}/api`,
        mqtt: `mqtt://${shown}:${broker.plainPort}`,
        mqtts: `mqtts://${shown}:${broker.mtlsPort}`,
      },
      ports: { http: http.port, mqtt: broker.plainPort, mqtts: broker.mtlsPort },
      certificates: { ca: certificates.caFile, server: certificates.server.files, devices: layout.devices },
      deviceCertificate: (thingName) => certificates.device(thingName),
      live,
      series,
      rules,
      records,
      alarms,
      engine,
      demo,
      sweep,
      idle: async () => {
        await actions.idle();
        await webhooks.idle();
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
