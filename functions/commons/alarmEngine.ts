import {
  CachedRuleSource,
  type RuleSnapshotReader,
} from "../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { AlarmEngine } from "../../shared/domain/alarms/alarmEngine.ts";
import { StreamOperatorActions } from "../../shared/domain/alarms/streamActions.ts";
import { StreamAlarmConsumer } from "../../shared/domain/alarms/streamConsumer.ts";
import { DEFAULT_TELEMETRY_LIMITS, type TelemetryLimits } from "../../shared/domain/ingest/types.ts";
import type { AlarmStore } from "../../shared/ports/alarmStore.ts";
import type { Clock } from "../../shared/ports/clock.ts";
import type { DeviceRegistry } from "../../shared/ports/deviceRegistry.ts";
import type { EventPublisher } from "../../shared/ports/eventPublisher.ts";
import type { ShardCheckpoints } from "../../shared/ports/shardCheckpoints.ts";
import type { StreamControl } from "../../shared/ports/streamControl.ts";
import { type FunctionLog, SILENT_LOG } from "./functionPorts.ts";

/** What the alarm engine is built from: DynamoDB and EventBridge on AWS, dynalite and the local bus locally. */
export interface AlarmEnginePorts {
  readonly store: AlarmStore;
  readonly publisher: EventPublisher;
  /** The stored rules, read again when their version changed, checked at most every `refreshMs` (C3). */
  readonly rules: { readonly reader: RuleSnapshotReader; readonly refreshMs: number };
  /** Read only: `lastSeen` is the ingest function's job. */
  readonly registry: DeviceRegistry;
  readonly clock: Clock;
  /** Over `DEFAULT_TELEMETRY_LIMITS`; must be the bounds ingest applies, so only stored samples are evaluated. */
  readonly limits?: Partial<TelemetryLimits>;
  /** Invalid stored rules and failed refreshes; default silent. */
  readonly log?: FunctionLog;
  /** Between conflicting write attempts; default a short random jitter that grows with the attempt. */
  readonly pause?: (attempt: number) => Promise<void>;
}

/** Spreads writers that raced for the same item, so the next attempt rarely races again. */
const jitterPause = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));

/** The stream consumer's ports: the engine's, and where shard checkpoints live. */
export interface StreamAlarmConsumerPorts extends AlarmEnginePorts {
  readonly checkpoints: ShardCheckpoints;
}

/** The one composition of the stream-mode alarm engine, for the evaluate function on a stream, the cost model and the tests. */
export function createStreamAlarmConsumer(ports: StreamAlarmConsumerPorts): StreamAlarmConsumer {
  return new StreamAlarmConsumer({
    store: ports.store,
    publisher: ports.publisher,
    checkpoints: ports.checkpoints,
    rules: cachedRules(ports),
    registry: ports.registry,
    limits: { ...DEFAULT_TELEMETRY_LIMITS, ...ports.limits },
  });
}

/** Stream mode's operator actions (the API): put on the stream, answered once the consumer applied them. */
export function createStreamOperatorActions(
  ports: Pick<AlarmEnginePorts, "store" | "rules" | "registry" | "clock" | "log"> & {
    readonly stream: StreamControl;
  },
): StreamOperatorActions {
  return new StreamOperatorActions({
    store: ports.store,
    stream: ports.stream,
    rules: cachedRules(ports),
    registry: ports.registry,
    clock: ports.clock,
  });
}

/**
 * The one composition of the alarm engine, for the evaluate, sweep and api functions, the local
 * stack, the cost model and the tests that run the engine over real adapters.
 */
export function createAlarmEngine(ports: AlarmEnginePorts): AlarmEngine {
  return new AlarmEngine({
    store: ports.store,
    publisher: ports.publisher,
    rules: cachedRules(ports),
    registry: ports.registry,
    clock: ports.clock,
    limits: { ...DEFAULT_TELEMETRY_LIMITS, ...ports.limits },
    pause: ports.pause ?? jitterPause,
  });
}

function cachedRules(ports: Pick<AlarmEnginePorts, "rules" | "clock" | "log">): CachedRuleSource {
  const log = ports.log ?? SILENT_LOG;
  return new CachedRuleSource({
    reader: ports.rules.reader,
    refreshMs: ports.rules.refreshMs,
    clock: ports.clock,
    onInvalid: (rule) => log.error(`stored rule ${rule.id} is invalid; skipped`, { rule }),
    onRefreshError: (error) => log.warn("rules refresh failed; keeping the previous set", { error }),
  });
}
