import { DynamoDbAlarmStore } from "../../shared/adapters/aws/dynamoDbAlarmStore.ts";
import { DynamoDbDeviceRegistry } from "../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import {
  CachedRuleSource,
  DynamoDbRuleRepository,
} from "../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { EventBridgePublisher } from "../../shared/adapters/aws/eventBridgePublisher.ts";
import type { SweepEnvironment } from "../../shared/config/alarmEnvironment.ts";
import { AlarmEngine } from "../../shared/domain/alarms/alarmEngine.ts";
import { DEFAULT_TELEMETRY_LIMITS, type TelemetryLimits } from "../../shared/domain/ingest/types.ts";
import { systemClock } from "../../shared/ports/clock.ts";
import { logger } from "./powertools.ts";

/** The alarm engine wired to AWS, as the evaluate and sweep functions share it; built once per container. */
export function createAlarmEngine(env: SweepEnvironment, limits: Partial<TelemetryLimits> = {}) {
  const store = new DynamoDbAlarmStore({
    alarmsTableName: env.ALARMS_TABLE,
    historyTableName: env.HISTORY_TABLE,
    historyRetentionMs: env.HISTORY_RETENTION_MS,
  });
  const engine = new AlarmEngine({
    store,
    publisher: new EventBridgePublisher({ eventBusName: env.EVENT_BUS_NAME }),
    rules: new CachedRuleSource({
      reader: new DynamoDbRuleRepository({ tableName: env.RULES_TABLE }),
      refreshMs: env.RULES_REFRESH_MS,
      onInvalid: (rule) => logger.error("stored rule is invalid; skipped", { rule }),
      onRefreshError: (error) => logger.warn("rules refresh failed; keeping the previous set", { error }),
    }),
    registry: new DynamoDbDeviceRegistry({
      tableName: env.REGISTRY_TABLE,
      cacheTtlMs: env.REGISTRY_CACHE_TTL_MS,
      // The alarm functions only read the registry; `lastSeen` is the ingest function's job.
      lastSeenIntervalMs: Number.MAX_SAFE_INTEGER,
    }),
    clock: systemClock,
    limits: { ...DEFAULT_TELEMETRY_LIMITS, ...limits },
    pause: (attempt) => new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt)),
  });
  return { engine, store };
}
