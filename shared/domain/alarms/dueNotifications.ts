import type { ThingAlarms } from "./alarmState.ts";
import { alarmIdOf } from "./alarmState.ts";
import type { Severity } from "./rule.ts";
import type { ThingRules } from "./ruleIndex.ts";

export type DueNotification =
  | { readonly kind: "repeat"; readonly alarmId: string; readonly ruleId: string }
  | {
      readonly kind: "escalate";
      readonly alarmId: string;
      readonly ruleId: string;
      readonly severity: Severity;
    };

/**
 * ACTIVE (so unacknowledged) alarms whose rule asks to be repeated or escalated and whose time has
 * come at `now`: a repeat every `notify.repeat` since it was raised or last notified, and one
 * escalation `notify.escalate.after` it was raised.
 */
export function dueNotifications(doc: ThingAlarms, rules: ThingRules, now: number): DueNotification[] {
  const due: DueNotification[] = [];
  for (const [ruleId, instance] of Object.entries(doc.alarms)) {
    const notify = rules.byId.get(ruleId)?.notify;
    if (!notify || instance.state !== "ACTIVE" || instance.activeSince === undefined) continue;
    const alarmId = alarmIdOf(ruleId, doc.thingName);
    const lastTold = instance.lastNotifiedAt ?? instance.activeSince;
    if (notify.repeatMs !== undefined && now - lastTold >= notify.repeatMs)
      due.push({ kind: "repeat", alarmId, ruleId });
    const escalate = notify.escalate;
    if (escalate && instance.escalatedTo === undefined && now - instance.activeSince >= escalate.afterMs) {
      due.push({ kind: "escalate", alarmId, ruleId, severity: escalate.severity });
    }
  }
  return due;
}

/** A reminder the sweep commits with the alarm state and then sends (an `Alarm Reminder` event). */
export interface Reminder {
  readonly kind: "repeat" | "escalate";
  readonly alarmId: string;
  readonly ruleId: string;
  readonly thingName: string;
  /** Processing time of the sweep that sends it. */
  readonly at: number;
  readonly activeSince: number;
  /** 1 for the first reminder of this activation. */
  readonly number: number;
  /** Escalations: the severity it is sent with. */
  readonly severity?: Severity;
}

/**
 * Marks the due reminders in the document (`lastNotifiedAt`, `escalatedTo`, `remindersSent`) so the
 * committed state says they were sent, and returns them. A repeat and an escalation due together
 * send the escalation only: one message, at the higher severity.
 */
export function applyReminders(
  doc: ThingAlarms,
  rules: ThingRules,
  now: number,
): { doc: ThingAlarms; reminders: Reminder[] } {
  const due = dueNotifications(doc, rules, now);
  if (due.length === 0) return { doc, reminders: [] };
  const alarms = { ...doc.alarms };
  const reminders: Reminder[] = [];
  for (const ruleId of new Set(due.map((item) => item.ruleId))) {
    const instance = alarms[ruleId];
    if (!instance || instance.activeSince === undefined) continue;
    const escalation = due.find((item) => item.ruleId === ruleId && item.kind === "escalate");
    const number = (instance.remindersSent ?? 0) + 1;
    const common = {
      alarmId: alarmIdOf(ruleId, doc.thingName),
      ruleId,
      thingName: doc.thingName,
      at: now,
      activeSince: instance.activeSince,
      number,
    };
    if (escalation?.kind === "escalate") {
      reminders.push({ ...common, kind: "escalate", severity: escalation.severity });
      alarms[ruleId] = {
        ...instance,
        lastNotifiedAt: now,
        escalatedTo: escalation.severity,
        remindersSent: number,
      };
    } else {
      reminders.push({
        ...common,
        kind: "repeat",
        ...(instance.escalatedTo ? { severity: instance.escalatedTo } : {}),
      });
      alarms[ruleId] = { ...instance, lastNotifiedAt: now, remindersSent: number };
    }
  }
  return { doc: { ...doc, alarms }, reminders };
}
