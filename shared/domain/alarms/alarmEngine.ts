import { groupBy } from "../../collections.ts";
import { settleEach } from "../../concurrency.ts";
import type { LifecycleEvent } from "../../contracts/lifecycleRule.ts";
import { THING_NAME_PATTERN } from "../../contracts/telemetryTopic.ts";
import { AlarmNotFoundError } from "../../errors.ts";
import type { Clock } from "../../ports/clock.ts";
import type { DeviceRegistry } from "../../ports/deviceRegistry.ts";
import type { RuleSource } from "../../ports/ruleSource.ts";
import { parseTelemetry } from "../ingest/parseTelemetry.ts";
import type { ReceivedMessage, TelemetryLimits } from "../ingest/types.ts";
import { type AlarmInstance, alarmIdOf, parseAlarmId, type ThingAlarms } from "./alarmState.ts";
import { applyReminders } from "./dueNotifications.ts";
import { newInstance } from "./evaluateSample.ts";
import {
  evaluateConnectivity,
  evaluateInOrder,
  evaluateTelemetry,
  evaluateTick,
  type ThingEvaluation,
} from "./evaluateThing.ts";
import { type ActionRequest, applyOperatorAction } from "./operatorAction.ts";
import { RuleIndex, type ThingRules } from "./ruleIndex.ts";
import { type UpdateDependencies, type UpdateReport, updateThing } from "./updateThing.ts";

export interface AlarmEngineDependencies extends UpdateDependencies {
  readonly rules: RuleSource;
  readonly registry: DeviceRegistry;
  readonly clock: Clock;
  /** The same sample bounds as ingest: only samples that are stored are evaluated. */
  readonly limits: TelemetryLimits;
  /** Things updated in parallel within one batch. */
  readonly concurrency?: number;
}

/** What a batch did: the counts behind the evaluate and sweep metrics. */
export interface EngineReport {
  readonly things: number;
  readonly transitions: number;
  /** Sweep only: repeat and escalation reminders sent (`Alarm Reminder` events). */
  readonly reminders: number;
  readonly late: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly eventsDeferred: number;
  readonly publishRetries: number;
  readonly deliveryErrors: readonly unknown[];
  /**
   * Lifecycle only: presence events of things not in this stage's registry, ignored. IoT Core sends
   * every thing's presence events to every lifecycle rule of the account, so another stage's things
   * (or anyone's test clients) show up here.
   */
  readonly foreignThings?: number;
}

/**
 * The alarm engine's use cases: telemetry and lifecycle events in, operator actions, and the sweep.
 * Each one is "for each thing: read, evaluate, conditionally write, deliver" (`updateThing`).
 */
export class AlarmEngine {
  readonly #deps: AlarmEngineDependencies;
  #index?: RuleIndex;

  constructor(deps: AlarmEngineDependencies) {
    this.#deps = deps;
  }

  /** Telemetry messages (one from an IoT rule action, many from a stream), each thing's in order. */
  async evaluateTelemetry(
    messages: readonly ReceivedMessage[],
    options: { deadline: number },
  ): Promise<EngineReport> {
    const now = this.#deps.clock.now();
    const byThing = groupBy(messages, (message) => message.thingName);
    const index = await this.#ruleIndex();
    return this.#forEachThing([...byThing], async ([thingName, thingMessages]) => {
      if (!THING_NAME_PATTERN.test(thingName)) return undefined;
      const { device, rules } = await this.#thing(index, thingName);
      if (rules.byId.size === 0) return undefined;
      const steps = thingMessages.map((message) => {
        const { samples } = parseTelemetry(message, this.#deps.limits, now);
        const input = { receivedAt: message.receivedAt, samples: samples.map(({ sample }) => sample) };
        return (doc: ThingAlarms) => evaluateTelemetry(doc, input, { rules, device, now });
      });
      return updateThing(thingName, (doc) => evaluateInOrder(doc, steps), this.#deps, {
        index,
        device,
        now,
        deadline: options.deadline,
      });
    });
  }

  /**
   * A C1 lifecycle event: the client id is the thing name. Only things registered in this stage's
   * registry count (the registry is cached, so this costs no extra read per event); any other
   * thing's event is ignored and counted as foreign: it writes nothing and raises nothing.
   */
  async recordConnectivity(event: LifecycleEvent, options: { deadline: number }): Promise<EngineReport> {
    const index = await this.#ruleIndex();
    const now = this.#deps.clock.now();
    let foreignThings = 0;
    const report = await this.#forEachThing([event.clientId], async (thingName) => {
      if (!THING_NAME_PATTERN.test(thingName)) {
        foreignThings++;
        return undefined;
      }
      const { device, rules } = await this.#thing(index, thingName);
      if (device === undefined) {
        foreignThings++;
        return undefined;
      }
      if (rules.offline.length === 0) return undefined;
      const connectivity = { connected: event.eventType === "connected", since: event.timestamp };
      return updateThing(
        thingName,
        (doc) => evaluateConnectivity(doc, connectivity, { rules, device, now }),
        this.#deps,
        {
          index,
          device,
          now,
          deadline: options.deadline,
        },
      );
    });
    return { ...report, foreignThings };
  }

  /** ACKNOWLEDGE, SNOOZE, DISABLE, ENABLE, RESET on `{ruleId}:{thingName}` (C4). */
  async act(
    alarmId: string,
    request: Omit<ActionRequest, "now">,
    options: { deadline: number },
  ): Promise<UpdateReport> {
    const ids = parseAlarmId(alarmId);
    const index = await this.#ruleIndex();
    const rule = ids && index.rule(ids.ruleId);
    if (!ids || !rule) throw new AlarmNotFoundError(alarmId);
    const { device, rules } = await this.#thing(index, ids.thingName);
    if (!rules.byId.has(rule.id)) throw new AlarmNotFoundError(alarmId);
    const now = this.#deps.clock.now();
    const evaluate = (doc: ThingAlarms): ThingEvaluation => {
      const current: AlarmInstance = doc.alarms[rule.id] ?? newInstance(rule.id, now);
      const { instance, change } = applyOperatorAction(alarmId, current, { ...request, now });
      const actor = request.actor;
      return {
        doc: { ...doc, alarms: { ...doc.alarms, [rule.id]: instance } },
        transitions: change
          ? [
              {
                alarmId,
                ruleId: rule.id,
                thingName: ids.thingName,
                ...change,
                at: now,
                actor,
                action: request.action,
              },
            ]
          : [],
        notes: change
          ? []
          : [{ kind: "action", alarmId, at: now, action: request.action, actor, state: instance.state }],
        late: [],
        duplicates: 0,
        changed: true,
      };
    };
    return updateThing(ids.thingName, evaluate, this.#deps, {
      index,
      device,
      now,
      deadline: options.deadline,
    });
  }

  /** Every minute: ended snoozes, offline things, and deliveries left in outboxes. */
  async sweep(
    documents: AsyncIterable<ThingAlarms>,
    options: { deadline: number; staleAfterMs: number },
  ): Promise<EngineReport> {
    const index = await this.#ruleIndex();
    const now = this.#deps.clock.now();
    const scannedDocs: ThingAlarms[] = [];
    for await (const doc of documents) scannedDocs.push(doc);
    return this.#forEachThing(scannedDocs, async (scanned) => {
      const { device, rules } = await this.#thing(index, scanned.thingName);
      const context = { rules, device, now };
      const evaluate = (doc: ThingAlarms): ThingEvaluation => {
        const tick = evaluateTick(doc, context);
        const { doc: reminded, reminders } = applyReminders(tick.doc, rules, now);
        return reminders.length === 0 ? tick : { ...tick, doc: reminded, reminders, changed: true };
      };
      const stale = hasStaleDeliveries(scanned, now - options.staleAfterMs);
      // The scanned copy is only a hint; updateThing reads the document again before writing.
      if (!stale && !evaluate(scanned).changed) return undefined;
      return updateThing(scanned.thingName, evaluate, this.#deps, {
        index,
        device,
        now,
        deadline: options.deadline,
        redeliverOlderThan: now - options.staleAfterMs,
      });
    });
  }

  async #ruleIndex(): Promise<RuleIndex> {
    const ruleSet = await this.#deps.rules.current();
    if (this.#index?.version !== ruleSet.version) this.#index = new RuleIndex(ruleSet);
    return this.#index;
  }

  async #thing(
    index: RuleIndex,
    thingName: string,
  ): Promise<{ device: Awaited<ReturnType<DeviceRegistry["get"]>>; rules: ThingRules }> {
    const device = await this.#deps.registry.get(thingName);
    return { device, rules: index.forThing(thingName, device) };
  }

  async #forEachThing<T>(
    items: readonly T[],
    update: (item: T) => Promise<UpdateReport | undefined>,
  ): Promise<EngineReport> {
    // Things are independent: one thing's failure does not stop the others, and the call settles
    // only when every update has, so no write outlives the invocation that started it.
    const outcomes = await settleEach(items, this.#deps.concurrency ?? 8, update);
    const failure = outcomes.find((outcome) => outcome.status === "rejected");
    if (failure) throw failure.reason;
    const reports = outcomes.flatMap((outcome) =>
      outcome.status === "fulfilled" && outcome.value ? [outcome.value] : [],
    );
    return {
      things: reports.length,
      transitions: sum(reports, (report) => report.events.length - report.reminders),
      reminders: sum(reports, (report) => report.reminders),
      late: sum(reports, (report) => report.late),
      duplicates: sum(reports, (report) => report.duplicates),
      conflicts: sum(reports, (report) => report.conflicts),
      eventsDeferred: sum(reports, (report) => report.eventsDeferred),
      publishRetries: sum(reports, (report) => report.publishRetries),
      deliveryErrors: reports.flatMap((report) => report.deliveryErrors),
    };
  }
}

/** The counts of several engine calls as one report (e.g. a stream batch evaluated thing by thing). */
export function combineReports(reports: readonly EngineReport[]): EngineReport {
  const total = (count: (report: EngineReport) => number) => sum(reports, count);
  return {
    things: total((report) => report.things),
    transitions: total((report) => report.transitions),
    reminders: total((report) => report.reminders),
    late: total((report) => report.late),
    duplicates: total((report) => report.duplicates),
    conflicts: total((report) => report.conflicts),
    eventsDeferred: total((report) => report.eventsDeferred),
    publishRetries: total((report) => report.publishRetries),
    deliveryErrors: reports.flatMap((report) => report.deliveryErrors),
    foreignThings: total((report) => report.foreignThings ?? 0),
  };
}

function hasStaleDeliveries(doc: ThingAlarms, before: number): boolean {
  return (
    Object.values(doc.outbox ?? {}).some((pending) => pending.committedAt < before) ||
    Object.keys(doc.historyOutbox ?? {}).length > 0
  );
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

export { alarmIdOf };
