import { documentClient } from "../../shared/adapters/aws/documentClient.ts";
import { DynamoDbDeviceRegistry } from "../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { DynamoDbSilenceStore } from "../../shared/adapters/aws/dynamoDbSilenceStore.ts";
import { EventBridgeNotificationSink } from "../../shared/adapters/aws/eventBridgeNotificationSink.ts";
import { SnsNotifier } from "../../shared/adapters/aws/snsNotifier.ts";
import type { NotifyEnvironment } from "../../shared/config/operatorEnvironment.ts";
import type { AlarmNotifier } from "../../shared/domain/notifications/alarmNotifier.ts";
import { systemClock } from "../../shared/ports/clock.ts";
import { CachedSilences } from "./cachedSilences.ts";
import { createNotifier, notificationContextFor } from "./createNotifier.ts";

/** The alarm notifier on AWS: the environment's tables, topics and bus as adapters; built once per container. */
export function createAlarmNotifier(env: NotifyEnvironment): AlarmNotifier {
  const client = documentClient();
  return createNotifier({
    silences: new CachedSilences(
      new DynamoDbSilenceStore({ client, tableName: env.SILENCES_TABLE }),
      systemClock,
    ),
    registry: new DynamoDbDeviceRegistry({
      client,
      tableName: env.REGISTRY_TABLE,
      cacheTtlMs: env.REGISTRY_CACHE_TTL_MS,
      // Read only; `lastSeen` is the ingest function's job.
      lastSeenIntervalMs: Number.MAX_SAFE_INTEGER,
    }),
    topics: new SnsNotifier({ topicArns: { page: env.PAGE_TOPIC_ARN, notify: env.NOTIFY_TOPIC_ARN } }),
    webhooks: new EventBridgeNotificationSink({ eventBusName: env.EVENT_BUS_NAME }),
    clock: systemClock,
    context: notificationContextFor({
      stackName: env.STACK_NAME,
      ...(env.CONSOLE_URL ? { consoleUrl: env.CONSOLE_URL } : {}),
      timeZone: env.PLANT_TIME_ZONE,
    }),
  });
}
