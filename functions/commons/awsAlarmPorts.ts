import { DynamoDbAlarmStore } from "../../shared/adapters/aws/dynamoDbAlarmStore.ts";
import { DynamoDbDeviceRegistry } from "../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { DynamoDbRuleRepository } from "../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { EventBridgePublisher } from "../../shared/adapters/aws/eventBridgePublisher.ts";
import type { SweepEnvironment } from "../../shared/config/alarmEnvironment.ts";
import { systemClock } from "../../shared/ports/clock.ts";
import type { AlarmEnginePorts } from "./alarmEngine.ts";

/** The alarm engine's AWS adapters, from the environment the stack gives the evaluate, sweep and api functions. */
export function awsAlarmEnginePorts(env: SweepEnvironment) {
  return {
    store: new DynamoDbAlarmStore({
      alarmsTableName: env.ALARMS_TABLE,
      historyTableName: env.HISTORY_TABLE,
      historyRetentionMs: env.HISTORY_RETENTION_MS,
    }),
    publisher: new EventBridgePublisher({ eventBusName: env.EVENT_BUS_NAME }),
    rules: {
      reader: new DynamoDbRuleRepository({ tableName: env.RULES_TABLE }),
      refreshMs: env.RULES_REFRESH_MS,
    },
    registry: new DynamoDbDeviceRegistry({
      tableName: env.REGISTRY_TABLE,
      cacheTtlMs: env.REGISTRY_CACHE_TTL_MS,
      // The alarm functions only read the registry; `lastSeen` is the ingest function's job.
      lastSeenIntervalMs: Number.MAX_SAFE_INTEGER,
    }),
    clock: systemClock,
  } satisfies AlarmEnginePorts;
}
