import * as z from "zod/mini";

/**
 * Where a function finds the telemetry series, declared once for the ingest and api functions: the
 * Timestream for LiveAnalytics table, or the Timestream for InfluxDB endpoint, bucket and the secret
 * holding the bucket's token. Exactly one of the two sets is present in a function's environment.
 */
export const liveAnalyticsVariables = {
  TIMESTREAM_DATABASE: z.string().check(z.minLength(3)),
  TIMESTREAM_TABLE: z.string().check(z.minLength(3)),
};

export const influxVariables = {
  /** `https://<endpoint>:8086`, no trailing slash. */
  INFLUX_URL: z
    .string()
    .check(z.regex(/^https?:\/\/[^/\s]+$/, "must be http(s)://host[:port] without a path")),
  /** The bucket, addressed as the v1 database `db=<bucket>`. */
  INFLUX_BUCKET: z.string().check(z.minLength(2)),
  /** The Secrets Manager secret holding the bucket's read/write token. */
  INFLUX_TOKEN_SECRET_ARN: z
    .string()
    .check(z.regex(/^arn:aws[a-z-]*:secretsmanager:/, "must be a secret ARN")),
};

type Strings<T> = { readonly [K in keyof T]: string };
/** What the stack writes for each store (every value a string, as Lambda environment variables are). */
export type LiveAnalyticsVariables = Strings<typeof liveAnalyticsVariables>;
export type InfluxVariables = Strings<typeof influxVariables>;
export type SeriesVariables = LiveAnalyticsVariables | InfluxVariables;

/** The series target of a function, from its validated environment. */
export type SeriesTarget =
  | { readonly store: "liveanalytics"; readonly databaseName: string; readonly tableName: string }
  | {
      readonly store: "influxdb";
      readonly url: string;
      readonly bucket: string;
      readonly tokenSecretArn: string;
    };

/**
 * `shape` plus the variables of one store or the other. The one to validate against is chosen by
 * `INFLUX_URL`, so a problem is named by its variable (a union would only say "invalid input").
 */
export function withSeriesVariables<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const liveanalytics = z.object({ ...shape, ...liveAnalyticsVariables });
  const influxdb = z.object({ ...shape, ...influxVariables });
  return {
    liveanalytics,
    influxdb,
    for: (env: NodeJS.ProcessEnv) => (env.INFLUX_URL === undefined ? liveanalytics : influxdb),
  };
}

type ParsedSeriesVariables =
  | { readonly TIMESTREAM_DATABASE: string; readonly TIMESTREAM_TABLE: string }
  | { readonly INFLUX_URL: string; readonly INFLUX_BUCKET: string; readonly INFLUX_TOKEN_SECRET_ARN: string };

export function seriesTargetOf(env: ParsedSeriesVariables): SeriesTarget {
  return "INFLUX_URL" in env
    ? {
        store: "influxdb",
        url: env.INFLUX_URL,
        bucket: env.INFLUX_BUCKET,
        tokenSecretArn: env.INFLUX_TOKEN_SECRET_ARN,
      }
    : { store: "liveanalytics", databaseName: env.TIMESTREAM_DATABASE, tableName: env.TIMESTREAM_TABLE };
}
