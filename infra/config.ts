import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { z } from "zod";
import { assertTopicRoot, DEFAULT_TOPIC_ROOT } from "../shared/contracts/telemetryTopic.ts";
import { ConfigError } from "./ConfigError.ts";

/** Every value CloudWatch Logs accepts as a retention, from CDK's own list (without "never expire"). */
export const LOG_RETENTION_DAYS: readonly number[] = Object.values(RetentionDays)
  .filter((days): days is number => typeof days === "number" && days !== RetentionDays.INFINITE)
  .sort((a, b) => a - b);

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

const configSchema = z.strictObject({
  /** Deployment stage, selected with `-c stage=<name>`. */
  stage: z.string().regex(STAGE_PATTERN, "must match ^[a-z][a-z0-9-]{0,19}$").default("dev"),
  /** CloudFormation stack name; also names the IoT rule. @default `plantwatch-${stage}` */
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{2,99}$/, "must be 3-100 letters, digits and '-', starting with a letter")
    .optional(),
  /** C1 topic root: devices publish to `{topicRoot}/{thingName}/telemetry`. */
  topicRoot: z.string().superRefine(topicRootProblems).default(DEFAULT_TOPIC_ROOT),
  timestream: z
    .strictObject({
      memoryRetentionHours: int(1, 8766).default(24),
      magneticRetentionDays: int(1, 73000).default(365),
    })
    .prefault({}),
  ingest: z
    .strictObject({
      /** Samples further than this in the future are quarantined (`ts_future`). */
      clockSkewSeconds: int(1, 900).default(300),
      /** A thing's `lastSeen` is written at most once per this interval. */
      lastSeenIntervalSeconds: int(1, 86_400).default(300),
      /** How long a registry entry is cached in a function container. */
      registryCacheTtlSeconds: int(1, 3600).default(60),
    })
    .prefault({}),
  alarms: z
    .strictObject({
      /**
       * C5 custom bus. Names are unique per account and region: two stages deployed to one account
       * and region need distinct names.
       */
      eventBusName: z.string().superRefine(eventBusNameProblems).default("plantwatch"),
      /** How long alarm history (transitions, late samples, operator actions) is kept (DynamoDB TTL). */
      historyRetentionDays: int(1, 3650).default(90),
      /** How often a function container checks for changed rules; C3 requires pickup within 60 s. */
      rulesRefreshSeconds: int(5, 60).default(60),
      notify: z
        .strictObject({
          email: z.array(z.email("must be an email address")).default([]),
          sms: z
            .array(z.string().regex(/^\+[1-9]\d{1,14}$/, "must be an E.164 number like +4915112345678"))
            .default([]),
        })
        .prefault({}),
    })
    .prefault({}),
  logRetentionDays: z
    .number()
    .refine((days) => LOG_RETENTION_DAYS.includes(days), `must be one of ${LOG_RETENTION_DAYS.join(", ")}`)
    .default(30),
  /** What `cdk destroy` does to stateful stores (key, tables, buckets, queue, device policy). */
  removalPolicy: z.enum(["retain", "destroy"]).default("retain"),
  metricsNamespace: z
    .string()
    .regex(
      /^(?!AWS\/)[A-Za-z0-9._/#:-]{1,255}$/,
      "must be 1-255 of [A-Za-z0-9._/#:-], not starting with AWS/",
    )
    .default("plantwatch"),
});

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export type PlantwatchConfig = DeepReadonly<z.output<typeof configSchema> & { stackName: string }>;
/** What cdk.json may set: any subset of the keys, nested. */
export type PlantwatchConfigInput = z.input<typeof configSchema>;

export interface ConfigSources {
  /** cdk.json context `plantwatch`. */
  readonly defaults?: unknown;
  /** cdk.json context `plantwatch:stages`: per-stage overrides of the defaults. */
  readonly stages?: unknown;
  /** `-c stage=<name>`; without it, the stage of the defaults. */
  readonly stage?: unknown;
  /** Programmatic overrides applied last (tests, tools). */
  readonly overrides?: unknown;
}

interface Layer {
  readonly source: string;
  readonly value: Record<string, unknown>;
}

/**
 * Merges the configuration layers (defaults < stage overrides < overrides), validates the result
 * and throws a ConfigError naming every problem with the context path it came from.
 */
export function resolveConfig(sources: ConfigSources): PlantwatchConfig {
  const problems: string[] = [];
  const layers = collectLayers(sources, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const merged = layers.reduce<Record<string, unknown>>((acc, layer) => deepMerge(acc, layer.value), {});
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.flatMap((issue) => describeIssue(issue, layers)));
  }
  const config = parsed.data;
  return { ...config, stackName: config.stackName ?? `plantwatch-${config.stage}` };
}

function collectLayers(sources: ConfigSources, problems: string[]): Layer[] {
  const layers: Layer[] = [];
  const defaults = sources.defaults ?? {};
  if (isRecord(defaults)) layers.push({ source: "plantwatch", value: defaults });
  else problems.push("plantwatch: must be an object");

  const stages = sources.stages ?? {};
  if (!isRecord(stages)) {
    problems.push("plantwatch:stages: must be an object of stage name to overrides");
    return layers;
  }
  const defaultStage = isRecord(defaults) && typeof defaults.stage === "string" ? defaults.stage : "dev";
  const stage = sources.stage ?? defaultStage;
  if (typeof stage !== "string" || !STAGE_PATTERN.test(stage)) {
    problems.push(`stage: "${String(stage)}" must match ${STAGE_PATTERN.source}`);
    return layers;
  }
  const stageOverrides = stages[stage];
  if (stageOverrides === undefined && stage !== defaultStage) {
    const declared = Object.keys(stages).join(", ") || "none";
    problems.push(
      `stage: "${stage}" is not declared in plantwatch:stages (declared: ${declared}); ` +
        `add "plantwatch:stages": { "${stage}": {} } to cdk.json to create it`,
    );
  } else if (stageOverrides !== undefined && !isRecord(stageOverrides)) {
    problems.push(`plantwatch:stages.${stage}: must be an object`);
  } else if (stageOverrides !== undefined) {
    if (isRecord(defaults) && "stackName" in defaults && !("stackName" in stageOverrides)) {
      problems.push(
        `plantwatch.stackName: would name stage "${stage}" too; set stackName per stage ` +
          `(plantwatch:stages.${stage}.stackName) so that stages never share a stack`,
      );
    }
    if ("stage" in stageOverrides) {
      problems.push(
        `plantwatch:stages.${stage}.stage: the stage is selected with -c stage=<name>; remove this key`,
      );
    }
    layers.push({ source: `plantwatch:stages.${stage}`, value: stageOverrides });
  }
  layers.push({ source: "stage", value: { stage } });

  if (sources.overrides !== undefined) {
    if (isRecord(sources.overrides)) layers.push({ source: "overrides", value: sources.overrides });
    else problems.push("overrides: must be an object");
  }
  return layers;
}

function describeIssue(issue: z.core.$ZodIssue, layers: readonly Layer[]): string[] {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => `${locate([...path, key], layers)}: unknown key`);
  }
  return [`${locate(path, layers)}: ${messageOf(issue)}`];
}

/** The context path of a value: in the last layer that sets it, else in the defaults. */
function locate(path: readonly string[], layers: readonly Layer[]): string {
  const layer = [...layers].reverse().find((candidate) => getPath(candidate.value, path) !== undefined);
  return [layer?.source ?? "plantwatch", ...path].join(".");
}

function messageOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "too_big":
      return `must be <= ${issue.maximum}`;
    case "too_small":
      return `must be >= ${issue.minimum}`;
    case "invalid_type":
      return issue.expected === "int" ? "must be an integer" : `must be a ${issue.expected}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    default:
      return issue.message;
  }
}

/** EventBridge custom bus names: 1-256 of [A-Za-z0-9._-]; `default` and `aws.*` belong to AWS. */
const EVENT_BUS_NAME_PATTERN = /^[A-Za-z0-9._-]{1,256}$/;

function eventBusNameProblems(name: string, context: z.core.$RefinementCtx<string>): void {
  if (!EVENT_BUS_NAME_PATTERN.test(name)) {
    context.addIssue({ code: "custom", message: "must be 1-256 of [A-Za-z0-9._-]" });
  } else if (name === "default" || name.startsWith("aws.")) {
    context.addIssue({
      code: "custom",
      message: 'must not be "default" or start with "aws." (reserved by EventBridge)',
    });
  }
}

function topicRootProblems(root: string, context: z.core.$RefinementCtx<string>): void {
  try {
    assertTopicRoot(root);
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
  }
}

function getPath(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), value);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = result[key];
    result[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
