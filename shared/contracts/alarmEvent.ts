import * as z from "zod/mini";
import type { AlarmEventDetail, AlarmReminderDetail } from "../domain/alarms/alarmEvent.ts";
import { ALARM_STATES } from "../domain/alarms/alarmState.ts";
import { RULE_ID_PATTERN, RULE_KINDS, SEVERITIES } from "../domain/alarms/rule.ts";
import { lazy } from "../lazy.ts";
import { THING_NAME_PATTERN } from "./telemetryTopic.ts";

/**
 * The consumers' de-duplication key (alarm id, new state, transition time): one per transition, the
 * same when an event is re-sent, unlike the EventBridge event id. Defined once, in the domain.
 */
export { alarmEventKey } from "../domain/alarms/alarmEvent.ts";

/**
 * C5, the detail of an `Alarm State Change` event, version "1": the published contract (JSON Schema
 * in `schemas/`) and what the publisher checks every detail against before sending it.
 * Times are ISO 8601 in UTC (`Z`), as `Date.prototype.toISOString` writes them. Built on first use,
 * not at import (`lazy`).
 */
const isoTime = (description: string) => z.iso.datetime().check(z.describe(description));
const inner = (pattern: RegExp) => pattern.source.replace(/^\^/, "").replace(/\$$/, "");
const ALARM_ID_PATTERN = new RegExp(`^${inner(RULE_ID_PATTERN)}:${inner(THING_NAME_PATTERN)}$`);

export const alarmEventDetailSchema = lazy(() => {
  const nonEmpty = z.string().check(z.minLength(1));
  const alarmState = z.enum(ALARM_STATES);
  return z
    .object({
      version: z.literal("1"),
      alarmId: z.string().check(z.regex(ALARM_ID_PATTERN), z.describe("`{ruleId}:{thingName}`")),
      rule: z.object({
        id: z.string().check(z.regex(RULE_ID_PATTERN)),
        name: nonEmpty,
        severity: z.enum(SEVERITIES),
        kind: z.enum(RULE_KINDS),
      }),
      device: z.object({
        thingName: z.string().check(z.regex(THING_NAME_PATTERN)),
        site: z.optional(z.string()),
        line: z.optional(z.string()),
      }),
      state: z.object({
        value: alarmState,
        previous: alarmState,
        reason: z.string().check(z.describe("why, for a human: e.g. `temperature 262.4 > 250 for 60s`")),
        timestamp: isoTime("when the transition happened: event time, or processing time for actions"),
      }),
      trigger: z.optional(
        z
          .object({
            metric: nonEmpty,
            value: z.union([z.number(), z.string(), z.boolean()]),
            sampleTime: isoTime("event time of the sample that caused the transition"),
          })
          .check(z.describe("present for evaluated transitions")),
      ),
      actor: z.optional(
        z
          .object({ id: nonEmpty, note: z.optional(z.string()) })
          .check(z.describe("present for operator actions")),
      ),
    })
    .check(
      // Not expressible in JSON Schema, so only the publisher checks it.
      z.refine((detail) => detail.alarmId === `${detail.rule.id}:${detail.device.thingName}`, {
        message: "alarmId must be `{rule.id}:{device.thingName}`",
        path: ["alarmId"],
      }),
      z.meta({
        $id: "https://plantwatch.dev/schemas/alarm-event-v1.schema.json",
        title: "plantwatch alarm event detail, version 1 (C5)",
        description:
          'The `detail` of EventBridge events with source "plantwatch" and detail-type "Alarm State Change" on the plantwatch bus: one per alarm state transition. Delivery is at least once: de-duplicate on (alarmId, state.value, state.timestamp), not on the EventBridge event id.',
      }),
    );
});

/** True when A and B are assignable to each other (readonly aside). */
export type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Compile-time: the schema and the domain type describe the same detail; `tsc` fails on any drift.
true satisfies MutuallyAssignable<z.infer<ReturnType<typeof alarmEventDetailSchema>>, AlarmEventDetail>;

/**
 * The detail of an `Alarm Reminder` event: the C5 detail of the alarm as it stands, plus which
 * reminder this is (sent by the sweep for `notify.repeat` and `notify.escalate`).
 */
export const alarmReminderDetailSchema = lazy(() =>
  z
    .extend(alarmEventDetailSchema(), {
      reminder: z.object({
        kind: z.enum(["repeat", "escalate"]),
        activeSince: isoTime("when the alarm became ACTIVE"),
        number: z
          .number()
          .check(z.int(), z.positive(), z.describe("1 for the first reminder of this activation")),
        escalatedFrom: z.optional(
          z.enum(SEVERITIES).check(z.describe("escalations: the rule's own severity")),
        ),
      }),
    })
    .check(
      z.meta({
        $id: "https://plantwatch.dev/schemas/alarm-reminder-v1.schema.json",
        title: "plantwatch alarm reminder detail, version 1",
        description:
          'The `detail` of EventBridge events with source "plantwatch" and detail-type "Alarm Reminder": an alarm still ACTIVE and unacknowledged (notify.repeat, notify.escalate). Not a transition: state.value and state.previous are both ACTIVE and state.timestamp is the reminder time. For an escalation rule.severity is the escalated severity. De-duplicate on (alarmId, reminder.number, state.timestamp).',
      }),
    ),
);

true satisfies MutuallyAssignable<z.infer<ReturnType<typeof alarmReminderDetailSchema>>, AlarmReminderDetail>;

type Checked<T> = { ok: true; detail: T } | { ok: false; problems: string };

function check<T>(schema: z.ZodMiniType<T>, input: unknown): Checked<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, detail: parsed.data };
  const problems = parsed.error.issues
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`,
    )
    .join("; ");
  return { ok: false, problems };
}

/** Checks a detail against C5; on failure, every problem with its path (`state.reason: ...`). */
export function checkAlarmEventDetail(input: unknown): Checked<AlarmEventDetail> {
  return check(alarmEventDetailSchema(), input);
}

/** Checks an `Alarm Reminder` detail. */
export function checkAlarmReminderDetail(input: unknown): Checked<AlarmReminderDetail> {
  return check(alarmReminderDetailSchema(), input);
}
