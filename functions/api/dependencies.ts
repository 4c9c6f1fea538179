import type { RuleChanges, RuleSnapshotReader } from "../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import type { AlarmEngine } from "../../shared/domain/alarms/alarmEngine.ts";
import type { Plant } from "../../shared/domain/kpis/machineModel.ts";
import type { AlarmChangeFeed } from "../../shared/ports/alarmChangeFeed.ts";
import type { AlarmHistoryReader } from "../../shared/ports/alarmHistory.ts";
import type { AlarmStore } from "../../shared/ports/alarmStore.ts";
import type { Clock } from "../../shared/ports/clock.ts";
import type { DeviceCatalog, DeviceRegistry } from "../../shared/ports/deviceRegistry.ts";
import type { OperatorDirectory } from "../../shared/ports/operatorDirectory.ts";
import type { SeriesFacts } from "../../shared/ports/seriesFacts.ts";
import type { SeriesQuery } from "../../shared/ports/seriesQuery.ts";
import type { SilenceStore } from "../../shared/ports/silenceStore.ts";
import type { RuleSummary } from "./protocol/views.ts";

/** Where problems worth a look go (Powertools on AWS, the console locally). */
export interface ApiLog {
  error(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

/** The ports the operator API is built from: DynamoDB and Timestream on AWS, the same or local ones in the local stack. */
export interface OperatorApiDependencies {
  readonly alarms: Pick<AlarmStore, "load" | "scan"> & AlarmHistoryReader & AlarmChangeFeed;
  /** Operator actions go through the engine, so they are published and recorded like every transition. */
  readonly engine: Pick<AlarmEngine, "act">;
  readonly rules: RuleSnapshotReader & { apply(changes: RuleChanges): Promise<string> };
  readonly registry: Pick<DeviceRegistry, "get"> & DeviceCatalog;
  readonly silences: SilenceStore;
  readonly series: SeriesQuery;
  /** C9: the series store's aggregates (none where the store has no KPI queries) and the machine models. */
  readonly kpis: { readonly series: SeriesFacts; readonly plant: Plant };
  readonly clock: Clock;
  /** Console users by user pool `sub`, for recording the person as the actor; absent without a console. */
  readonly operators?: OperatorDirectory;
  readonly log?: ApiLog;
}

/** The valid stored rules' summaries by id; invalid items are logged and left out, as the engine does. */
export async function ruleSummaries(deps: OperatorApiDependencies): Promise<Map<string, RuleSummary>> {
  const summaries = new Map<string, RuleSummary>();
  for (const stored of await deps.rules.list()) {
    if (!stored.valid) {
      deps.log?.warn("stored rule is invalid; left out", { ruleId: stored.id });
      continue;
    }
    const { id, name, severity, kind } = stored.document;
    summaries.set(id, { id, name, severity, kind });
  }
  return summaries;
}
