import * as z from "zod/mini";

/**
 * The ingest function's environment: declared once, set by the CDK stack (typed against this
 * schema) and validated strictly when the function starts.
 */
const positiveInt = z.coerce.number().check(z.int(), z.positive());

export const ingestEnvironmentSchema = z.object({
  TIMESTREAM_DATABASE: z.string().check(z.minLength(3)),
  TIMESTREAM_TABLE: z.string().check(z.minLength(3)),
  REGISTRY_TABLE: z.string().check(z.minLength(3)),
  QUARANTINE_BUCKET: z.string().check(z.minLength(3)),
  /** Samples further than this in the future of their receive time are quarantined (`ts_future`). */
  CLOCK_SKEW_MS: positiveInt,
  /** Samples older than this are quarantined (`ts_too_old`): the table's total retention. */
  MAX_SAMPLE_AGE_MS: positiveInt,
  /** `lastSeen` is written at most once per this interval per thing. */
  LAST_SEEN_INTERVAL_MS: positiveInt,
  /** How long a registry entry (site, line) is cached in memory. */
  REGISTRY_CACHE_TTL_MS: positiveInt,
});

export type IngestEnvironment = z.infer<typeof ingestEnvironmentSchema>;
/** What the stack writes: every value a string, as Lambda environment variables are. */
export type IngestEnvironmentVariables = { readonly [K in keyof IngestEnvironment]: string };

export function readIngestEnvironment(env: NodeJS.ProcessEnv = process.env): IngestEnvironment {
  const parsed = ingestEnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`ingest function environment is invalid: ${problems.join("; ")}`);
  }
  return parsed.data;
}
