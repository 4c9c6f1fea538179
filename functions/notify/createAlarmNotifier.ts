import { DynamoDbDeviceRegistry } from "../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { DynamoDbSilenceStore } from "../../shared/adapters/aws/dynamoDbSilenceStore.ts";
import { EventBridgeNotificationSink } from "../../shared/adapters/aws/eventBridgeNotificationSink.ts";
import { SnsNotifier } from "../../shared/adapters/aws/snsNotifier.ts";
import type { NotifyEnvironment } from "../../shared/config/operatorEnvironment.ts";
import { AlarmNotifier } from "../../shared/domain/notifications/alarmNotifier.ts";
import {
  defaultAckCommand,
  type NotificationContext,
  shellWord,
} from "../../shared/domain/notifications/notificationContext.ts";
import { systemClock } from "../../shared/ports/clock.ts";
import { CachedSilences } from "./cachedSilences.ts";

/** What messages add to an event in this deployment: its console, its time zone, its stack name. */
export function notificationContextFor(env: NotifyEnvironment): NotificationContext {
  return {
    ...(env.CONSOLE_URL ? { consoleUrl: env.CONSOLE_URL } : {}),
    timeZone: env.PLANT_TIME_ZONE,
    ackCommand: (alarmId) => `${defaultAckCommand(alarmId)} --stack ${shellWord(env.STACK_NAME)}`,
  };
}

/** The alarm notifier wired to AWS; built once per container. */
export function createAlarmNotifier(env: NotifyEnvironment): AlarmNotifier {
  return new AlarmNotifier({
    silences: new CachedSilences(new DynamoDbSilenceStore({ tableName: env.SILENCES_TABLE }), systemClock),
    registry: new DynamoDbDeviceRegistry({
      tableName: env.REGISTRY_TABLE,
      cacheTtlMs: env.REGISTRY_CACHE_TTL_MS,
      // Read only; `lastSeen` is the ingest function's job.
      lastSeenIntervalMs: Number.MAX_SAFE_INTEGER,
    }),
    topics: new SnsNotifier({ topicArns: { page: env.PAGE_TOPIC_ARN, notify: env.NOTIFY_TOPIC_ARN } }),
    webhooks: new EventBridgeNotificationSink({ eventBusName: env.EVENT_BUS_NAME }),
    clock: systemClock,
    context: notificationContextFor(env),
  });
}
