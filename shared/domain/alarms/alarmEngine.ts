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
import { alarmIdOf, parseAlarmId, type ThingAlarms } from "./alarmState.ts";
import { mustPersist } from "./durableState.ts";
import { EMPTY_REPORT, type EngineReport, sumReports } from "./engineReport.ts";
import { evaluateThing, type ThingContext, type ThingInput } from "./evaluateThing.ts";
import type { ActionRequest } from "./operatorAction.ts";
import { RuleIndex } from "./ruleIndex.ts";
import { type ThingUpdate, type UpdateDependencies, updateThing } from "./updateThing.ts";

export interface AlarmEngineDependencies extends UpdateDependencies {
  readonly rules: RuleSource;
  readonly registry: DeviceRegistry;
  readonly clock: Clock;
  /** The same sample bounds as ingest: only samples that are stored are evaluated. */
  readonly limits: TelemetryLimits;
  /** Things updated in parallel within one batch. */
  readonly concurrency?: number;
}

/** What the engine evaluates as it arrives: the telemetry rule's messages and the lifecycle rule's events. */
export type EngineInput =
  | { readonly kind: "telemetry"; readonly message: ReceivedMessage }
  | { readonly kind: "lifecycle"; readonly event: LifecycleEvent };

/** One update that failed: the thing, why, and the positions of the inputs it held (none for the sweep). */
export interface EngineFailure {
  readonly thingName: string;
  readonly error: unknown;
  readonly items: readonly number[];
}

/** What a batch or a sweep did: the counts of every update that succeeded, and each that failed. */
export interface EngineOutcome {
  readonly report: EngineReport;
  /** In order of their first input. */
  readonly failures: readonly EngineFailure[];
}

export type { EngineReport };

/**
 * The alarm engine's use cases: telemetry and lifecycle events in, operator actions, and the sweep.
 * Each is, for each thing, one `updateThing` (read, `evaluateThing`, conditionally write, deliver)
 * over a `ThingInput`; results come back per thing, failures included.
 */
export class AlarmEngine {
  readonly #deps: AlarmEngineDependencies;
  #index?: RuleIndex;

  constructor(deps: AlarmEngineDependencies) {
    this.#deps = deps;
  }

  /**
   * Inputs thing by thing, each thing's in order: consecutive telemetry as one update, a lifecycle
   * event alone between them. One update's failure (a ConcurrentUpdateError, a throttled table)
   * fails only its inputs: the thing's later updates and the other things' go on.
   */
  async evaluate(items: readonly EngineInput[], options: { deadline: number }): Promise<EngineOutcome> {
    const index = await this.#ruleIndex();
    const now = this.#deps.clock.now();
    const reports: EngineReport[] = [];
    const failures: EngineFailure[] = [];
    const byThing = groupBy(items.keys(), (position) => thingOf(items[position] as EngineInput));
    // Things are independent; the call settles only when every update has, so no write outlives
    // the invocation that started it.
    await settleEach(byThing, this.#deps.concurrency ?? 8, async ([thingName, positions]) => {
      for (const step of stepsOf(items, positions)) {
        const inputs = step.map((position) => items[position] as EngineInput);
        try {
          reports.push(await this.#evaluateStep(thingName, inputs, { index, now, ...options }));
        } catch (error) {
          failures.push({ thingName, error, items: step });
        }
      }
    });
    failures.sort((a, b) => (a.items[0] ?? 0) - (b.items[0] ?? 0));
    return { report: sumReports(reports), failures };
  }

  /** Telemetry only (one message from an IoT rule action, or a test's few); throws the first failure. */
  async evaluateTelemetry(
    messages: readonly ReceivedMessage[],
    options: { deadline: number },
  ): Promise<EngineReport> {
    return reportOrThrow(
      await this.evaluate(
        messages.map((message) => ({ kind: "telemetry", message })),
        options,
      ),
    );
  }

  /** One C1 lifecycle event; throws when its thing could not be updated. */
  async recordConnectivity(event: LifecycleEvent, options: { deadline: number }): Promise<EngineReport> {
    return reportOrThrow(await this.evaluate([{ kind: "lifecycle", event }], options));
  }

  /** ACKNOWLEDGE, SNOOZE, DISABLE, ENABLE, RESET on `{ruleId}:{thingName}` (C4). */
  async act(
    alarmId: string,
    request: Omit<ActionRequest, "now">,
    options: { deadline: number },
  ): Promise<ThingUpdate> {
    const ids = parseAlarmId(alarmId);
    const index = await this.#ruleIndex();
    const rule = ids && index.rule(ids.ruleId);
    if (!ids || !rule) throw new AlarmNotFoundError(alarmId);
    const context = await this.#context(index, ids.thingName);
    if (!context.rules.byId.has(rule.id)) throw new AlarmNotFoundError(alarmId);
    const input: ThingInput = { kind: "action", alarmId, ruleId: rule.id, request };
    return updateThing(ids.thingName, input, this.#deps, { ...context, index, ...options });
  }

  /** Every minute: ended snoozes, offline things, due reminders, and deliveries left in outboxes. */
  async sweep(
    documents: AsyncIterable<ThingAlarms>,
    options: { deadline: number; staleAfterMs: number },
  ): Promise<EngineOutcome> {
    const index = await this.#ruleIndex();
    const now = this.#deps.clock.now();
    const scannedDocs: ThingAlarms[] = [];
    for await (const doc of documents) scannedDocs.push(doc);
    const reports: EngineReport[] = [];
    const failures: EngineFailure[] = [];
    const redeliverOlderThan = now - options.staleAfterMs;
    await settleEach(scannedDocs, this.#deps.concurrency ?? 8, async (scanned) => {
      try {
        const context = await this.#context(index, scanned.thingName, now);
        // The scanned copy is only a hint; updateThing reads the document again before writing.
        const stale = hasStaleDeliveries(scanned, redeliverOlderThan);
        if (!stale && !evaluateThing(scanned, TICK, context).changed) return;
        const update = await updateThing(scanned.thingName, TICK, this.#deps, {
          ...context,
          index,
          deadline: options.deadline,
          redeliverOlderThan,
        });
        reports.push(update.report);
      } catch (error) {
        failures.push({ thingName: scanned.thingName, error, items: [] });
      }
    });
    return { report: sumReports(reports), failures };
  }

  /**
   * Stream mode's sweep: which things may have something due, each a tick to put on the stream for
   * the consumer (the only writer of their state) to evaluate at `now`. The scanned documents are
   * the stored ones, whose `lastTelemetryAt` may lag the consumer's: a thing that only looks silent
   * gets a tick that changes nothing, never a false offline alarm.
   */
  async ticksDue(
    documents: AsyncIterable<ThingAlarms>,
    options: { staleAfterMs: number },
  ): Promise<{ readonly thingName: string; readonly at: number }[]> {
    const index = await this.#ruleIndex();
    const now = this.#deps.clock.now();
    const due: { thingName: string; at: number }[] = [];
    for await (const scanned of documents) {
      const context = await this.#context(index, scanned.thingName, now);
      const stale = hasStaleDeliveries(scanned, now - options.staleAfterMs);
      // Only what would be written counts: a fresh NORMAL instance the tick would add is not news.
      const evaluation = evaluateThing(scanned, TICK, context);
      if (stale || mustPersist(scanned, evaluation, context.rules, scanned.lastTelemetryAt))
        due.push({ thingName: scanned.thingName, at: now });
    }
    return due;
  }

  async #evaluateStep(
    thingName: string,
    inputs: readonly EngineInput[],
    options: { index: RuleIndex; now: number; deadline: number },
  ): Promise<EngineReport> {
    const first = inputs[0] as EngineInput;
    const lifecycle = first.kind === "lifecycle";
    // Not this registry's thing name at all: a lifecycle event of someone else's client.
    if (!THING_NAME_PATTERN.test(thingName)) return lifecycle ? FOREIGN : EMPTY_REPORT;
    const context = await this.#context(options.index, thingName, options.now);
    const update = (input: ThingInput) =>
      updateThing(thingName, input, this.#deps, { ...options, ...context });
    if (first.kind === "lifecycle") {
      // IoT Core sends every thing's presence events to every lifecycle rule of the account: only
      // this stage's registered things count (the registry is cached: no extra read per event).
      if (context.device === undefined) return FOREIGN;
      if (context.rules.offline.length === 0) return EMPTY_REPORT;
      const { eventType, timestamp } = first.event;
      const connectivity = { connected: eventType === "connected", since: timestamp };
      return (await update({ kind: "connectivity", connectivity })).report;
    }
    if (context.rules.byId.size === 0) return EMPTY_REPORT;
    const messages = inputs.map((input) => {
      const { message } = input as Extract<EngineInput, { kind: "telemetry" }>;
      const { samples } = parseTelemetry(message, this.#deps.limits, options.now);
      return { receivedAt: message.receivedAt, samples: samples.map(({ sample }) => sample) };
    });
    return (await update({ kind: "telemetry", messages })).report;
  }

  async #ruleIndex(): Promise<RuleIndex> {
    const ruleSet = await this.#deps.rules.current();
    if (this.#index?.version !== ruleSet.version) this.#index = new RuleIndex(ruleSet);
    return this.#index;
  }

  async #context(index: RuleIndex, thingName: string, now = this.#deps.clock.now()): Promise<ThingContext> {
    const device = await this.#deps.registry.get(thingName);
    return { device, rules: index.forThing(thingName, device), now };
  }
}

const TICK: ThingInput = { kind: "tick" };
const FOREIGN: EngineReport = { ...EMPTY_REPORT, foreignThings: 1 };

function thingOf(item: EngineInput): string {
  return item.kind === "telemetry" ? item.message.thingName : item.event.clientId;
}

/** One thing's positions cut into updates: each run of telemetry together, each lifecycle event alone. */
function stepsOf(items: readonly EngineInput[], positions: readonly number[]): number[][] {
  const steps: number[][] = [];
  let run: number[] | undefined;
  for (const position of positions) {
    if (items[position]?.kind === "telemetry") {
      if (run === undefined) {
        run = [];
        steps.push(run);
      }
      run.push(position);
    } else {
      run = undefined;
      steps.push([position]);
    }
  }
  return steps;
}

/** The outcome's counts, or its first failure thrown: for callers whose one item must be retried whole. */
export function reportOrThrow({ report, failures }: EngineOutcome): EngineReport {
  if (failures[0] !== undefined) throw failures[0].error;
  return report;
}

function hasStaleDeliveries(doc: ThingAlarms, before: number): boolean {
  return (
    Object.values(doc.outbox ?? {}).some((pending) => pending.committedAt < before) ||
    Object.keys(doc.historyOutbox ?? {}).length > 0
  );
}

export { alarmIdOf };
