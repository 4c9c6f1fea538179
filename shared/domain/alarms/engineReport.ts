/** What alarm-engine work did: one thing's update, a batch, a sweep. The counts behind the metrics. */
export interface EngineReport {
  /** Things whose document was evaluated (one per update; a batch counts each update). */
  readonly things: number;
  readonly transitions: number;
  /** Sweep only: repeat and escalation reminders sent (`Alarm Reminder` events). */
  readonly reminders: number;
  readonly late: number;
  readonly duplicates: number;
  readonly conflicts: number;
  /** Events not confirmed published: they stay in the outbox and the sweep sends them again. */
  readonly eventsDeferred: number;
  readonly publishRetries: number;
  /** Errors delivering events or history after the commit (what they held stays in the outboxes). */
  readonly deliveryErrors: readonly unknown[];
  /**
   * Presence events of things not in this stage's registry, ignored. IoT Core sends every thing's
   * presence events to every lifecycle rule of the account, so another stage's things (or anyone's
   * test clients) show up here.
   */
  readonly foreignThings: number;
}

export const EMPTY_REPORT: EngineReport = {
  things: 0,
  transitions: 0,
  reminders: 0,
  late: 0,
  duplicates: 0,
  conflicts: 0,
  eventsDeferred: 0,
  publishRetries: 0,
  deliveryErrors: [],
  foreignThings: 0,
};

/** The one sum: several reports as one. */
export function sumReports(reports: readonly EngineReport[]): EngineReport {
  const total = (count: (report: EngineReport) => number) =>
    reports.reduce((sum, report) => sum + count(report), 0);
  return {
    things: total((report) => report.things),
    transitions: total((report) => report.transitions),
    reminders: total((report) => report.reminders),
    late: total((report) => report.late),
    duplicates: total((report) => report.duplicates),
    conflicts: total((report) => report.conflicts),
    eventsDeferred: total((report) => report.eventsDeferred),
    publishRetries: total((report) => report.publishRetries),
    // One array for the batch, not one copy per report added.
    deliveryErrors: reports.flatMap((report) => report.deliveryErrors),
    foreignThings: total((report) => report.foreignThings),
  };
}
