import { ActionNotAllowedError } from "../../errors.ts";
import type { Actor, AlarmInstance, AlarmStateName, OperatorAction } from "./alarmState.ts";
import { formatDuration } from "./condition.ts";

export interface ActionRequest {
  readonly action: OperatorAction;
  readonly actor: Actor;
  /** Processing time of the request. */
  readonly now: number;
  /** SNOOZE only: how long. */
  readonly durationMs?: number;
}

export interface ActionOutcome {
  readonly instance: AlarmInstance;
  /** Absent when the action changed the alarm but not its state (snoozing a snoozed alarm again). */
  readonly change?: { readonly from: AlarmStateName; readonly to: AlarmStateName; readonly reason: string };
}

/** Which states each operator action may start from (C4, after the IoT Events alarm model). */
const ALLOWED_FROM: Record<OperatorAction, readonly AlarmStateName[]> = {
  ACKNOWLEDGE: ["ACTIVE", "LATCHED"],
  SNOOZE: ["NORMAL", "ACTIVE", "ACKNOWLEDGED", "LATCHED", "SNOOZED"],
  DISABLE: ["NORMAL", "ACTIVE", "ACKNOWLEDGED", "LATCHED", "SNOOZED"],
  ENABLE: ["DISABLED"],
  RESET: ["ACTIVE", "ACKNOWLEDGED", "LATCHED", "SNOOZED"],
};

/**
 * An operator action on one alarm instance. ACKNOWLEDGE: ACTIVE → ACKNOWLEDGED (it returns to
 * NORMAL when the condition clears), LATCHED → NORMAL. SNOOZE: → SNOOZED until now + duration, then
 * NORMAL. DISABLE: → DISABLED until ENABLE (→ NORMAL). RESET: → NORMAL, re-armed.
 */
export function applyOperatorAction(
  alarmId: string,
  current: AlarmInstance,
  request: ActionRequest,
): ActionOutcome {
  const { action, actor, now } = request;
  if (!ALLOWED_FROM[action].includes(current.state)) {
    throw new ActionNotAllowedError(alarmId, action, current.state);
  }
  const by = `by ${actor.id}`;
  const rearmed = (state: AlarmStateName): AlarmInstance => {
    const {
      pending: _p,
      snoozedUntil: _s,
      activeSince: _a,
      lastNotifiedAt: _l,
      escalatedTo: _e,
      remindersSent: _r,
      window: _w,
      ...rest
    } = current;
    return { ...rest, state, since: now, breaching: false };
  };
  let instance: AlarmInstance;
  let reason: string;
  switch (action) {
    case "ACKNOWLEDGE":
      instance =
        current.state === "LATCHED" ? rearmed("NORMAL") : { ...current, state: "ACKNOWLEDGED", since: now };
      reason = `acknowledged ${by}`;
      break;
    case "SNOOZE": {
      const durationMs = request.durationMs;
      if (durationMs === undefined || !(durationMs > 0)) {
        throw new ActionNotAllowedError(alarmId, "SNOOZE without a positive duration", current.state);
      }
      instance = {
        ...rearmed("SNOOZED"),
        since: current.state === "SNOOZED" ? current.since : now,
        snoozedUntil: now + durationMs,
      };
      reason = `snoozed for ${formatDuration(durationMs)} ${by}`;
      break;
    }
    case "DISABLE":
      instance = rearmed("DISABLED");
      reason = `disabled ${by}`;
      break;
    case "ENABLE":
      instance = rearmed("NORMAL");
      reason = `enabled ${by}`;
      break;
    case "RESET":
      instance = rearmed("NORMAL");
      reason = `reset ${by}`;
      break;
  }
  return current.state === instance.state
    ? { instance }
    : { instance, change: { from: current.state, to: instance.state, reason } };
}
