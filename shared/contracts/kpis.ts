import * as z from "zod/mini";
import type { Severity } from "../domain/alarms/rule.ts";
import { lazy } from "../lazy.ts";
import { ATTRIBUTE_PATTERN, isTimeZone, matchSchema, scheduleSchema } from "./alarmRules.ts";
import { metricNameProblem } from "./metricName.ts";
import { positiveDurationSchema } from "./ruleDuration.ts";

/**
 * C9, equipment KPIs: the machine model (configuration: which series say "running" and count parts,
 * the ideal cycle time, the planned time, the shifts) and the `GET /kpis` response (C7). The API,
 * the CLI and the dashboard build on this file, so a change here is a contract change.
 *
 * Names the simulator and this file agree on: the running signal `running` (boolean), the counters
 * `parts_total` and `parts_good` (monotonic, may reset to 0), the registry attribute
 * `idealCycleSeconds` (seconds per part).
 *
 * Changed since the first commit (b833b46): `shifts` start on quarter hours (the stores sum counters
 * per 15-minute slot); `KpiRuleFacts.severity` is optional (a rule deleted since).
 */

export const MACHINE_MODEL_SCHEMA_ID = "https://plantwatch.dev/schemas/machine-model-v1.schema.json";

/** The built-in model: fits the simulator and any machine publishing the same names. */
export const DEFAULT_MACHINE_MODEL = {
  running: { metric: "running", threshold: 0 },
  parts: { total: "parts_total", good: "parts_good" },
  idealCycleSeconds: { attribute: "idealCycleSeconds" },
  gapAfter: "5m",
} as const;

/** Shift starts (plant time) when the file names none. */
export const DEFAULT_SHIFTS = ["06:00", "14:00", "22:00"] as const;

const metricSchema = lazy(() =>
  z.string().check(
    z.refine((metric) => metricNameProblem(metric) === undefined, {
      error: (issue) =>
        (metricNameProblem(String(issue.input)) ?? "is not a valid metric name").replace(/^metric name /, ""),
    }),
  ),
);

const SHIFT_START_PATTERN = /^(?:[01]\d|2[0-3]):(?:00|15|30|45)$/;

/** The fields of one machine model; in `defaults` and in each `machines` entry every field is optional. */
const machineFields = lazy(() => ({
  running: z.optional(
    z
      .strictObject({
        metric: metricSchema(),
        threshold: z.optional(z.number()),
      })
      .check(
        z.meta({
          id: "RunningSignal",
          description:
            "The running signal: running while the metric's value is above `threshold` (default 0, so a boolean true or a 1 is running, false or 0 is stopped).",
        }),
      ),
  ),
  parts: z.optional(
    z
      .strictObject({
        total: metricSchema(),
        good: z.optional(z.union([metricSchema(), z.null()])),
      })
      .check(
        z.meta({
          id: "PartsCounters",
          description:
            "Counters of all parts and of good parts (null: no good counter, quality not available). A decrease is a reset: the new value is counted as made since the reset.",
        }),
      ),
  ),
  idealCycleSeconds: z.optional(
    z
      .strictObject({
        attribute: z.optional(
          z.string().check(z.regex(ATTRIBUTE_PATTERN, `must match ${ATTRIBUTE_PATTERN.source}`)),
        ),
        default: z.optional(z.number().check(z.positive("must be positive"))),
      })
      .check(
        z.meta({
          id: "IdealCycle",
          description:
            "Seconds per part at rated speed: the device's registry attribute, else `default`; neither: performance not available.",
        }),
      ),
  ),
  planned: z.optional(
    z
      .array(scheduleSchema())
      .check(
        z.minLength(1, "must list at least one schedule (leave `planned` out for always planned)"),
        z.maxLength(20, "must list at most 20 schedules"),
      ),
  ),
  gapAfter: z.optional(positiveDurationSchema()),
}));

const machineEntrySchema = lazy(() =>
  z.strictObject({ match: matchSchema(), ...machineFields() }).check(
    z.meta({
      id: "MachineModel",
      description:
        "A machine model for the things `match` selects (globs, site, line, model). Fields left out come from `defaults`, then the built-in model.",
    }),
  ),
);

export const machineModelFileSchema = lazy(() =>
  z
    .strictObject({
      $schema: z.optional(z.string()),
      version: z.literal(1),
      timeZone: z.optional(
        z.string().check(z.refine(isTimeZone, "must be an IANA time zone, e.g. Europe/Berlin or UTC")),
      ),
      shifts: z.optional(
        z
          .array(
            z
              .string()
              .check(
                z.regex(SHIFT_START_PATTERN, 'must be a quarter hour "HH:MM" (minutes 00, 15, 30 or 45)'),
              ),
          )
          .check(z.minLength(1, "must list at least one shift start"), z.maxLength(12)),
      ),
      defaults: z.optional(z.strictObject(machineFields())),
      machines: z.optional(
        z.array(machineEntrySchema()).check(z.maxLength(500, "must list at most 500 machine models")),
      ),
    })
    .check(
      z.meta({
        $id: MACHINE_MODEL_SCHEMA_ID,
        title: "plantwatch machine models, version 1 (C9)",
        description:
          "C9 machine models, version 1. timeZone: the plant's zone for day and shift buckets (default UTC); shifts: shift start times in that zone (default 06:00, 14:00, 22:00); machines: the first entry whose match selects a thing wins.",
      }),
    ),
);
export type MachineModelFile = z.infer<ReturnType<typeof machineModelFileSchema>>;
export type MachineModelEntry = z.infer<ReturnType<typeof machineEntrySchema>>;

// ---------------------------------------------------------------------------------------------
// GET /kpis?site=&line=&device=&from=&to=&bucket=&limit=&next=

export const KPI_BUCKETS = ["hour", "shift", "day"] as const;
export type KpiBucket = (typeof KPI_BUCKETS)[number];

/** Why a KPI is not available (its `value` is null). Never shown as 100 %. */
export const KPI_UNAVAILABLE_REASONS = [
  /** No planned time with data in the bucket: no run or stop time known. */
  "no_known_planned_time",
  /** No run time: nothing to divide parts by (performance). */
  "no_run_time",
  /** The model names no parts counter, or no counter sample in the range. */
  "no_parts_counter",
  /** The model names no good-parts counter, or none was sampled. */
  "no_good_counter",
  /** Neither the device attribute nor a default gives the ideal cycle time (for some device). */
  "no_ideal_cycle",
  /** No parts made: quality undefined. */
  "no_parts",
  /** A factor of OEE is not available. */
  "factor_not_available",
  /** MTBF / MTTR: no stop began in the range. */
  "no_stops",
  /** MTTA / MTTR of alarms: no alarm was acknowledged / cleared. */
  "no_alarms_acknowledged",
  "no_alarms_cleared",
] as const;
export type KpiUnavailableReason = (typeof KPI_UNAVAILABLE_REASONS)[number];

/** A ratio (0..1; performance may exceed 1, see below) or a duration in ms, or why there is none. */
export type KpiValue =
  | { readonly value: number; readonly reason?: undefined }
  | { readonly value: null; readonly reason: KpiUnavailableReason };

/**
 * The summable facts of one device, line or site over one bucket or the whole range. Aggregates sum
 * these, then divide: ratios are never averaged. All times are planned time, in ms.
 */
export interface KpiFacts {
  /** Planned production time in the bucket (the model's schedules; default all of it). */
  readonly plannedMs: number;
  /** Planned time the running signal said running. */
  readonly runMs: number;
  /** Planned time the running signal said stopped. */
  readonly stopMs: number;
  /** Planned time without data (a data gap: no sample for longer than `gapAfter`): neither run nor stop. */
  readonly unknownMs: number;
  /**
   * Changes from running to stopped seen in the data (not across a gap: then when it stopped is
   * unknown), beginning in planned time; counted in the bucket they begin in.
   */
  readonly stops: number;
  /** The longest continuous stopped time (clipped to the bucket). */
  readonly longestStopMs: number;
  /** Parts counted (counter increases, resets handled); null when there is no counter data. */
  readonly partsTotal: number | null;
  readonly partsGood: number | null;
  /** Σ ideal cycle × parts, in ms; null when any device with parts lacks an ideal cycle time. */
  readonly idealMs: number | null;
  readonly alarms: KpiAlarmFacts;
}

export interface KpiAlarmFacts {
  /**
   * Alarms raised (→ ACTIVE) in the bucket. Their acknowledgement and clearing count with the raise,
   * even when later than the bucket, so ranges add up.
   */
  readonly raised: number;
  readonly bySeverity: Readonly<Partial<Record<Severity, number>>>;
  /** Of those raised, the ones acknowledged, and the sum of their raised → acknowledged times. */
  readonly acknowledged: number;
  readonly acknowledgeMs: number;
  /** Of those raised, the ones cleared (back to NORMAL), and the sum of their raised → cleared times. */
  readonly cleared: number;
  readonly clearMs: number;
  /** Time any alarm was raised and not cleared, overlapping the bucket (summed over alarms). */
  readonly inAlarmMs: number;
  /** By rule, most time in alarm first; at most 5 in a response, all kept while summing. */
  readonly byRule: readonly KpiRuleFacts[];
}

export interface KpiRuleFacts {
  readonly ruleId: string;
  /** The rule's severity; absent when the rule no longer exists (changed after the first commit). */
  readonly severity?: Severity;
  readonly raised: number;
  readonly inAlarmMs: number;
}

/** The KPIs derived from `KpiFacts`. */
export interface KpiFigures {
  /** runMs ÷ (runMs + stopMs): run time over planned time with data (gaps excluded, see `unknownMs`). */
  readonly availability: KpiValue;
  /**
   * idealMs ÷ runMs. Not capped: above 1 means parts came faster than the ideal cycle (a too-long
   * ideal cycle time in the model); shown as it is so the model gets fixed.
   */
  readonly performance: KpiValue;
  /** partsGood ÷ partsTotal. */
  readonly quality: KpiValue;
  /** availability × performance × quality. */
  readonly oee: KpiValue;
  /** runMs ÷ stops. */
  readonly mtbfMs: KpiValue;
  /** stopMs ÷ stops. */
  readonly mttrMs: KpiValue;
  /** Alarms: acknowledgeMs ÷ acknowledged. */
  readonly mttaMs: KpiValue;
  /** Alarms: clearMs ÷ cleared. */
  readonly alarmMttrMs: KpiValue;
}

export interface KpiSummary extends KpiFigures {
  readonly facts: KpiFacts;
}

export interface KpiBucketSummary extends KpiSummary {
  /** ISO, inclusive; bucket edges fall on the hour, the shift starts or midnight in `timeZone`. */
  readonly start: string;
  /** ISO, exclusive. The first and last bucket are clipped to `from` and `to`. */
  readonly end: string;
}

/** A device, a line or the whole selection. */
export interface KpiGroup {
  readonly site?: string;
  readonly line?: string;
  /** Set for a device. */
  readonly thingName?: string;
  /** Devices summed (1 for a device). */
  readonly devices: number;
  readonly total: KpiSummary;
}

export interface KpiGroupWithBuckets extends KpiGroup {
  /** Oldest first, one per bucket of the range. */
  readonly buckets: readonly KpiBucketSummary[];
}

/**
 * `GET /kpis`. The selection: `device` (one thing), else `line` (and `site`), else `site`, else every
 * device. `from`/`to` ISO or epoch ms (default: the last 24 h), `to - from` ≤ 31 days; `bucket`
 * hour | shift | day (default day). `devices` is paged (`limit`, `next`); `selection` and `lines`
 * come on every page, computed over every selected device.
 */
export interface KpiResponse {
  readonly from: string;
  readonly to: string;
  readonly bucket: KpiBucket;
  /** The plant's zone, for day and shift edges. */
  readonly timeZone: string;
  /** Shift starts in `timeZone` (used when `bucket` is shift). */
  readonly shifts: readonly string[];
  readonly selection: KpiGroupWithBuckets;
  /** One per line among the selected devices (devices without a line: `line` absent). */
  readonly lines: readonly KpiGroupWithBuckets[];
  /** Devices by thing name, totals only (ask with `device=` for a device's buckets: see `selection`). */
  readonly devices: readonly KpiGroup[];
  readonly next?: string;
}
