import type { AlarmEventDetail } from "../alarms/alarmEvent.ts";
import type { AlarmStateName } from "../alarms/alarmState.ts";
import type { Severity } from "../alarms/rule.ts";
import { alarmUrl } from "./notificationContext.ts";
import { fitLine, oneLine } from "./text.ts";
import { reasonOf, whereOf } from "./vocabulary.ts";

export type PagerDutyAction = "trigger" | "acknowledge" | "resolve";
export type PagerDutySeverity = "critical" | "error" | "warning" | "info";

/**
 * The Events API v2 action for each new state; the dedup key (the alarm id) ties them to one
 * incident.
 *
 * | state        | event_action | why                                                                   |
 * | ------------ | ------------ | --------------------------------------------------------------------- |
 * | ACTIVE       | trigger      | the condition holds: page                                             |
 * | LATCHED      | trigger      | cleared, but the rule wants an operator to acknowledge it; on an open |
 * |              |              | incident a trigger with the same key only adds to it, never re-pages  |
 * | ACKNOWLEDGED | acknowledge  | an operator is on it: stop escalating                                 |
 * | SNOOZED      | acknowledge  | an operator chose quiet for a while; the alarm is not over, so the    |
 * |              |              | incident stays open (acknowledged) until it clears or raises again    |
 * | NORMAL       | resolve      | cleared, reset, a latched alarm acknowledged, a snooze ended, or       |
 * |              |              | enabled: nothing is wrong now; if it still is, ACTIVE triggers anew   |
 * | DISABLED     | resolve      | it will not raise or clear any more; an open incident would be orphaned |
 *
 * PagerDuty ignores acknowledge and resolve for a key without an open incident, so a snooze or a
 * disable of a quiet alarm is harmless.
 */
export const PAGERDUTY_ACTION: Readonly<Record<AlarmStateName, PagerDutyAction>> = {
  ACTIVE: "trigger",
  LATCHED: "trigger",
  ACKNOWLEDGED: "acknowledge",
  SNOOZED: "acknowledge",
  NORMAL: "resolve",
  DISABLED: "resolve",
};

/** PagerDuty has four severities for our five: major pages as `error`, minor and warning warn. */
export const PAGERDUTY_SEVERITY: Readonly<Record<Severity, PagerDutySeverity>> = {
  critical: "critical",
  major: "error",
  minor: "warning",
  warning: "warning",
  info: "info",
};

/** PagerDuty's limit on `payload.summary`. */
export const PAGERDUTY_SUMMARY_MAX_LENGTH = 1024;

export interface PagerDutyTrigger {
  readonly routing_key: string;
  readonly event_action: "trigger";
  readonly dedup_key: string;
  readonly payload: {
    readonly summary: string;
    readonly source: string;
    readonly severity: PagerDutySeverity;
    readonly timestamp: string;
    readonly component?: string;
    readonly group: string;
    readonly class: string;
    readonly custom_details: AlarmEventDetail;
  };
  readonly client: "plantwatch";
  readonly client_url?: string;
  readonly links?: readonly { readonly href: string; readonly text: string }[];
}

/** Acknowledge and resolve need only the key; PagerDuty ignores a payload on them. */
export interface PagerDutyFollowUp {
  readonly routing_key: string;
  readonly event_action: "acknowledge" | "resolve";
  readonly dedup_key: string;
}

export type PagerDutyEvent = PagerDutyTrigger | PagerDutyFollowUp;

/**
 * The event without `routing_key`, for an EventBridge API destination whose connection adds the key
 * as a secret body parameter (so it is never in an event, a log or a template).
 */
export type PagerDutyEventBody =
  | Omit<PagerDutyTrigger, "routing_key">
  | Omit<PagerDutyFollowUp, "routing_key">;

export interface PagerDutyOptions {
  /** The integration key of the PagerDuty service (a secret: from the Connection, never the template). */
  readonly routingKey: string;
  /** Base URL of the dashboard, for a link from the incident to the alarm's page. */
  readonly consoleUrl?: string;
}

/**
 * `Oven temperature too high: oven-3 ACTIVE — temperature 262.4 > 250 for 60s (plant-1/line-2)`;
 * when too long, site/line give way first (to 40 characters), then the rule name and the reason (to 80).
 */
function summaryOf(detail: AlarmEventDetail): string {
  const where = whereOf(detail);
  return fitLine(
    [
      { text: oneLine(detail.rule.name), yields: 2, min: 80 },
      { text: `: ${oneLine(detail.device.thingName)} ${detail.state.value} — ` },
      { text: reasonOf(detail), yields: 3, min: 80 },
      ...(where === undefined ? [] : [{ text: where, before: " (", after: ")", yields: 1, min: 40 }]),
    ],
    PAGERDUTY_SUMMARY_MAX_LENGTH,
  );
}

/**
 * A PagerDuty Events API v2 event (POST https://events.pagerduty.com/v2/enqueue), action from
 * `PAGERDUTY_ACTION`, `dedup_key` the alarm id (at most 192 characters for a C5 id, within
 * PagerDuty's 255). A trigger carries the summary, the thing as `source`, site/line as `component`,
 * the rule id as `group`, the rule kind as `class`, and the whole C5 detail as `custom_details`.
 */
export function pagerDutyEvent(detail: AlarmEventDetail, options: PagerDutyOptions): PagerDutyEvent {
  return { routing_key: options.routingKey, ...pagerDutyEventBody(detail, options) };
}

/** `pagerDutyEvent` without the routing key (see `PagerDutyEventBody`). */
export function pagerDutyEventBody(
  detail: AlarmEventDetail,
  options: Omit<PagerDutyOptions, "routingKey"> = {},
): PagerDutyEventBody {
  const action = PAGERDUTY_ACTION[detail.state.value];
  if (action !== "trigger") return { event_action: action, dedup_key: detail.alarmId };
  const where = whereOf(detail);
  const url = alarmUrl(options, detail.alarmId);
  return {
    event_action: action,
    dedup_key: detail.alarmId,
    payload: {
      summary: summaryOf(detail),
      source: detail.device.thingName,
      severity: PAGERDUTY_SEVERITY[detail.rule.severity],
      timestamp: detail.state.timestamp,
      ...(where === undefined ? {} : { component: where }),
      group: detail.rule.id,
      class: detail.rule.kind,
      custom_details: detail,
    },
    client: "plantwatch",
    ...(url === undefined
      ? {}
      : { client_url: url, links: [{ href: url, text: "Alarm page in plantwatch" }] }),
  };
}
