import type { AlarmInstance, AlarmStateName, ThingAlarms } from "./alarmState.ts";
import { formatDuration } from "./condition.ts";
import type { OfflineRule } from "./rule.ts";

export interface OfflineChange {
  readonly from: AlarmStateName;
  readonly to: AlarmStateName;
  readonly reason: string;
  readonly at: number;
}

/** Why the thing counts as offline under `rule` at `now`, or undefined if it does not. */
export function offlineReason(rule: OfflineRule, doc: ThingAlarms, now: number): string | undefined {
  const { connectivity, lastTelemetryAt } = doc;
  if (connectivity?.connected === false && now - connectivity.since >= rule.graceMs) {
    return `disconnected for ${formatDuration(now - connectivity.since)}`;
  }
  if (rule.afterMs !== undefined && lastTelemetryAt !== undefined && now - lastTelemetryAt >= rule.afterMs) {
    return `no telemetry for ${formatDuration(now - lastTelemetryAt)}`;
  }
  return undefined;
}

/**
 * An offline alarm at processing time `now`: raised while `offlineReason` holds, cleared (or
 * latched) once it does not. DISABLED and SNOOZED alarms are left to their actions and the sweep.
 */
export function evaluateOffline(
  current: AlarmInstance,
  rule: OfflineRule,
  doc: ThingAlarms,
  now: number,
): { instance: AlarmInstance; change?: OfflineChange } {
  const reason = offlineReason(rule, doc, now);
  switch (current.state) {
    case "NORMAL":
    case "LATCHED":
      if (reason === undefined) return { instance: { ...current, breaching: false } };
      return {
        instance: { ...current, state: "ACTIVE", since: now, activeSince: now, breaching: true },
        change: { from: current.state, to: "ACTIVE", reason, at: now },
      };
    case "ACTIVE":
    case "ACKNOWLEDGED": {
      if (reason !== undefined) return { instance: current };
      const to = current.state === "ACTIVE" && rule.latch ? "LATCHED" : "NORMAL";
      const { activeSince: _a, lastNotifiedAt: _l, escalatedTo: _e, remindersSent: _r, ...rest } = current;
      return {
        instance: { ...(to === "NORMAL" ? rest : current), state: to, since: now, breaching: false },
        change: { from: current.state, to, reason: "online again", at: now },
      };
    }
    default:
      return { instance: current };
  }
}
