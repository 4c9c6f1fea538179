import type { PlantwatchConfigInput } from "../infra/config.ts";
import { DEFAULT_INFLUX_SETTINGS } from "./costModel.ts";
import type { Fleet, PricedConfiguration } from "./recommend.ts";

/**
 * What to merge into cdk.json `context.plantwatch` to deploy exactly what was priced. Only `-c stage` and `-c series.store` are read from the command line (infra/app.ts), and the CDK
 * CLI passes `-c` values as strings, so the rest of a configuration can only come from cdk.json.
 */
export function deployContext(chosen: PricedConfiguration, fleet: Fleet): PlantwatchConfigInput {
  const influx = fleet.influx ?? DEFAULT_INFLUX_SETTINGS;
  const series: PlantwatchConfigInput["series"] =
    chosen.store === "influxdb"
      ? {
          store: "influxdb",
          influxdb: {
            ...(chosen.cost.influx === undefined ? {} : { instanceClass: chosen.cost.influx.instanceClass }),
            deployment: influx.deployment,
            storageType: influx.storageType,
            retentionDays: influx.retentionDays,
            ...(chosen.cost.influx === undefined
              ? {}
              : { storageGiB: Math.min(16_384, Math.max(20, Math.ceil(chosen.cost.influx.storageGib))) }),
          },
        }
      : { store: "liveanalytics" };
  const { stream } = chosen;
  return {
    series,
    ...(chosen.store === "liveanalytics"
      ? {
          timestream: {
            memoryRetentionHours: fleet.memoryRetentionHours,
            magneticRetentionDays: fleet.magneticRetentionDays,
          },
        }
      : {}),
    ingestion:
      stream === undefined
        ? { mode: "direct" }
        : {
            mode: "stream",
            stream: {
              capacity: stream.kinesis,
              ...(stream.kinesis === "provisioned" ? { shards: stream.shards } : {}),
              batchSize: stream.batchSize,
              batchWindowSeconds: stream.batchWindowSeconds,
            },
          },
  };
}
