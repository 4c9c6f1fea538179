import {
  INFLUX_CLASS_VCPUS,
  INFLUX_INSTANCE_CLASSES,
  type InfluxInstanceClass,
  type InfluxStorageType,
} from "./prices.ts";

/**
 * What each class is sized for: AWS's own heuristics (awslabs/amazon-timestream-tools,
 * influxdb_metrics_dashboard main.go; research §7) for the five smallest classes. Larger classes are
 * extrapolated from the 4xlarge by vCPUs, and no class is sized above ~10M series, where AWS says
 * InfluxDB 2 degrades (aws/agent-toolkit-for-aws, timestream.md).
 */
interface Capacity {
  readonly linesPerSecond: number;
  readonly series: number;
  readonly extrapolated: boolean;
}

const AWS_HEURISTICS: Partial<Record<InfluxInstanceClass, { linesPerSecond: number; series: number }>> = {
  "db.influx.medium": { linesPerSecond: 5_000, series: 10_000 },
  "db.influx.large": { linesPerSecond: 50_000, series: 100_000 },
  "db.influx.xlarge": { linesPerSecond: 100_000, series: 500_000 },
  "db.influx.2xlarge": { linesPerSecond: 150_000, series: 1_000_000 },
  "db.influx.4xlarge": { linesPerSecond: 250_000, series: 5_000_000 },
};
const LARGEST_SIZED = {
  instanceClass: "db.influx.4xlarge",
  linesPerSecond: 250_000,
  series: 5_000_000,
} as const;
const MAX_SERIES = 10_000_000;

export const INFLUX_CAPACITY = Object.fromEntries(
  INFLUX_INSTANCE_CLASSES.map((instanceClass): [InfluxInstanceClass, Capacity] => {
    const sized = AWS_HEURISTICS[instanceClass];
    if (sized !== undefined) return [instanceClass, { ...sized, extrapolated: false }];
    const scale = INFLUX_CLASS_VCPUS[instanceClass] / INFLUX_CLASS_VCPUS[LARGEST_SIZED.instanceClass];
    return [
      instanceClass,
      {
        linesPerSecond: LARGEST_SIZED.linesPerSecond * scale,
        series: Math.min(MAX_SERIES, LARGEST_SIZED.series * scale),
        extrapolated: true,
      },
    ];
  }),
) as Readonly<Record<InfluxInstanceClass, Capacity>>;

export interface InfluxLoad {
  readonly linesPerSecond: number;
  readonly series: number;
}

export interface InfluxSizing {
  readonly instanceClass: InfluxInstanceClass;
  /** How the class was picked: sized for the load, or forced with `--influx-class`. */
  readonly chosen: "sized" | "forced";
  /** False: the load exceeds what the class is sized for (forced too small, or beyond every class). */
  readonly fits: boolean;
  /** The class's capacity comes from extrapolation, not from AWS's heuristics. */
  readonly extrapolated: boolean;
}

/** The smallest class sized for `load`, or `forced` as given (saying whether it fits). */
export function sizeInfluxInstance(load: InfluxLoad, forced?: InfluxInstanceClass): InfluxSizing {
  const fits = (instanceClass: InfluxInstanceClass) => {
    const capacity = INFLUX_CAPACITY[instanceClass];
    return load.linesPerSecond <= capacity.linesPerSecond && load.series <= capacity.series;
  };
  if (forced !== undefined) {
    return {
      instanceClass: forced,
      chosen: "forced",
      fits: fits(forced),
      extrapolated: INFLUX_CAPACITY[forced].extrapolated,
    };
  }
  const sized = INFLUX_INSTANCE_CLASSES.find(fits);
  const instanceClass = sized ?? "db.influx.24xlarge";
  return {
    instanceClass,
    chosen: "sized",
    fits: sized !== undefined,
    extrapolated: INFLUX_CAPACITY[instanceClass].extrapolated,
  };
}

/** CreateDbInstance's floor, and T2/T3's (they exist only from 400 GiB). */
const MIN_GIB: Readonly<Record<InfluxStorageType, number>> = {
  InfluxIOIncludedT1: 20,
  InfluxIOIncludedT2: 400,
  InfluxIOIncludedT3: 400,
};

/**
 * GiB to allocate for `retentionDays` of data at `bytesPerDay` (the steady state, once the bucket is
 * full): whole GiB, at least the storage type's minimum.
 */
export function influxStorageGib(
  bytesPerDay: number,
  retentionDays: number,
  storageType: InfluxStorageType,
): number {
  const gib = Math.ceil((bytesPerDay * retentionDays) / 1024 ** 3);
  return Math.max(MIN_GIB[storageType], gib);
}
