import type { DeviceRecord } from "../../ports/deviceRegistry.ts";
import type { Sample } from "../ingest/types.ts";
import {
  type AlarmInstance,
  type AlarmStateName,
  alarmIdOf,
  type Connectivity,
  type ThingAlarms,
} from "./alarmState.ts";
import { applyReminders, type Reminder } from "./dueNotifications.ts";
import { evaluateOffline } from "./evaluateOffline.ts";
import { evaluateSample, newInstance } from "./evaluateSample.ts";
import type { HistoryEntry } from "./history.ts";
import { type ActionRequest, applyOperatorAction } from "./operatorAction.ts";
import type { ThingRules } from "./ruleIndex.ts";
import type { Transition } from "./transition.ts";

export interface ThingEvaluation {
  readonly doc: ThingAlarms;
  readonly transitions: readonly Transition[];
  /** Late samples, for the history. */
  readonly late: readonly HistoryEntry[];
  /** Other history entries without a transition (an operator action that changed no state). */
  readonly notes?: readonly HistoryEntry[];
  /** Sweep only: reminders to commit and send with this update. */
  readonly reminders?: readonly Reminder[];
  readonly duplicates: number;
  /** Whether `doc` differs from the input and must be written. */
  readonly changed: boolean;
}

/** Evaluation inputs that do not change within one thing's update. */
export interface ThingContext {
  readonly rules: ThingRules;
  readonly device: DeviceRecord | undefined;
  /** Processing time. */
  readonly now: number;
}

export function emptyThing(thingName: string): ThingAlarms {
  return { thingName, version: 0, alarms: {} };
}

/**
 * One telemetry message of a thing against all its alarms: samples in time order, each metric
 * against the rules on that metric, then the offline rules (telemetry means the thing is online).
 * While an offline alarm of the thing is active, the message's data may not raise other alarms.
 */
export function evaluateTelemetry(
  doc: ThingAlarms,
  message: TelemetryInput,
  context: ThingContext,
): ThingEvaluation {
  const builder = new EvaluationBuilder(doc);
  const inhibited = context.rules.offline.some((rule) => isRaised(doc.alarms[rule.id]?.state));
  const samples = [...message.samples].sort((a, b) => a.time - b.time);
  for (const sample of samples) {
    for (const metric in sample.metrics) {
      const value = sample.metrics[metric] as Sample["metrics"][string];
      for (const rule of context.rules.byMetric.get(metric) ?? []) {
        const alarmId = alarmIdOf(rule.id, doc.thingName);
        const current = builder.instance(rule.id) ?? newInstance(rule.id, sample.time);
        const outcome = evaluateSample(current, rule, sample.time, value, { ...context, inhibited });
        if (outcome.kind === "duplicate") {
          builder.duplicates++;
        } else if (outcome.kind === "late") {
          builder.late.push({
            kind: "late",
            alarmId,
            at: sample.time,
            metric,
            value,
            lastSampleTime: outcome.lastSampleTime,
            receivedAt: message.receivedAt,
          });
        } else {
          builder.set(rule.id, outcome.instance);
          for (const change of outcome.changes) {
            builder.transition(rule.id, change, { metric, value, sampleTime: sample.time });
          }
        }
      }
    }
  }
  if (doc.lastTelemetryAt === undefined || message.receivedAt > doc.lastTelemetryAt) {
    builder.patch({ lastTelemetryAt: message.receivedAt });
    if (doc.connectivity && !doc.connectivity.connected && message.receivedAt > doc.connectivity.since) {
      builder.patch({ connectivity: { connected: true, since: message.receivedAt } });
    }
  }
  // The message proves the thing was online when it was received: judge the offline rules at that
  // moment, not at processing time, or an old message of a stream batch would look like silence.
  evaluateOfflineRules(builder, { ...context, now: Math.max(message.receivedAt, doc.lastTelemetryAt ?? 0) });
  return builder.result();
}

/** A C1 lifecycle event: connectivity by event time (an older event than the last one is ignored). */
export function evaluateConnectivity(
  doc: ThingAlarms,
  connectivity: Connectivity,
  context: ThingContext,
): ThingEvaluation {
  const builder = new EvaluationBuilder(doc);
  if (doc.connectivity === undefined || connectivity.since > doc.connectivity.since) {
    builder.patch({ connectivity });
  }
  evaluateOfflineRules(builder, context);
  return builder.result();
}

/**
 * The sweep's look at a thing at `now`: snoozes that have ended, and offline rules (no telemetry
 * for `after`, disconnected beyond `grace`).
 */
export function evaluateTick(doc: ThingAlarms, context: ThingContext): ThingEvaluation {
  const builder = new EvaluationBuilder(doc);
  for (const [ruleId, instance] of Object.entries(doc.alarms)) {
    if (instance.state === "SNOOZED" && context.now >= (instance.snoozedUntil ?? 0)) {
      const at = instance.snoozedUntil ?? context.now;
      const { snoozedUntil: _s, pending: _p, ...rest } = instance;
      builder.set(ruleId, { ...rest, state: "NORMAL", since: at, breaching: false });
      builder.transition(ruleId, { from: "SNOOZED", to: "NORMAL", reason: "snooze ended", at });
    }
  }
  evaluateOfflineRules(builder, context);
  return builder.result();
}

function evaluateOfflineRules(builder: EvaluationBuilder, context: ThingContext): void {
  for (const rule of context.rules.offline) {
    const current = builder.instance(rule.id) ?? newInstance(rule.id, context.now);
    const { instance, change } = evaluateOffline(current, rule, builder.doc, context.now);
    builder.set(rule.id, instance);
    if (change) builder.transition(rule.id, change);
  }
}

function isRaised(state: AlarmStateName | undefined): boolean {
  return state === "ACTIVE" || state === "ACKNOWLEDGED";
}

/** Accumulates one update of a thing's document. */
class EvaluationBuilder {
  doc: ThingAlarms;
  readonly late: HistoryEntry[] = [];
  readonly transitions: Transition[] = [];
  duplicates = 0;
  readonly #original: ThingAlarms;
  #changed = false;

  constructor(doc: ThingAlarms) {
    this.doc = doc;
    this.#original = doc;
  }

  instance(ruleId: string): AlarmInstance | undefined {
    return this.doc.alarms[ruleId];
  }

  set(ruleId: string, instance: AlarmInstance): void {
    if (this.doc.alarms[ruleId] === instance) return;
    if (!this.#changed && sameInstance(this.#original.alarms[ruleId], instance)) return;
    this.doc = { ...this.doc, alarms: { ...this.doc.alarms, [ruleId]: instance } };
    this.#changed = true;
  }

  patch(fields: Partial<Pick<ThingAlarms, "lastTelemetryAt" | "connectivity">>): void {
    this.doc = { ...this.doc, ...fields };
    this.#changed = true;
  }

  transition(
    ruleId: string,
    change: { from: AlarmStateName; to: AlarmStateName; reason: string; at: number },
    trigger?: Transition["trigger"],
  ): void {
    this.transitions.push({
      alarmId: alarmIdOf(ruleId, this.doc.thingName),
      ruleId,
      thingName: this.doc.thingName,
      ...change,
      ...(trigger ? { trigger } : {}),
    });
  }

  result(): ThingEvaluation {
    return {
      doc: this.doc,
      transitions: this.transitions,
      late: this.late,
      duplicates: this.duplicates,
      changed: this.#changed,
    };
  }
}

function sameInstance(a: AlarmInstance | undefined, b: AlarmInstance): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** One telemetry message as the engine evaluates it: its stored samples and when it arrived. */
export interface TelemetryInput {
  readonly receivedAt: number;
  readonly samples: readonly Sample[];
}

/**
 * What one update of a thing evaluates: the four sibling evaluations of the alarm engine. Data,
 * not closures, so an update is "read, `evaluateThing`, conditionally write" and nothing else.
 */
export type ThingInput =
  /** Telemetry messages of the thing, in order, as one update. */
  | { readonly kind: "telemetry"; readonly messages: readonly TelemetryInput[] }
  /** A C1 lifecycle event. */
  | { readonly kind: "connectivity"; readonly connectivity: Connectivity }
  /** The sweep: ended snoozes, offline rules, due reminders. */
  | { readonly kind: "tick" }
  /** An operator action on one alarm of the thing (C4). */
  | {
      readonly kind: "action";
      readonly alarmId: string;
      readonly ruleId: string;
      readonly request: Omit<ActionRequest, "now">;
    };

/** The thing's document after `input`, with what must be written, told and recorded. Pure. */
export function evaluateThing(doc: ThingAlarms, input: ThingInput, context: ThingContext): ThingEvaluation {
  switch (input.kind) {
    case "telemetry":
      return evaluateMessagesInOrder(doc, input.messages, context);
    case "connectivity":
      return evaluateConnectivity(doc, input.connectivity, context);
    case "tick": {
      const tick = evaluateTick(doc, context);
      const { doc: reminded, reminders } = applyReminders(tick.doc, context.rules, context.now);
      return reminders.length === 0 ? tick : { ...tick, doc: reminded, reminders, changed: true };
    }
    case "action":
      return evaluateAction(doc, input, context.now);
  }
}

function evaluateMessagesInOrder(
  doc: ThingAlarms,
  messages: readonly TelemetryInput[],
  context: ThingContext,
): ThingEvaluation {
  let current = doc;
  const transitions: Transition[] = [];
  const late: HistoryEntry[] = [];
  let duplicates = 0;
  let changed = false;
  for (const message of messages) {
    const evaluation = evaluateTelemetry(current, message, context);
    current = evaluation.doc;
    transitions.push(...evaluation.transitions);
    late.push(...evaluation.late);
    duplicates += evaluation.duplicates;
    changed ||= evaluation.changed;
  }
  return { doc: current, transitions, late, duplicates, changed };
}

/** An operator action: a transition when the state changed, else a history note of the action. */
function evaluateAction(
  doc: ThingAlarms,
  input: Extract<ThingInput, { kind: "action" }>,
  now: number,
): ThingEvaluation {
  const { alarmId, ruleId, request } = input;
  const current: AlarmInstance = doc.alarms[ruleId] ?? newInstance(ruleId, now);
  const { instance, change } = applyOperatorAction(alarmId, current, { ...request, now });
  const { actor, action } = request;
  return {
    doc: { ...doc, alarms: { ...doc.alarms, [ruleId]: instance } },
    transitions: change
      ? [{ alarmId, ruleId, thingName: doc.thingName, ...change, at: now, actor, action }]
      : [],
    notes: change ? [] : [{ kind: "action", alarmId, at: now, action, actor, state: instance.state }],
    late: [],
    duplicates: 0,
    changed: true,
  };
}
