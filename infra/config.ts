import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { z } from "zod";
import { WEBHOOK_FORMATS, type WebhookFormat } from "../shared/contracts/alarmNotification.ts";
import { type MachineModelFile, machineModelFileSchema } from "../shared/contracts/kpis.ts";
import { assertTopicRoot, defaultTopicRootFor } from "../shared/contracts/telemetryTopic.ts";
import { SEVERITIES } from "../shared/domain/alarms/rule.ts";
import { ConfigError } from "./ConfigError.ts";

/** Every value CloudWatch Logs accepts as a retention, from CDK's own list (without "never expire"). */
export const LOG_RETENTION_DAYS: readonly number[] = Object.values(RetentionDays)
  .filter((days): days is number => typeof days === "number" && days !== RetentionDays.INFINITE)
  .sort((a, b) => a - b);

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

/** EventBridge rule names are at most 64 characters; webhook rules are `<stackName>-webhook-<name>`. */
const MAX_RULE_NAME_LENGTH = 64;
const E164 = /^\+[1-9]\d{1,14}$/;

/** Email and SMS subscribers of one SNS topic (each email address must confirm its subscription). */
const subscriptionsSchema = z
  .strictObject({
    email: z.array(z.email("must be an email address")).default([]),
    sms: z.array(z.string().regex(E164, "must be an E.164 number like +4915112345678")).default([]),
  })
  .prefault({});

/**
 * Secrets stay in Secrets Manager: the template holds a dynamic reference to this ARN, never the
 * value. The full ARN (with the 6-character suffix Secrets Manager appends) is required, because a
 * partial ARN is read as a secret name.
 */
const SECRET_ARN_PATTERN =
  /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;

const httpsUrl = z.url({
  protocol: /^https$/,
  hostname: z.regexes.domain,
  error: (issue) => (issue.input === undefined ? "is required" : "must be an https:// URL"),
});

const webhookCommon = {
  /** Names the EventBridge rule (`<stackName>-webhook-<name>`), which `plantwatch dlq replay` targets. */
  name: z.string().regex(/^[a-z0-9-]{1,32}$/, "must be 1-32 of [a-z0-9-]"),
  /** Alarms of these severities are sent. @default all */
  severities: z
    .array(z.enum(SEVERITIES))
    .min(1, "must name at least one severity (or leave it out for all)")
    .refine((list) => new Set(list).size === list.length, "must not repeat a severity")
    .default([...SEVERITIES]),
  /** Full ARN of the Secrets Manager secret holding the credential (see `secretField`). */
  secretArn: z
    .string()
    .regex(
      SECRET_ARN_PATTERN,
      "must be the full ARN of a Secrets Manager secret " +
        "(arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>); " +
        "the credential itself belongs in the secret, never in cdk.json",
    ),
  /** The JSON key holding the credential when the secret is a JSON object. @default - the whole secret string */
  secretField: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,128}$/, "must be 1-128 of [A-Za-z0-9_.-]")
    .optional(),
};

/** Requests per second the API destination sends at most (EventBridge allows 1-300). */
const rateLimit = (fallback: number) => int(1, 300).default(fallback);

const webhookSchema = z.discriminatedUnion("format", [
  z.strictObject({
    ...webhookCommon,
    format: z.literal("slack"),
    /** The secret holds `Bearer xoxb-...` (a bot token with chat:write), sent as Authorization. */
    url: httpsUrl.superRefine(webhookUrlProblems("slack")).default("https://slack.com/api/chat.postMessage"),
    /** Channel id (`C0123456789`) or name (`#plant-alarms`) the bot posts to; the bot must be a member. */
    channel: z
      .string({ error: "is required for Slack: the channel id (C0123456789) or #name to post to" })
      .regex(
        /^(C[A-Z0-9]{8,}|G[A-Z0-9]{8,}|#[a-z0-9_-]{1,80})$/,
        "must be a channel id like C0123456789 or a #name",
      ),
    // Slack allows about one message per second per channel.
    rateLimitPerSecond: rateLimit(1),
  }),
  z.strictObject({
    ...webhookCommon,
    format: z.literal("teams"),
    /** The Workflows webhook URL without its `sig` parameter; the secret holds the `sig` value. */
    url: httpsUrl.superRefine(webhookUrlProblems("teams")),
    rateLimitPerSecond: rateLimit(1),
  }),
  z.strictObject({
    ...webhookCommon,
    format: z.literal("pagerduty"),
    /** The secret holds the Events API v2 integration (routing) key. */
    url: httpsUrl
      .superRefine(webhookUrlProblems("pagerduty"))
      .default("https://events.pagerduty.com/v2/enqueue"),
    // PagerDuty accepts about 120 events per minute per integration key.
    rateLimitPerSecond: rateLimit(2),
  }),
  z.strictObject({
    ...webhookCommon,
    format: z.literal("json"),
    url: httpsUrl.superRefine(webhookUrlProblems("json")),
    /** The header the secret is sent in (its whole value, e.g. `Bearer abc...`). */
    header: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, "must be an HTTP header name (letters, digits, '-')")
      .default("Authorization"),
    rateLimitPerSecond: rateLimit(10),
  }),
]);

/** Instance classes of Timestream for InfluxDB (CloudFormation `DbInstanceType`). */
export const INFLUX_INSTANCE_CLASSES = [
  "db.influx.medium",
  "db.influx.large",
  "db.influx.xlarge",
  "db.influx.2xlarge",
  "db.influx.4xlarge",
  "db.influx.8xlarge",
  "db.influx.12xlarge",
  "db.influx.16xlarge",
  "db.influx.24xlarge",
] as const;
/** Included-IOPS storage tiers: T1 3,000 IOPS, T2 12,000, T3 16,000 (T2 and T3 from 400 GiB). */
export const INFLUX_STORAGE_TYPES = [
  "InfluxIOIncludedT1",
  "InfluxIOIncludedT2",
  "InfluxIOIncludedT3",
] as const;
const MIN_GIB_ABOVE_T1 = 400;
/** The InfluxDB instance is named after the stack; CreateDbInstance allows 3-40 of these. */
const INFLUX_INSTANCE_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$/;
const INFLUX_INSTANCE_NAME_MAX = 40;

const influxdbSchema = z
  .strictObject({
    instanceClass: z.enum(INFLUX_INSTANCE_CLASSES).default("db.influx.medium"),
    /** Allocated storage; CreateDbInstance accepts 20-16384 GiB. It can only grow later. */
    storageGiB: int(20, 16_384).default(20),
    storageType: z.enum(INFLUX_STORAGE_TYPES).default("InfluxIOIncludedT1"),
    /** `multi-az` keeps a standby in a second availability zone (about twice the instance cost). */
    deployment: z.enum(["single-az", "multi-az"]).default("single-az"),
    /** The bucket's retention; ingest quarantines older samples (`ts_too_old`). */
    retentionDays: int(1, 36_500).default(365),
    /**
     * An existing VPC (by attributes: synth stays offline) instead of plantwatch's own. Its subnets
     * must route to DynamoDB, S3, Secrets Manager and EventBridge (endpoints or NAT): plantwatch
     * adds no endpoints to a VPC it does not own. @default - a VPC of its own (2 AZs, isolated)
     */
    vpc: z
      .strictObject({
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0"),
        subnetIds: z
          .array(
            z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123456789abcdef0"),
          )
          .min(2, "must name 2 or 3 subnets in different availability zones")
          .max(3, "must name 2 or 3 subnets (the InfluxDB instance takes at most 3)")
          .refine((ids) => new Set(ids).size === ids.length, "must not repeat a subnet"),
        /** The subnets' availability zones, in the same order. @default - unknown at synth */
        availabilityZones: z
          .array(
            z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, "must be an availability zone like eu-west-1a"),
          )
          .optional(),
      })
      .superRefine(vpcZoneProblems)
      .optional(),
  })
  .prefault({})
  .superRefine(influxStorageProblems);

const configSchema = z.strictObject({
  /** Deployment stage, selected with `-c stage=<name>`. */
  stage: z.string().regex(STAGE_PATTERN, "must match ^[a-z][a-z0-9-]{0,19}$").default("dev"),
  /** CloudFormation stack name; also names the IoT rule. @default `plantwatch-${stage}` */
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{2,99}$/, "must be 3-100 letters, digits and '-', starting with a letter")
    .optional(),
  /**
   * C1 topic root: devices publish to `{topicRoot}/{thingName}/telemetry`.
   * @default `dt/plantwatch` for stage prod, `dt/plantwatch-<stage>` for every other stage
   */
  topicRoot: z.string().superRefine(topicRootProblems).optional(),
  /**
   * Where the telemetry series live: `influxdb` (Amazon Timestream for InfluxDB, open to every
   * account) or `liveanalytics` (Timestream for LiveAnalytics, the `timestream` settings; only for
   * accounts that used it before 2025-06-20).
   */
  series: z
    .strictObject({
      store: z.enum(["influxdb", "liveanalytics"]).default("influxdb"),
      influxdb: influxdbSchema,
    })
    .prefault({}),
  /** Timestream for LiveAnalytics (`series.store: "liveanalytics"` only). */
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
      /**
       * Direct mode: ingest writes a thing's `lastSeen` at most once per this interval. Stream mode:
       * unused, the alarm consumer keeps each thing's last report.
       */
      lastSeenIntervalSeconds: int(1, 86_400).default(300),
      /**
       * How often a function container checks the registry's revision: a change made with
       * `plantwatch provision` reaches running functions within this; cached devices are read
       * again only when the revision moved (and at least hourly, for edits made by hand).
       */
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
      sweep: z
        .strictObject({
          /**
           * Reserved concurrency of the sweep function. Overlapping sweeps are safe without it
           * (conditional writes, outbox claims); reserving takes from the account's unreserved pool,
           * which Lambda refuses below its minimum (10 or 50 on new accounts). @default - none
           */
          reservedConcurrency: int(1, 1000).optional(),
        })
        .prefault({}),
      notify: z
        .strictObject({
          /** SNS subscriptions of the `page` topic: critical and major alarms (someone is woken up). */
          page: subscriptionsSchema,
          /** SNS subscriptions of the `notify` topic: minor, warning and info alarms. */
          notify: subscriptionsSchema,
          /** SNS subscriptions of the `ops` topic: the deployment's own health (dead letters, errors). */
          ops: subscriptionsSchema,
          /** Base URL of the operator dashboard, linked from messages. @default - no link */
          consoleUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
          /** IANA time zone of the times people read in messages. */
          timeZone: z.string().superRefine(timeZoneProblems).default("UTC"),
          /** Chat and incident tools, each fed by an EventBridge rule and API destination of its own. */
          webhooks: z.array(webhookSchema).superRefine(duplicateWebhookNames).default([]),
        })
        .prefault({}),
    })
    .prefault({}),
  /**
   * How telemetry reaches the ingest and evaluate functions: `direct` (the telemetry rule invokes
   * both, one message per invocation) or `stream` (the rule writes to a Kinesis data stream, one
   * partition per thing, and both functions consume it in batches).
   */
  ingestion: z
    .strictObject({
      mode: z.enum(["direct", "stream"]).default("direct"),
      /** Used in stream mode only; a direct deployment may keep these settings for later. */
      stream: z
        .strictObject({
          /** On-demand scales by itself and bills per GB; provisioned bills per shard-hour. */
          capacity: z.enum(["on-demand", "provisioned"]).default("on-demand"),
          /** Provisioned capacity only: each shard takes 1 MB/s or 1,000 records/s of writes. */
          shards: int(1, 10_000).optional(),
          /**
           * How long records stay readable. Dead letters of the stream consumers are pointers into
           * the stream (shard and sequence numbers, not the data), so `plantwatch dlq replay` can
           * re-drive them only within this time: 7 days outlasts a weekend.
           */
          retentionHours: int(24, 8760).default(168),
          /** Records per function invocation at most. */
          batchSize: int(1, 10_000).default(500),
          /** How long Lambda gathers records before invoking, unless the batch is full first. */
          batchWindowSeconds: int(0, 300).default(1),
          /**
           * Concurrent batches per shard. Only 1 in stream mode: the alarm consumer keeps each
           * thing's state in memory between batches, which needs one consumer per shard.
           */
          parallelizationFactor: int(1, 10).default(1),
          /** Retries of a failed batch before its pointer goes to the dead-letter queue. */
          maxRetryAttempts: int(0, 10_000).default(10),
          /** Records older than this go to the dead-letter queue instead of the functions. */
          maxRecordAgeSeconds: int(60, 604_800).default(21_600),
        })
        .prefault({}),
    })
    .prefault({})
    .superRefine(streamSettingsProblems),
  /** The operator HTTP API (C7): throttling of its default stage, for all routes together. */
  api: z
    .strictObject({
      /** Steady-state requests per second. */
      throttlingRateLimit: int(1, 10_000).default(50),
      /** Requests above the steady rate that may be served at once. */
      throttlingBurstLimit: int(1, 5000).default(100),
    })
    .prefault({}),
  /** Equipment KPIs (C9). */
  kpis: z
    .strictObject({
      /**
       * The machine models (the `machine-model-v1` schema: running signal, counters, ideal cycle,
       * planned time, shifts), passed to the api function as JSON. @default - the built-in model
       */
      machineModels: z.unknown().superRefine(machineModelProblems).optional(),
    })
    .prefault({}),
  /** The operator console hosted by the stack (CloudFront, S3) and its sign-in (Cognito). */
  console: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** A domain of your own for the console; needs `certificateArn`. @default - the distribution's domain */
      domainName: z
        .string()
        .regex(z.regexes.domain, "must be a domain name like console.example.com")
        .optional(),
      /** The ACM certificate of `domainName`, in us-east-1 (CloudFront takes certificates from there only). */
      certificateArn: z.string().superRefine(certificateArnProblems).optional(),
      /** TOTP multi-factor authentication of operators: off, optional (each user chooses) or required. */
      mfa: z.enum(["off", "optional", "required"]).default("optional"),
      /** Also let sign-in return to http://localhost:8080/ (the local stack's dashboard, for development). */
      localCallback: z.boolean().default(false),
      /**
       * The managed-login domain's prefix (`<prefix>.auth.<region>.amazoncognito.com`), unique in the
       * region across all accounts. @default `<stackName in lower case>-<account id>`
       */
      signInDomainPrefix: z
        .string()
        .regex(
          /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
          "must be 1-63 of [a-z0-9-], not starting or ending with '-'",
        )
        .refine((prefix) => !COGNITO_RESERVED.test(prefix), 'must not contain "aws", "amazon" or "cognito"')
        .optional(),
    })
    .prefault({})
    .superRefine(customDomainProblems),
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

export type PlantwatchConfig = DeepReadonly<
  z.output<typeof configSchema> & { stackName: string; topicRoot: string }
>;
export type WebhookConfig = PlantwatchConfig["alarms"]["notify"]["webhooks"][number];
/** What cdk.json may set: any subset of the keys, nested. */
export type PlantwatchConfigInput = z.input<typeof configSchema>;

export interface ConfigSources {
  /** cdk.json context `plantwatch`. */
  readonly defaults?: unknown;
  /** cdk.json context `plantwatch:stages`: per-stage overrides of the defaults. */
  readonly stages?: unknown;
  /** `-c stage=<name>`; without it, the stage of the defaults. */
  readonly stage?: unknown;
  /** `-c series.store=<store>`: the series store for this synth, above cdk.json and the stage. */
  readonly seriesStore?: unknown;
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
  const stackName = config.stackName ?? `plantwatch-${config.stage}`;
  const ruleNameProblems = config.alarms.notify.webhooks.flatMap(({ name }, index) => {
    const ruleName = `${stackName}-webhook-${name}`;
    return ruleName.length <= MAX_RULE_NAME_LENGTH
      ? []
      : [
          `${locate(["alarms", "notify", "webhooks", String(index), "name"], layers)}: names the rule ` +
            `"${ruleName}" (${ruleName.length} characters; EventBridge allows ${MAX_RULE_NAME_LENGTH}): ` +
            "shorten the webhook name or the stack name",
        ];
  });
  const instanceNameProblems =
    config.series.store === "influxdb" &&
    !(INFLUX_INSTANCE_NAME_PATTERN.test(stackName) && stackName.length <= INFLUX_INSTANCE_NAME_MAX)
      ? [
          `${locate(["stackName"], layers)}: names the InfluxDB instance "${stackName}", which must be ` +
            `3-${INFLUX_INSTANCE_NAME_MAX} letters and digits in groups joined by single '-' (starting with a letter)`,
        ]
      : [];
  const signInPrefixProblems =
    config.console.enabled &&
    config.console.signInDomainPrefix === undefined &&
    COGNITO_RESERVED.test(defaultSignInStackPart(stackName))
      ? [
          `${locate(["stackName"], layers)}: names the console's sign-in domain "${defaultSignInStackPart(stackName)}-<account>", ` +
            'which Cognito refuses (it holds "aws", "amazon" or "cognito"): set console.signInDomainPrefix',
        ]
      : [];
  const namingProblems = [...ruleNameProblems, ...instanceNameProblems, ...signInPrefixProblems];
  if (namingProblems.length > 0) throw new ConfigError(namingProblems);
  return { ...config, stackName, topicRoot: config.topicRoot ?? defaultTopicRootFor(config.stage) };
}

/** The stack's part of the default sign-in domain prefix, `<this>-<account id>`. */
export function defaultSignInStackPart(stackName: string): string {
  return stackName.toLowerCase().slice(0, SIGN_IN_PREFIX_STACK_PART).replace(/-+$/, "");
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
  if (sources.seriesStore !== undefined) {
    layers.push({ source: "-c series.store", value: { series: { store: sources.seriesStore } } });
  }

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
  // A command-line layer is named by its own flag, which already spells the path.
  if (layer?.source.startsWith("-c ")) return layer.source;
  return [layer?.source ?? "plantwatch", ...path].join(".");
}

function messageOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "too_big":
      return `must be <= ${issue.maximum}`;
    case "too_small":
      return issue.message.startsWith("Too small") ? `must be >= ${issue.minimum}` : issue.message;
    case "invalid_type":
      // A message of the schema's own (not zod's default) says it best.
      if (!issue.message.startsWith("Invalid input")) return issue.message;
      if (issue.message.endsWith("received undefined")) return "is required";
      return issue.expected === "int" ? "must be an integer" : `must be a ${issue.expected}`;
    case "invalid_union":
      return "discriminator" in issue && issue.discriminator === "format"
        ? `must be one of ${WEBHOOK_FORMATS.map((format) => JSON.stringify(format)).join(", ")}`
        : issue.message;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    default:
      return issue.message;
  }
}

/** Cognito refuses a domain prefix holding any of these. */
const COGNITO_RESERVED = /aws|amazon|cognito/;
/** The longest stack name part of the default sign-in domain prefix (Cognito allows 63 characters, the account id and '-' take 13). */
const SIGN_IN_PREFIX_STACK_PART = 50;

/** CloudFront uses ACM certificates of this region only. */
const CLOUDFRONT_CERTIFICATE_REGION = "us-east-1";
const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

function certificateArnProblems(arn: string, context: z.core.$RefinementCtx<string>): void {
  const region = ACM_CERTIFICATE_ARN.exec(arn)?.[1];
  if (region === undefined) {
    context.addIssue({
      code: "custom",
      message: "must be an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)",
    });
  } else if (region !== CLOUDFRONT_CERTIFICATE_REGION) {
    context.addIssue({
      code: "custom",
      message:
        `is in ${region}, but CloudFront uses certificates from ${CLOUDFRONT_CERTIFICATE_REGION} only: ` +
        `request or import the certificate in ${CLOUDFRONT_CERTIFICATE_REGION}, whatever region the stack is in`,
    });
  }
}

function customDomainProblems<T extends { readonly domainName?: string; readonly certificateArn?: string }>(
  console: T,
  context: z.core.$RefinementCtx<T>,
): void {
  if (console.domainName !== undefined && console.certificateArn === undefined) {
    context.addIssue({
      code: "custom",
      path: ["domainName"],
      message: "needs certificateArn too: CloudFront serves a domain of your own only with its certificate",
    });
  } else if (console.domainName === undefined && console.certificateArn !== undefined) {
    context.addIssue({
      code: "custom",
      path: ["certificateArn"],
      message: "needs domainName too: the domain the certificate is for",
    });
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

/** Lambda allows 4 KB of environment in all; the models get most of what the api function leaves. */
const MAX_MACHINE_MODELS_JSON = 2048;

function machineModelProblems(value: unknown, context: z.core.$RefinementCtx<unknown>): void {
  if (value === undefined) return;
  const result = machineModelFileSchema().safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      context.addIssue({ code: "custom", message: issue.message, path: issue.path as PropertyKey[] });
    }
  } else if (JSON.stringify(value).length > MAX_MACHINE_MODELS_JSON) {
    context.addIssue({
      code: "custom",
      message: `must be at most ${MAX_MACHINE_MODELS_JSON} characters as JSON (a Lambda environment variable): use defaults and match by site, line or model`,
    });
  }
}

/** The validated machine models of a resolved config. */
export function machineModelsOf(config: PlantwatchConfig): MachineModelFile | undefined {
  return config.kpis.machineModels === undefined
    ? undefined
    : machineModelFileSchema().parse(config.kpis.machineModels);
}

function timeZoneProblems(timeZone: string, context: z.core.$RefinementCtx<string>): void {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
  } catch {
    context.addIssue({ code: "custom", message: "must be an IANA time zone like Europe/Berlin or UTC" });
  }
}

/**
 * A webhook's URL goes into cdk.json and, as the API destination's endpoint (or the Teams connection's
 * query parameters), into the template, both in plain text: a credential must not be part of it.
 */
const PLAIN_TEXT_URL = "cdk.json and the template keep the URL in plain text";

/** Where each format's credential goes instead: the secret, sent as the connection sends it. */
const CREDENTIAL_INSTEAD: Readonly<Record<WebhookFormat, string>> = {
  slack: "the bot token goes in the secret (sent as Authorization)",
  teams: "the sig value goes in the secret",
  pagerduty: "the routing key goes in the secret (sent in the body as routing_key)",
  json: "send it in a header instead: name the header in `header` and keep its value in the secret",
};

/** A Teams Workflows URL's own parameters, which are no credential; its connection sends them as they are. */
const TEAMS_URL_PARAMETERS: ReadonlySet<string> = new Set(["api-version", "sp", "sv"]);

const RELAY =
  "post through a relay of your own that takes its credential in a header (format json, `header` and the secret)";

/** Endpoints that authenticate by a token in the URL itself and accept it nowhere else. */
const TOKEN_IN_URL_ENDPOINTS: readonly {
  readonly vendor: string;
  readonly matches: (url: URL) => boolean;
  readonly instead: string;
}[] = [
  {
    vendor: "a Slack incoming webhook",
    matches: (url) => url.hostname === "hooks.slack.com",
    instead: "use format slack instead, with a bot token in the secret (it posts through chat.postMessage)",
  },
  {
    // `?key=...&token=...`: the query rule would refuse it too, but could not say that no header works.
    vendor: "a Google Chat webhook",
    matches: (url) => url.hostname === "chat.googleapis.com",
    instead: RELAY,
  },
  {
    vendor: "a Discord webhook",
    matches: (url) =>
      /^((ptb|canary)\.)?discord(app)?\.com$/.test(url.hostname) &&
      /^\/api\/(v\d+\/)?webhooks\//.test(url.pathname),
    instead: RELAY,
  },
];

/**
 * Refuses a webhook URL that may hold a credential. Any query string is refused (Teams keeps its
 * Workflows parameters), not only known credential names: names vary by vendor (`key`, `token`,
 * `sig`, `code`, `access_token`, `api_key`...) and a list would miss the next one, while every
 * format has a place for the credential that keeps it in Secrets Manager. Messages never repeat the
 * URL or a parameter's name: either may be the secret.
 */
function webhookUrlProblems(format: WebhookFormat) {
  return (value: string, context: z.core.$RefinementCtx<string>): void => {
    // An unparseable URL is already reported by the https check.
    if (!URL.canParse(value)) return;
    const url = new URL(value);
    const problem = (message: string) => context.addIssue({ code: "custom", message });
    const tokenInUrl = TOKEN_IN_URL_ENDPOINTS.find((endpoint) => endpoint.matches(url));
    if (tokenInUrl) {
      problem(
        `is ${tokenInUrl.vendor}, whose URL is its credential, and ${PLAIN_TEXT_URL}: ${tokenInUrl.instead}`,
      );
      return;
    }
    if (url.username !== "" || url.password !== "") {
      problem(`must not contain a user name or password: ${PLAIN_TEXT_URL}; ${CREDENTIAL_INSTEAD[format]}`);
    }
    if (format !== "teams") {
      if (url.search !== "") {
        problem(
          `must not have a query string: ${PLAIN_TEXT_URL}, and a query parameter is often the credential ` +
            `(key, token, sig, code, access_token, api_key...); ${CREDENTIAL_INSTEAD[format]}`,
        );
      }
      return;
    }
    const names = [...url.searchParams.keys()];
    if (names.includes("sig")) {
      problem(
        "must not contain the sig parameter: it is the webhook's credential; remove it from the URL " +
          "and store its value in the secret",
      );
    }
    if (names.some((name) => name !== "sig" && !TEAMS_URL_PARAMETERS.has(name))) {
      problem(
        `may carry only the api-version, sp and sv parameters: ${PLAIN_TEXT_URL}; ${CREDENTIAL_INSTEAD.teams}`,
      );
    }
  };
}

function duplicateWebhookNames(
  webhooks: readonly { readonly name: string }[],
  context: z.core.$RefinementCtx<readonly { readonly name: string }[]>,
): void {
  webhooks.forEach(({ name }, index) => {
    if (webhooks.findIndex((other) => other.name === name) !== index) {
      context.addIssue({
        code: "custom",
        path: [index, "name"],
        message: `"${name}" is used by another webhook`,
      });
    }
  });
}

function streamSettingsProblems<
  T extends {
    readonly mode: string;
    readonly stream: {
      readonly capacity: string;
      readonly shards?: number | undefined;
      readonly parallelizationFactor: number;
    };
  },
>(ingestion: T, context: z.core.$RefinementCtx<T>): void {
  const { capacity, shards, parallelizationFactor } = ingestion.stream;
  if (ingestion.mode === "stream" && parallelizationFactor > 1) {
    context.addIssue({
      code: "custom",
      path: ["stream", "parallelizationFactor"],
      message:
        "must be 1 in stream mode: the evaluate function keeps each thing's alarm state in memory " +
        "between batches, which needs one consumer per shard (add shards for throughput instead)",
    });
  }
  if (capacity === "on-demand" && shards !== undefined) {
    context.addIssue({
      code: "custom",
      path: ["stream", "shards"],
      message: 'applies to capacity "provisioned" only; on-demand streams scale by themselves: remove it',
    });
  } else if (capacity === "provisioned" && shards === undefined) {
    context.addIssue({
      code: "custom",
      path: ["stream", "shards"],
      message: 'is required with capacity "provisioned" (1 shard takes 1 MB/s or 1,000 records/s)',
    });
  }
}

function influxStorageProblems<T extends { readonly storageGiB: number; readonly storageType: string }>(
  influxdb: T,
  context: z.core.$RefinementCtx<T>,
): void {
  if (influxdb.storageType !== "InfluxIOIncludedT1" && influxdb.storageGiB < MIN_GIB_ABOVE_T1) {
    context.addIssue({
      code: "custom",
      path: ["storageGiB"],
      message:
        `must be >= ${MIN_GIB_ABOVE_T1} with storageType "${influxdb.storageType}" ` +
        '(Timestream for InfluxDB offers T2 and T3 from 400 GiB; below that use "InfluxIOIncludedT1")',
    });
  }
}

function vpcZoneProblems<
  T extends {
    readonly subnetIds: readonly string[];
    readonly availabilityZones?: readonly string[] | undefined;
  },
>(vpc: T, context: z.core.$RefinementCtx<T>): void {
  if (vpc.availabilityZones !== undefined && vpc.availabilityZones.length !== vpc.subnetIds.length) {
    context.addIssue({
      code: "custom",
      path: ["availabilityZones"],
      message: `must name one zone per subnet, in the order of subnetIds (${vpc.subnetIds.length})`,
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
  return path.reduce<unknown>(
    (node, key) => (isRecord(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined),
    value,
  );
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
