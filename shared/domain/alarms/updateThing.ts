import { ConcurrentUpdateError } from "../../errors.ts";
import type { AlarmStore } from "../../ports/alarmStore.ts";
import type { EventPublisher } from "../../ports/eventPublisher.ts";
import { type AlarmEventDetail, alarmEventKey } from "./alarmEvent.ts";
import type { ThingAlarms } from "./alarmState.ts";
import { EMPTY_REPORT, type EngineReport } from "./engineReport.ts";
import {
  emptyThing,
  evaluateThing,
  type ThingContext,
  type ThingEvaluation,
  type ThingInput,
} from "./evaluateThing.ts";
import { type HistoryEntry, type HistoryRecord, historyOutboxKey, historySortKey } from "./history.ts";
import type { RuleIndex } from "./ruleIndex.ts";
import { toAlarmEvent, toHistoryEntry, toReminderEvent, toReminderHistoryEntry } from "./toAlarmEvent.ts";

/** Conditional-write attempts before the invocation gives up and lets Lambda retry it. */
const MAX_ATTEMPTS = 10;

export interface UpdateDependencies {
  readonly store: AlarmStore;
  readonly publisher: EventPublisher;
  /** Waits a little between conflicting attempts (jitter spreads competing writers). */
  readonly pause?: (attempt: number) => Promise<void>;
}

export interface UpdateContext extends ThingContext {
  readonly index: RuleIndex;
  readonly deadline: number;
  /**
   * Sweep only: also deliver outbox events committed before this time (their invocation failed to),
   * claiming them by the conditional write first, and every history record still in the outbox
   * (history writes are idempotent puts, so they need no claim).
   */
  readonly redeliverOlderThan?: number;
}

/** One thing's update: what was committed and told, and its counts. */
export interface ThingUpdate {
  readonly committed: boolean;
  /** The version committed, or the version found when nothing changed. */
  readonly version: number;
  /** The events of this update's transitions (and the sweep's reminders). */
  readonly events: readonly AlarmEventDetail[];
  readonly report: EngineReport;
}

interface Delivery extends Pick<EngineReport, "eventsDeferred" | "publishRetries" | "deliveryErrors"> {
  /** What `clearOutbox` removed (it also bumps the version); `failed` when it may or may not have. */
  readonly cleared?: { readonly events: readonly string[]; readonly history: readonly string[] } | "failed";
}

/**
 * Read, evaluate, conditionally write; on a conflict, read again and evaluate again. The write
 * carries the transitions' events and history records in outboxes of the same item, so changing
 * state and promising to tell about it are one atomic step. After the commit this invocation
 * delivers what it added and clears it; whatever it could not deliver waits for the sweep.
 */
export async function updateThing(
  thingName: string,
  input: ThingInput,
  deps: UpdateDependencies,
  context: UpdateContext,
): Promise<ThingUpdate> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const stored = await deps.store.load(thingName);
    const doc = stored ?? emptyThing(thingName);
    const evaluation = evaluateThing(doc, input, context);
    const leftovers =
      context.redeliverOlderThan === undefined ? none : leftoversOf(doc, context.redeliverOlderThan);
    // Re-sent events are claimed in the same conditional write (their commit time moves to now), so
    // that of two overlapping sweeps only the one that wins the write sends them again.
    const write = evaluation.changed || evaluation.transitions.length > 0 || leftovers.events.length > 0;
    const applied = await applyEvaluation(
      { base: doc, expectedVersion: stored?.version, evaluation, write, leftovers, conflicts: attempt - 1 },
      deps,
      context,
    );
    if (applied !== "conflict") return applied;
    await deps.pause?.(attempt);
  }
  throw new ConcurrentUpdateError(thingName, MAX_ATTEMPTS);
}

/** One evaluation of a thing's document, to be written (or not) and delivered. */
export interface PendingUpdate {
  /** The document the evaluation started from. */
  readonly base: ThingAlarms;
  /** The stored version `base` extends (undefined: nothing stored yet). */
  readonly expectedVersion: number | undefined;
  readonly evaluation: ThingEvaluation;
  /** Whether the document must be written; when not, only late-sample history and leftovers are delivered. */
  readonly write: boolean;
  readonly leftovers?: {
    readonly events: readonly AlarmEventDetail[];
    readonly history: readonly HistoryRecord[];
  };
  readonly conflicts?: number;
}

/** What an applied update leaves in the store: the document as stored, when known for certain. */
export interface AppliedUpdate extends ThingUpdate {
  /** The document as the store now holds it; undefined when that is uncertain (an outbox clear failed). */
  readonly stored: ThingAlarms | undefined;
}

/**
 * Writes an evaluation conditionally on `expectedVersion`, its events and history records in the
 * outboxes of the same item, then delivers them; `conflict` when another writer got there first.
 */
export async function applyEvaluation(
  update: PendingUpdate,
  deps: UpdateDependencies,
  context: UpdateContext,
): Promise<AppliedUpdate | "conflict"> {
  const { base, evaluation, leftovers = none } = update;
  const thingName = base.thingName;
  const late: HistoryRecord[] = evaluation.late.map((entry) => ({
    sk: historySortKey(entry, entry.kind === "late" ? String(entry.receivedAt) : "0"),
    entry,
  }));
  const counts = {
    ...EMPTY_REPORT,
    things: 1,
    late: late.length,
    duplicates: evaluation.duplicates,
    conflicts: update.conflicts ?? 0,
  };

  if (!update.write) {
    const delivery = await deliver(thingName, leftovers.events, leftovers.history, late, deps, context);
    return {
      committed: false,
      version: base.version,
      events: [],
      report: { ...counts, ...delivery },
      stored: delivery.cleared ? undefined : base,
    };
  }

  const version = (update.expectedVersion ?? 0) + 1;
  const events: AlarmEventDetail[] = [];
  for (const transition of evaluation.transitions) {
    const rule = context.index.rule(transition.ruleId);
    if (rule) events.push(toAlarmEvent(transition, rule, context.device));
  }
  const reminderEntries: HistoryEntry[] = [];
  for (const reminder of evaluation.reminders ?? []) {
    const rule = context.index.rule(reminder.ruleId);
    if (!rule) continue;
    events.push(toReminderEvent(reminder, rule, context.device));
    reminderEntries.push(toReminderHistoryEntry(reminder, rule));
  }
  const history = [
    ...evaluation.transitions.map(toHistoryEntry),
    ...(evaluation.notes ?? []),
    ...reminderEntries,
  ].map((entry, index): HistoryRecord => ({ sk: historySortKey(entry, `${version}.${index}`), entry }));
  const next: ThingAlarms = {
    ...evaluation.doc,
    version,
    outbox: {
      ...base.outbox,
      ...Object.fromEntries(
        leftovers.events.map((detail) => [alarmEventKey(detail), { detail, committedAt: context.now }]),
      ),
      ...Object.fromEntries(
        events.map((detail) => [alarmEventKey(detail), { detail, committedAt: context.now }]),
      ),
    },
    historyOutbox: {
      ...base.historyOutbox,
      ...Object.fromEntries(history.map((record) => [historyOutboxKey(record), record])),
    },
  };
  if ((await deps.store.commit(next, update.expectedVersion)) === "conflict") return "conflict";
  const delivery = await deliver(
    thingName,
    [...leftovers.events, ...events],
    [...leftovers.history, ...history],
    late,
    deps,
    context,
  );
  const reminders = reminderEntries.length;
  const report = { ...counts, ...delivery, transitions: events.length - reminders, reminders };
  return { committed: true, version, events, report, stored: afterClearing(next, delivery.cleared) };
}

/** The document after `clearOutbox` removed what was delivered (and bumped the version), if it did. */
function afterClearing(doc: ThingAlarms, cleared: Delivery["cleared"]): ThingAlarms | undefined {
  if (cleared === "failed") return undefined;
  if (cleared === undefined) return doc;
  const outbox = { ...doc.outbox };
  const historyOutbox = { ...doc.historyOutbox };
  for (const key of cleared.events) delete outbox[key];
  for (const key of cleared.history) delete historyOutbox[key];
  return { ...doc, outbox, historyOutbox, version: doc.version + 1 };
}

const nothingPublished = { failures: [], retries: 0 };
const none = { events: [] as AlarmEventDetail[], history: [] as HistoryRecord[] };

function leftoversOf(doc: ThingAlarms, committedBefore: number) {
  return {
    events: Object.values(doc.outbox ?? {})
      .filter((pending) => pending.committedAt < committedBefore)
      .map((pending) => pending.detail),
    history: Object.values(doc.historyOutbox ?? {}),
  };
}

/**
 * Publishes the events and writes the history (outbox records, then late-sample records, which
 * never enter the outbox); a failure never undoes the commit: what fails stays in the outboxes.
 */
async function deliver(
  thingName: string,
  events: readonly AlarmEventDetail[],
  history: readonly HistoryRecord[],
  late: readonly HistoryRecord[],
  deps: UpdateDependencies,
  context: UpdateContext,
): Promise<Delivery> {
  if (events.length === 0 && history.length === 0 && late.length === 0) {
    return { eventsDeferred: 0, publishRetries: 0, deliveryErrors: [] };
  }
  const [published, written] = await Promise.allSettled([
    events.length > 0 ? deps.publisher.publish(events, { deadline: context.deadline }) : nothingPublished,
    history.length + late.length > 0 ? deps.store.appendHistory([...history, ...late]) : undefined,
  ]);
  const deliveryErrors: unknown[] = [published, written].flatMap((outcome) =>
    outcome.status === "rejected" ? [outcome.reason as unknown] : [],
  );
  const failures =
    published.status === "fulfilled"
      ? published.value.failures
      : events.map((detail) => ({ detail, reason: "publish failed", resendable: true }));
  // An event that can never be sent is reported, not kept for ever: it leaves the outbox too.
  const failed = new Set(
    failures.filter((failure) => failure.resendable).map((failure) => alarmEventKey(failure.detail)),
  );
  for (const failure of failures.filter((candidate) => !candidate.resendable)) {
    deliveryErrors.push(new Error(`event ${alarmEventKey(failure.detail)} dropped: ${failure.reason}`));
  }
  const deliveredEvents = events.map(alarmEventKey).filter((key) => !failed.has(key));
  const deliveredHistory = written.status === "fulfilled" ? history.map(historyOutboxKey) : [];
  let cleared: Delivery["cleared"];
  if (deliveredEvents.length > 0 || deliveredHistory.length > 0) {
    try {
      await deps.store.clearOutbox(thingName, { events: deliveredEvents, history: deliveredHistory });
      cleared = { events: deliveredEvents, history: deliveredHistory };
    } catch (error) {
      deliveryErrors.push(error);
      cleared = "failed";
    }
  }
  return {
    eventsDeferred: failed.size,
    publishRetries: published.status === "fulfilled" ? published.value.retries : 0,
    deliveryErrors,
    ...(cleared === undefined ? {} : { cleared }),
  };
}
