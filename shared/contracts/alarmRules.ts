import * as z from "zod/mini";
import { COMPARISON_OPS, RANGE_OPS, RULE_ID_PATTERN, SEVERITIES, WEEKDAYS } from "../domain/alarms/rule.ts";
import { lazy } from "../lazy.ts";
import { overlap } from "./conditionOverlap.ts";
import { metricNameProblem } from "./metricName.ts";
import { anyDurationSchema, positiveDurationSchema } from "./ruleDuration.ts";

export { compileRule, compileSchedule, expandDays } from "./compileRule.ts";
export { parseDuration } from "./ruleDuration.ts";

/**
 * C3, alarm rules, version 1: the authored document (YAML or JSON, durations like "60s"), exactly as
 * operators write it and as the rules table stores it. `compileRule` turns a valid document into the
 * `AlarmRule` the evaluator runs. `ruleProblems.ts` validates with a path for every problem;
 * `loadRuleFile.ts` reads YAML and JSON files.
 */

export const ALARM_RULES_SCHEMA_ID = "https://plantwatch.dev/schemas/alarm-rules-v1.schema.json";

// ---------------------------------------------------------------------------------------------
// Conditions

/** A device-registry attribute name (the key in a device's `attributes`). */
/** A device attribute name, as rules, machine models and `provision --attr` name them. */
export const ATTRIBUTE_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

const attributeThresholdSchema = lazy(() =>
  z
    .strictObject({
      attribute: z.string().check(z.regex(ATTRIBUTE_PATTERN, `must match ${ATTRIBUTE_PATTERN.source}`)),
      default: z.number(),
    })
    .check(
      z.meta({
        id: "AttributeThreshold",
        description: "The device's registry attribute (a number), or `default` when the device has none.",
      }),
    ),
);
const numericThresholdSchema = lazy(() =>
  z
    .union([z.number(), attributeThresholdSchema()], { error: "must be a number or { attribute, default }" })
    .check(z.meta({ id: "NumericThreshold" })),
);
const anyThresholdSchema = lazy(() =>
  z
    .union(
      [
        z.number(),
        z.string().check(z.maxLength(1024, "must be at most 1024 characters")),
        z.boolean(),
        attributeThresholdSchema(),
      ],
      { error: "must be a number, a string, true/false or { attribute, default }" },
    )
    .check(z.meta({ id: "EqualityThreshold" })),
);

const [GT, GE, LT, LE, EQ, NE] = COMPARISON_OPS;

function thresholdNumber(threshold: unknown): number | undefined {
  if (typeof threshold === "number") return threshold;
  if (typeof threshold === "object" && threshold !== null && "default" in threshold) {
    return typeof threshold.default === "number" ? threshold.default : undefined;
  }
  return undefined;
}

const rangeConditionSchema = lazy(() =>
  z
    .strictObject({ op: z.enum(RANGE_OPS), low: numericThresholdSchema(), high: numericThresholdSchema() })
    .check(
      z.superRefine((condition, context) => {
        const low = thresholdNumber(condition.low);
        const high = thresholdNumber(condition.high);
        if (low !== undefined && high !== undefined && low > high) {
          context.addIssue({ code: "custom", message: `must not be above high (${high})`, path: ["low"] });
        }
      }),
      z.meta({ id: "RangeCondition", description: "inside: low <= value <= high; outside: the rest." }),
    ),
);

/**
 * Threshold rules compare the metric itself; `==`/`!=` also take a string or a boolean. Rate rules
 * compare a change per minute, so every threshold is numeric.
 */
const thresholdConditionSchema = lazy(() =>
  z
    .discriminatedUnion("op", [
      z.strictObject({ op: z.enum([GT, GE, LT, LE]), value: numericThresholdSchema() }),
      z.strictObject({ op: z.enum([EQ, NE]), value: anyThresholdSchema() }),
      rangeConditionSchema(),
    ])
    .check(z.meta({ id: "ThresholdCondition", description: "On the metric's value." })),
);
const rateConditionSchema = lazy(() =>
  z
    .discriminatedUnion("op", [
      z.strictObject({ op: z.enum(COMPARISON_OPS), value: numericThresholdSchema() }),
      rangeConditionSchema(),
    ])
    .check(z.meta({ id: "RateCondition", description: "On the metric's change per minute over `window`." })),
);

// ---------------------------------------------------------------------------------------------
// Match, schedule, notify

const nonEmpty = (max: number) =>
  z
    .string()
    .check(z.minLength(1, "must not be empty"), z.maxLength(max, `must be at most ${max} characters`));

/** Thing names are `[A-Za-z0-9:_-]{1,128}`; a glob adds `*` (any run) and `?` (one character). */
const THING_GLOB_PATTERN = /^[A-Za-z0-9:_*?-]{1,128}$/;

/** Which things a rule (or a machine model, `kpis.ts`) applies to. */
export const matchSchema = lazy(() =>
  z
    .strictObject({
      things: z.optional(
        z
          .array(
            z
              .string()
              .check(
                z.regex(
                  THING_GLOB_PATTERN,
                  "must be a thing-name glob: letters, digits, ':', '_', '-', with * and ?",
                ),
              ),
          )
          .check(
            z.minLength(1, "must list at least one glob (leave `things` out to match every thing)"),
            z.maxLength(100, "must list at most 100 globs (group things by site, line or model instead)"),
          ),
      ),
      site: z.optional(nonEmpty(128)),
      line: z.optional(nonEmpty(128)),
      model: z.optional(nonEmpty(128)),
    })
    .check(
      z.meta({
        id: "RuleMatch",
        description:
          "Which things the rule applies to: thing-name globs (* any run, ? one character) and the registry's site, line and model; all given must match. Absent: every thing.",
      }),
    ),
);

const DAY = `(?:${WEEKDAYS.join("|")})`;
const DAYS_PATTERN = new RegExp(`^${DAY}(?:-${DAY})?$`);
const FROM_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const TO_PATTERN = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Active hours in a time zone; also the planned production time of a machine model (`kpis.ts`). */
export const scheduleSchema = lazy(() =>
  z
    .strictObject({
      days: z.optional(
        z
          .array(
            z
              .string()
              .check(z.regex(DAYS_PATTERN, `must be a day (${WEEKDAYS.join(", ")}) or a range like mon-fri`)),
          )
          .check(z.minLength(1, "must list at least one day (leave `days` out for every day)")),
      ),
      from: z.optional(z.string().check(z.regex(FROM_PATTERN, 'must be a time "HH:MM" from 00:00 to 23:59'))),
      to: z.optional(z.string().check(z.regex(TO_PATTERN, 'must be a time "HH:MM" from 00:00 to 24:00'))),
      tz: z.string().check(z.refine(isTimeZone, "must be an IANA time zone, e.g. Europe/Berlin or UTC")),
    })
    .check(
      z.superRefine((schedule, context) => {
        if (schedule.from !== undefined && schedule.from === schedule.to) {
          context.addIssue({
            code: "custom",
            message: "must differ from `from` (for the whole day leave both out, or use 00:00 to 24:00)",
            path: ["to"],
          });
        }
      }),
      z.meta({
        id: "RuleSchedule",
        description:
          "Active hours in a time zone: the rule raises alarms only inside them. days: mon..sun or ranges like mon-fri (default every day); from inclusive (default 00:00), to exclusive (default 24:00); from > to spans midnight and belongs to the day it starts on.",
      }),
    ),
);

const notifySchema = lazy(() =>
  z
    .strictObject({
      repeat: z.optional(positiveDurationSchema()),
      escalate: z.optional(z.strictObject({ after: positiveDurationSchema(), severity: z.enum(SEVERITIES) })),
    })
    .check(
      z.meta({
        id: "RuleNotify",
        description:
          "repeat: re-notify this often while ACTIVE and unacknowledged; escalate: raise the severity (to a more severe one) when still unacknowledged after a while.",
      }),
    ),
);

// ---------------------------------------------------------------------------------------------
// Rules

const metricSchema = lazy(() =>
  z.string().check(
    z.refine((metric) => metricNameProblem(metric) === undefined, {
      error: (issue) => metricMessage(issue.input),
    }),
  ),
);

function metricMessage(input: unknown): string {
  return (metricNameProblem(String(input)) ?? "is not a valid metric name").replace(/^metric name /, "");
}

const commonFields = lazy(() => ({
  id: z
    .string()
    .check(
      z.regex(
        RULE_ID_PATTERN,
        `must match ${RULE_ID_PATTERN.source} (lower-case letters, digits and '-', at most 63)`,
      ),
    ),
  name: nonEmpty(200),
  description: z.optional(z.string().check(z.maxLength(2000, "must be at most 2000 characters"))),
  severity: z.enum(SEVERITIES),
  match: z.optional(matchSchema()),
}));
const optionFields = lazy(() => ({
  latch: z.optional(z.boolean()),
  notify: z.optional(notifySchema()),
  schedule: z.optional(scheduleSchema()),
}));
const sampleFields = lazy(() => ({
  metric: metricSchema(),
  for: z.optional(anyDurationSchema()),
  count: z.optional(z.int().check(z.positive("must be a positive integer"), z.maximum(1_000_000))),
}));

const SAMPLE_RULE_NOTE =
  "for: the condition must hold continuously this long before ACTIVE (default 0); count: for this many consecutive samples (default 1); clear: what must hold to clear (default: the condition no longer holds), never overlapping the condition; latch: stay LATCHED after clearing until acknowledged.";

const thresholdRuleSchema = lazy(() =>
  z
    .strictObject({
      ...commonFields(),
      kind: z.literal("threshold"),
      ...sampleFields(),
      condition: thresholdConditionSchema(),
      clear: z.optional(thresholdConditionSchema()),
      ...optionFields(),
    })
    .check(
      z.meta({ id: "ThresholdRule", description: `A condition on a metric's value. ${SAMPLE_RULE_NOTE}` }),
    ),
);
const rateRuleSchema = lazy(() =>
  z
    .strictObject({
      ...commonFields(),
      kind: z.literal("rate"),
      ...sampleFields(),
      condition: rateConditionSchema(),
      clear: z.optional(rateConditionSchema()),
      window: positiveDurationSchema(),
      ...optionFields(),
    })
    .check(
      z.meta({
        id: "RateRule",
        description: `A condition on a metric's change per minute over window. ${SAMPLE_RULE_NOTE}`,
      }),
    ),
);
const offlineRuleSchema = lazy(() =>
  z
    .strictObject({
      ...commonFields(),
      kind: z.literal("offline"),
      after: z.optional(positiveDurationSchema()),
      grace: z.optional(anyDurationSchema()),
      ...optionFields(),
    })
    .check(
      z.meta({
        id: "OfflineRule",
        description:
          "ACTIVE when a thing sends no telemetry for `after`, or stays disconnected (IoT lifecycle events) longer than `grace` (default 30s).",
      }),
    ),
);

/** The fields each kind accepts, to say "`window` is only for rate rules" rather than "unknown field". */
export const RULE_FIELDS = lazy(
  () =>
    ({
      threshold: Object.keys(thresholdRuleSchema().shape),
      rate: Object.keys(rateRuleSchema().shape),
      offline: Object.keys(offlineRuleSchema().shape),
    }) as const,
);

/** The fields of the nested objects, by their key in a rule, to suggest the one a typo meant. */
export const NESTED_FIELDS = lazy(
  () =>
    ({
      match: Object.keys(matchSchema().shape),
      schedule: Object.keys(scheduleSchema().shape),
      notify: Object.keys(notifySchema().shape),
      escalate: ["after", "severity"],
    }) as const,
);

export const alarmRuleDocumentSchema = lazy(() =>
  z.discriminatedUnion("kind", [thresholdRuleSchema(), rateRuleSchema(), offlineRuleSchema()]).check(
    z.meta({ id: "AlarmRule" }),
    z.superRefine((rule, context) => {
      const escalation = rule.notify?.escalate?.severity;
      if (escalation !== undefined && SEVERITIES.indexOf(escalation) >= SEVERITIES.indexOf(rule.severity)) {
        context.addIssue({
          code: "custom",
          message: `must be more severe than the rule's severity (${rule.severity})`,
          path: ["notify", "escalate", "severity"],
        });
      }
      if (rule.kind !== "offline" && rule.clear !== undefined) {
        const both = overlap(rule.condition, rule.clear);
        if (both !== undefined) {
          context.addIssue({
            code: "custom",
            message: `overlaps the condition: a value of ${both} would both raise and clear the alarm`,
            path: ["clear"],
          });
        }
      }
    }),
  ),
);

export type AlarmRuleDocument = z.infer<ReturnType<typeof alarmRuleDocumentSchema>>;

/** A rules file: a list of rules, or `{ rules: [...] }`. Rule ids are unique within a file. */
export const alarmRuleFileSchema = lazy(() =>
  z
    .union([
      z.array(alarmRuleDocumentSchema()),
      z.strictObject({ rules: z.array(alarmRuleDocumentSchema()) }),
    ])
    .check(
      z.meta({
        $id: ALARM_RULES_SCHEMA_ID,
        title: "plantwatch alarm rules, version 1 (C3)",
        description:
          "A list of alarm rules (or { rules: [...] }), applied with `plantwatch rules apply -f <file>`. Durations are strings like 60s, 5m, 1h30m, 1d or numbers of seconds. Checked beyond this schema: unique ids, time zones, metric names not reserved, low <= high, a clear condition that does not overlap the condition, escalation to a higher severity.",
      }),
    ),
);
