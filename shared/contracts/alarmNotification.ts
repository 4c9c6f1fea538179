import * as z from "zod/mini";
import { ALARM_STATES, type AlarmStateName } from "../domain/alarms/alarmState.ts";
import { SEVERITIES, type Severity } from "../domain/alarms/rule.ts";
import { NOTIFICATION_CHANNELS, type NotificationChannel } from "../domain/notifications/channelFor.ts";
import type { PagerDutyEventBody } from "../domain/notifications/pagerDutyEvent.ts";
import type { PlainAlarmEvent } from "../domain/notifications/plainJson.ts";
import type { SlackMessage } from "../domain/notifications/slackMessage.ts";
import type { TeamsMessage } from "../domain/notifications/teamsMessage.ts";
import { lazy } from "../lazy.ts";

/**
 * `Alarm Notification` events: the notify function puts one on the plantwatch bus for every alarm
 * event it notifies about, with the request body of each webhook already made. The webhook rules
 * send `$.detail.payloads.<format>` to an API destination as it is (InputPath), filtered by
 * `detail.severity`, so a receiver gets exactly what its vendor documents.
 */
export const ALARM_NOTIFICATION_DETAIL_TYPE = "Alarm Notification";

export const NOTIFICATION_KINDS = ["transition", "repeat", "escalate"] as const;
/** A C5 transition, or which kind of `Alarm Reminder`. */
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The webhook formats: one payload each. */
export const WEBHOOK_FORMATS = ["slack", "teams", "pagerduty", "json"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** The `detail` of an `Alarm Notification` event, version "1". */
export interface AlarmNotificationDetail {
  readonly version: "1";
  readonly alarmId: string;
  /** The de-duplication key of the alarm event (`alarmEventKey`): the same when it is notified again. */
  readonly eventKey: string;
  readonly kind: NotificationKind;
  /** For an escalation, the escalated severity. */
  readonly severity: Severity;
  /** `channelFor(severity)`: which SNS topic the same event went to. */
  readonly channel: NotificationChannel;
  readonly state: AlarmStateName;
  readonly thingName: string;
  readonly site?: string;
  readonly line?: string;
  /** Set only by `plantwatch dlq replay`, to send the event to one rule's target again. */
  readonly replayTo?: string;
  readonly payloads: {
    /** Slack `chat.postMessage` body without `channel` (the connection adds it). */
    readonly slack: SlackMessage;
    /** A Teams Workflows / incoming-webhook message with one Adaptive Card. */
    readonly teams: TeamsMessage;
    /** PagerDuty Events API v2 body without `routing_key` (the connection adds it). */
    readonly pagerduty: PagerDutyEventBody;
    /** The alarm event in an EventBridge-like envelope, for any other receiver. */
    readonly json: PlainAlarmEvent;
  };
}

/**
 * What the notify function checks every detail against before putting it on the bus. Payloads are
 * checked as objects only: their shape is the formatters' (golden-tested) business. Built on first
 * use, not at import.
 */
export const alarmNotificationDetailSchema = lazy(() => {
  const nonEmpty = z.string().check(z.minLength(1));
  const payload = z.custom<object>(
    (value) => typeof value === "object" && value !== null && !Array.isArray(value),
    { message: "expected a JSON object" },
  );
  return z.object({
    version: z.literal("1"),
    alarmId: nonEmpty,
    eventKey: nonEmpty,
    kind: z.enum(NOTIFICATION_KINDS),
    severity: z.enum(SEVERITIES),
    channel: z.enum(NOTIFICATION_CHANNELS),
    state: z.enum(ALARM_STATES),
    thingName: nonEmpty,
    site: z.optional(z.string()),
    line: z.optional(z.string()),
    replayTo: z.optional(nonEmpty),
    payloads: z.object({ slack: payload, teams: payload, pagerduty: payload, json: payload }),
  });
});

// Compile-time: every detail the type allows passes the schema's shape.
true satisfies AlarmNotificationDetail extends z.infer<ReturnType<typeof alarmNotificationDetailSchema>>
  ? true
  : false;

/** Checks a detail; on failure, every problem with its path. */
export function checkAlarmNotificationDetail(input: unknown): { ok: true } | { ok: false; problems: string } {
  const parsed = alarmNotificationDetailSchema().safeParse(input);
  if (parsed.success) return { ok: true };
  const problems = parsed.error.issues
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`,
    )
    .join("; ");
  return { ok: false, problems };
}
