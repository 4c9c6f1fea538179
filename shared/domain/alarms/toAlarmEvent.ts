import type { DeviceRecord } from "../../ports/deviceRegistry.ts";
import type { AlarmEventDetail, AlarmReminderDetail } from "./alarmEvent.ts";
import { formatDuration } from "./condition.ts";
import type { Reminder } from "./dueNotifications.ts";
import type { HistoryEntry } from "./history.ts";
import type { AlarmRule } from "./rule.ts";
import type { Transition } from "./transition.ts";

/** The C5 detail of a transition: everything a notification needs, without another lookup. */
export function toAlarmEvent(
  transition: Transition,
  rule: AlarmRule,
  device: DeviceRecord | undefined,
): AlarmEventDetail {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    version: "1",
    alarmId: transition.alarmId,
    rule: { id: rule.id, name: rule.name, severity: rule.severity, kind: rule.kind },
    device: {
      thingName: transition.thingName,
      ...(device?.site === undefined ? {} : { site: device.site }),
      ...(device?.line === undefined ? {} : { line: device.line }),
    },
    state: {
      value: transition.to,
      previous: transition.from,
      reason: transition.reason,
      timestamp: iso(transition.at),
    },
    ...(transition.trigger
      ? {
          trigger: {
            metric: transition.trigger.metric,
            value: transition.trigger.value,
            sampleTime: iso(transition.trigger.sampleTime),
          },
        }
      : {}),
    ...(transition.actor
      ? {
          actor: {
            id: transition.actor.id,
            ...(transition.actor.note === undefined ? {} : { note: transition.actor.note }),
          },
        }
      : {}),
  };
}

export function toHistoryEntry(transition: Transition): HistoryEntry {
  return {
    kind: "transition",
    alarmId: transition.alarmId,
    at: transition.at,
    from: transition.from,
    to: transition.to,
    reason: transition.reason,
    ...(transition.trigger ? { trigger: transition.trigger } : {}),
    ...(transition.actor ? { actor: transition.actor } : {}),
    ...(transition.action ? { action: transition.action } : {}),
  };
}

/** The `Alarm Reminder` detail: the alarm as it stands, and which reminder this is. */
export function toReminderEvent(
  reminder: Reminder,
  rule: AlarmRule,
  device: DeviceRecord | undefined,
): AlarmReminderDetail {
  const iso = (ms: number) => new Date(ms).toISOString();
  const severity = reminder.severity ?? rule.severity;
  // The headline of every message names the state, the reminder number and any escalation already
  // (from `reminder`); the reason only adds how long nobody has answered.
  const reason = `unacknowledged for ${formatDuration(reminder.at - reminder.activeSince)}`;
  return {
    version: "1",
    alarmId: reminder.alarmId,
    rule: { id: rule.id, name: rule.name, severity, kind: rule.kind },
    device: {
      thingName: reminder.thingName,
      ...(device?.site === undefined ? {} : { site: device.site }),
      ...(device?.line === undefined ? {} : { line: device.line }),
    },
    state: { value: "ACTIVE", previous: "ACTIVE", reason, timestamp: iso(reminder.at) },
    reminder: {
      kind: reminder.kind,
      activeSince: iso(reminder.activeSince),
      number: reminder.number,
      ...(reminder.kind === "escalate" ? { escalatedFrom: rule.severity } : {}),
    },
  };
}

export function toReminderHistoryEntry(reminder: Reminder, rule: AlarmRule): HistoryEntry {
  return {
    kind: "reminder",
    alarmId: reminder.alarmId,
    at: reminder.at,
    reminder: reminder.kind,
    number: reminder.number,
    severity: reminder.severity ?? rule.severity,
  };
}
