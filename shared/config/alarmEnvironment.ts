import * as z from "zod/mini";
import { readEnvironment } from "./readEnvironment.ts";

/**
 * The environments of the evaluate and sweep functions: declared once, set by the CDK stack
 * (typed against these schemas) and validated strictly when a function starts.
 */
const positiveInt = z.coerce.number().check(z.int(), z.positive());
const name = z.string().check(z.minLength(1));
const arn = z.string().check(z.regex(/^arn:aws[a-z-]*:/));

const alarmStores = {
  /** One item per thing: all its alarm instances, versioned (C4). */
  ALARMS_TABLE: name,
  /** Transitions, late samples and operator actions, with a TTL. */
  HISTORY_TABLE: name,
  /** The applied C3 rules and the ruleset version item. */
  RULES_TABLE: name,
  REGISTRY_TABLE: name,
  /** The C5 custom bus. */
  EVENT_BUS_NAME: name,
  /** How long history entries are kept (DynamoDB TTL). */
  HISTORY_RETENTION_MS: positiveInt,
  /** How often a container checks the ruleset version (≤ 60 s, C3). */
  RULES_REFRESH_MS: positiveInt,
  REGISTRY_CACHE_TTL_MS: positiveInt,
};

export const evaluateEnvironmentSchema = z.object({
  ...alarmStores,
  /** The same sample-time bounds as ingest, so only samples that are stored are evaluated. */
  CLOCK_SKEW_MS: positiveInt,
  MAX_SAMPLE_AGE_MS: positiveInt,
  /** Stream mode only: the bucket holding one checkpoint per shard (under `SHARD_CHECKPOINT_PREFIX`). */
  SHARD_CHECKPOINT_BUCKET: z.optional(name),
});

export const sweepEnvironmentSchema = z.object({
  ...alarmStores,
  /**
   * Stream mode only: the telemetry stream, where the sweep's ticks (and the API's operator actions,
   * whose schema extends this one) go as control records, so the thing's one consumer applies them in order.
   */
  TELEMETRY_STREAM_ARN: z.optional(arn),
});

export type EvaluateEnvironment = z.infer<typeof evaluateEnvironmentSchema>;
export type SweepEnvironment = z.infer<typeof sweepEnvironmentSchema>;
export type EvaluateEnvironmentVariables = { readonly [K in keyof EvaluateEnvironment]: string };
export type SweepEnvironmentVariables = { readonly [K in keyof SweepEnvironment]: string };

export const readEvaluateEnvironment = (env: NodeJS.ProcessEnv = process.env): EvaluateEnvironment =>
  readEnvironment(evaluateEnvironmentSchema, "evaluate", env);
export const readSweepEnvironment = (env: NodeJS.ProcessEnv = process.env): SweepEnvironment =>
  readEnvironment(sweepEnvironmentSchema, "sweep", env);
