import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { documentClient } from "../../shared/adapters/aws/documentClient.ts";
import { DynamoDbAlarmStore } from "../../shared/adapters/aws/dynamoDbAlarmStore.ts";
import { DynamoDbDeviceRegistry } from "../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { DynamoDbRuleRepository } from "../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { EventBridgePublisher } from "../../shared/adapters/aws/eventBridgePublisher.ts";
import type { SweepEnvironment } from "../../shared/config/alarmEnvironment.ts";
import { systemClock } from "../../shared/ports/clock.ts";
import type { AlarmEnginePorts } from "./alarmEngine.ts";

/**
 * The alarm engine's AWS adapters, from the environment the stack gives the evaluate, sweep and api
 * functions; the DynamoDB adapters share `client` (the api hands its own adapters the same one).
 */
export function awsAlarmEnginePorts(
  env: SweepEnvironment,
  client: DynamoDBDocumentClient = documentClient(),
) {
  return {
    store: new DynamoDbAlarmStore({
      client,
      alarmsTableName: env.ALARMS_TABLE,
      historyTableName: env.HISTORY_TABLE,
      historyRetentionMs: env.HISTORY_RETENTION_MS,
    }),
    publisher: new EventBridgePublisher({ eventBusName: env.EVENT_BUS_NAME }),
    rules: {
      reader: new DynamoDbRuleRepository({ client, tableName: env.RULES_TABLE }),
      refreshMs: env.RULES_REFRESH_MS,
    },
    registry: new DynamoDbDeviceRegistry({
      client,
      tableName: env.REGISTRY_TABLE,
      cacheTtlMs: env.REGISTRY_CACHE_TTL_MS,
      // The alarm functions only read the registry; `lastSeen` is the ingest function's job.
      lastSeenIntervalMs: Number.MAX_SAFE_INTEGER,
    }),
    clock: systemClock,
  } satisfies AlarmEnginePorts;
}
