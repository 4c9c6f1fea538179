/**
 * The metric names (C6 and the alarm engine's counts) the functions publish, with Powertools (EMF)
 * on AWS: named once for the code that counts and for the ops dashboard that graphs them, so a
 * renamed metric breaks the build rather than leaving an empty graph.
 */

/** The ingest function's counts, per batch. */
export const INGEST_METRICS = {
  messagesReceived: "MessagesReceived",
  samplesStored: "SamplesStored",
  storeRetries: "StoreRetries",
  samplesUnwritten: "SamplesUnwritten",
  lastSeenFailures: "LastSeenFailures",
  /** One metric per reason: its `QUARANTINE_REASON_DIMENSION` is a `QuarantineReason`. */
  quarantined: "Quarantined",
} as const;

export const QUARANTINE_REASON_DIMENSION = "reason";

/** The alarm engine's counts (evaluate and sweep), per batch or sweep. */
export const ENGINE_METRICS = {
  thingsUpdated: "ThingsUpdated",
  transitions: "Transitions",
  lateSamples: "LateSamples",
  duplicateSamples: "DuplicateSamples",
  writeConflicts: "WriteConflicts",
  eventsDeferred: "EventsDeferred",
  publishRetries: "PublishRetries",
  deliveryErrors: "DeliveryErrors",
  remindersSent: "RemindersSent",
  foreignLifecycleEvents: "ForeignLifecycleEvents",
} as const;

/** The notify function's counts, per event. */
export const NOTIFY_METRICS = {
  sent: "NotificationsSent",
  webhookEventsSent: "WebhookEventsSent",
  failed: "NotificationsFailed",
} as const;
