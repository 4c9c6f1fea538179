import type { Severity } from "../alarms/rule.ts";

/** The two SNS topics: `page` wakes someone up, `notify` is read in working hours. */
export const NOTIFICATION_CHANNELS = ["page", "notify"] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** critical and major page; minor, warning and info notify. */
export function channelFor(severity: Severity): NotificationChannel {
  return severity === "critical" || severity === "major" ? "page" : "notify";
}
