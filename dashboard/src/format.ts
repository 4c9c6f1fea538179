import type { AlarmView } from "../../shared/contracts/operatorApi.ts";
import type { AlarmStateName } from "../../shared/domain/alarms/alarmState.ts";

const clock = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});
const dateTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** `12:03:10` today, `Nov 24, 23:59:58` otherwise. */
export function shortTime(iso: string | number): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  return date.toDateString() === new Date().toDateString() ? clock.format(date) : dateTime.format(date);
}

/** `5 s ago`, `3 min ago`, `2 h ago`. */
export function ago(ms: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** States an operator still has to look at (everything but NORMAL and DISABLED). */
export function isOpen(state: AlarmStateName): boolean {
  return state !== "NORMAL" && state !== "DISABLED";
}

/** The alarm's state as an operator reads it: a silence that keeps it quiet is part of it. */
export function stateText(alarm: AlarmView): string {
  return alarm.state + (alarm.silencedBy ? " (silenced)" : "");
}

/** Since when it is in its state; a snoozed alarm says until when instead. */
export function sinceText(alarm: AlarmView): string {
  return alarm.state === "SNOOZED" && alarm.snoozedUntil
    ? `until ${shortTime(alarm.snoozedUntil)}`
    : shortTime(alarm.since);
}
