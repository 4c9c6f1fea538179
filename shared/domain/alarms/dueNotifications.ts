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
