import * as z from "zod/mini";
import { readEnvironment } from "./readEnvironment.ts";
import { type SeriesVariables, withSeriesVariables } from "./seriesEnvironment.ts";

export { type SeriesTarget, seriesTargetOf } from "./seriesEnvironment.ts";

/**
 * The ingest function's environment: declared once, set by the CDK stack (typed against this
 * schema) and validated strictly when the function starts.
 */
const positiveInt = z.coerce.number().check(z.int(), z.positive());

const ingestVariables = {
  REGISTRY_TABLE: z.string().check(z.minLength(3)),
  QUARANTINE_BUCKET: z.string().check(z.minLength(3)),
  /** Samples further than this in the future of their receive time are quarantined (`ts_future`). */
  CLOCK_SKEW_MS: positiveInt,
  /** Samples older than this are quarantined (`ts_too_old`): the table's total retention. */
  MAX_SAMPLE_AGE_MS: positiveInt,
  /**
   * `lastSeen` is written at most once per this interval per thing. Absent in stream mode: the alarm
   * consumer keeps each thing's last report, and ingest writes no `lastSeen`.
   */
  LAST_SEEN_INTERVAL_MS: z.optional(positiveInt),
  /** How long a registry entry (site, line) is cached in memory. */
  REGISTRY_CACHE_TTL_MS: positiveInt,
};

/** The ingest variables plus those of the series store in use (see seriesEnvironment.ts). */
export const ingestEnvironmentSchemas = withSeriesVariables(ingestVariables);

export type IngestEnvironment =
  | z.infer<typeof ingestEnvironmentSchemas.liveanalytics>
  | z.infer<typeof ingestEnvironmentSchemas.influxdb>;
/** What the ingest construct writes itself; the series store's construct adds its own variables. */
export type IngestOwnVariables = {
  readonly [K in Exclude<keyof typeof ingestVariables, "LAST_SEEN_INTERVAL_MS">]: string;
} & { readonly LAST_SEEN_INTERVAL_MS?: string };
/** What the stack writes: every value a string, as Lambda environment variables are. */
export type IngestEnvironmentVariables = IngestOwnVariables & SeriesVariables;

export function readIngestEnvironment(env: NodeJS.ProcessEnv = process.env): IngestEnvironment {
  return readEnvironment<IngestEnvironment>(ingestEnvironmentSchemas.for(env), "ingest", env);
}
