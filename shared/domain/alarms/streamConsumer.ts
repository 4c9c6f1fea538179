import { groupBy } from "../../collections.ts";
import { settleEach } from "../../concurrency.ts";
import type { LifecycleEvent } from "../../contracts/lifecycleRule.ts";
import { THING_NAME_PATTERN } from "../../contracts/telemetryTopic.ts";
import { ActionNotAllowedError, AlarmNotFoundError, ShardCheckpointTakenError } from "../../errors.ts";
import type { AlarmStore } from "../../ports/alarmStore.ts";
import type { DeviceRegistry } from "../../ports/deviceRegistry.ts";
import type { RuleSource } from "../../ports/ruleSource.ts";
import type { CheckpointedThing, ShardCheckpoints } from "../../ports/shardCheckpoints.ts";
import { parseTelemetry } from "../ingest/parseTelemetry.ts";
import type { ReceivedMessage, TelemetryLimits } from "../ingest/types.ts";
import type { EngineFailure, EngineOutcome } from "./alarmEngine.ts";
import { type AlarmStateName, parseAlarmId, type StreamPosition, type ThingAlarms } from "./alarmState.ts";
import { mustPersist } from "./durableState.ts";
import { EMPTY_REPORT, type EngineReport, sumReports } from "./engineReport.ts";
import {
  emptyThing,
  evaluateThing,
  type ThingContext,
  type ThingEvaluation,
  type ThingInput,
} from "./evaluateThing.ts";
import type { ActionRequest } from "./operatorAction.ts";
import { RuleIndex } from "./ruleIndex.ts";
import { type AppliedUpdate, applyEvaluation, type UpdateDependencies } from "./updateThing.ts";

/**
 * What the telemetry stream carries for the alarm engine in stream mode: the telemetry rule's
 * messages, and — so that the consumer is the only writer of alarm state — the lifecycle rule's
 * presence events, the sweep's ticks and the API's operator actions, each with the time it
 * happened (the time it is evaluated at, so that evaluating the stream again gives the same result).
 */
export type StreamInput =
  | { readonly kind: "telemetry"; readonly message: ReceivedMessage }
  | { readonly kind: "lifecycle"; readonly event: LifecycleEvent }
  | { readonly kind: "tick"; readonly thingName: string; readonly at: number }
  | {
      readonly kind: "action";
      readonly alarmId: string;
      readonly request: Omit<ActionRequest, "now">;
      readonly at: number;
      /** The alarm's state (and since when) the API saw: the action applies only if it still holds. */
      readonly expected?: { readonly state: AlarmStateName; readonly since?: number };
    };

export interface StreamRecord {
  readonly sequenceNumber: string;
  readonly input: StreamInput;
}

export interface StreamConsumerDependencies extends UpdateDependencies {
  readonly store: AlarmStore;
  readonly checkpoints: ShardCheckpoints;
  readonly rules: RuleSource;
  readonly registry: DeviceRegistry;
  readonly limits: TelemetryLimits;
  /** Things evaluated in parallel within one batch. */
  readonly concurrency?: number;
}

export interface StreamBatchOutcome extends EngineOutcome {
  /** Records already reflected in the state (a batch delivered again after a partial failure): skipped. */
  readonly redelivered: number;
  /** Operator actions the state did not allow by the time they were evaluated (reported, not retried). */
  readonly refusedActions: readonly { readonly alarmId: string; readonly reason: string }[];
  /** Whether this batch started from the shard checkpoint instead of memory (a new container, or the shard moved). */
  readonly coldStart: boolean;
}

/** One thing as the consumer holds it: the document and the version of it that is stored. */
interface HeldThing {
  readonly doc: ThingAlarms;
  /** Undefined while nothing is stored. */
  readonly storedVersion: number | undefined;
  /** `lastTelemetryAt` as stored: the sweep's view, which may lag the document's. */
  readonly storedTelemetryAt: number | undefined;
  /** Read from the store since this shard was (re)loaded: only then may `storedVersion` be trusted. */
  readonly verified: boolean;
}

interface HeldShard {
  readonly id: string;
  /** The tag of the checkpoint this memory continues; undefined when the shard has none yet. */
  tag: string | undefined;
  readonly things: Map<string, HeldThing>;
}

/**
 * The alarm engine for stream mode. A shard's records reach one consumer at a time, in order, so
 * the consumer keeps each thing's document in memory across batches and writes it only when
 * something durable changed (`mustPersist`); what moves with every message lives in memory and in
 * the shard checkpoint, saved after every batch. A batch starts from memory only if the shard's
 * checkpoint is still the one this container saved; otherwise from the checkpoint, each thing's
 * document read once from the store (reads happen on a cold start only). Each document carries the
 * stream position it reflects, so records delivered again are recognised and skipped.
 */
export class StreamAlarmConsumer {
  readonly #deps: StreamConsumerDependencies;
  readonly #shards = new Map<string, HeldShard>();
  /**
   * Checkpoints of shards a thing came from (parents, after a reshard), read once per container:
   * a parent is closed before its children are read, so its last checkpoint never changes.
   */
  readonly #previousShards = new Map<string, Promise<ReadonlyMap<string, CheckpointedThing>>>();
  #index?: RuleIndex;

  constructor(deps: StreamConsumerDependencies) {
    this.#deps = deps;
  }

  async batch(
    shardId: string,
    records: readonly StreamRecord[],
    options: { deadline: number },
  ): Promise<StreamBatchOutcome> {
    const { shard, coldStart } = await this.#shard(shardId);
    const index = await this.#ruleIndex();
    const reports: EngineReport[] = [];
    const failures: EngineFailure[] = [];
    const refusedActions: { alarmId: string; reason: string }[] = [];
    let redelivered = 0;

    const byThing = groupBy(records.keys(), (position) => thingOf((records[position] as StreamRecord).input));
    await settleEach(byThing, this.#deps.concurrency ?? 8, async ([thingName, positions]) => {
      if (!THING_NAME_PATTERN.test(thingName)) {
        reports.push({ ...EMPTY_REPORT, foreignThings: 1 });
        return;
      }
      for (const [at, position] of positions.entries()) {
        const record = records[position] as StreamRecord;
        try {
          const held = await this.#held(shard, thingName);
          if (covers(held.doc.stream, shardId, record.sequenceNumber)) {
            redelivered++;
            continue;
          }
          const outcome = await this.#evaluate(shard, held, record, shardId, index, options);
          if (outcome.refused) refusedActions.push(outcome.refused);
          if (outcome.report) reports.push(outcome.report);
        } catch (error) {
          // The thing stops here: its later records are delivered again with this one.
          failures.push({ thingName, error, items: positions.slice(at) });
          return;
        }
      }
    });
    failures.sort((a, b) => (a.items[0] ?? 0) - (b.items[0] ?? 0));

    const saved = await this.#deps.checkpoints.save(shardId, checkpointOf(shard), shard.tag);
    if (saved === "conflict") {
      // Another container saved this shard since we loaded it: our memory is not the truth any more.
      this.#shards.delete(shardId);
      throw new ShardCheckpointTakenError(shardId);
    }
    shard.tag = saved.tag;
    return { report: sumReports(reports), failures, redelivered, refusedActions, coldStart };
  }

  async #shard(shardId: string): Promise<{ shard: HeldShard; coldStart: boolean }> {
    const held = this.#shards.get(shardId);
    const latest = await this.#deps.checkpoints.latestTag(shardId);
    if (held && held.tag === latest) return { shard: held, coldStart: false };
    const checkpoint = latest === undefined ? undefined : await this.#deps.checkpoints.load(shardId);
    const shard: HeldShard = {
      id: shardId,
      tag: checkpoint?.tag,
      things: new Map(
        (checkpoint?.things ?? []).map((thing) => [thing.doc.thingName, { ...thing, verified: false }]),
      ),
    };
    this.#shards.set(shardId, shard);
    return { shard, coldStart: true };
  }

  /**
   * The thing as held, read from the store first if this shard's memory has not verified it: the
   * checkpoint's copy continues the stored document only if nothing was written since it was taken.
   */
  async #held(shard: HeldShard, thingName: string): Promise<HeldThing> {
    const held = shard.things.get(thingName);
    if (held?.verified) return held;
    return this.#reload(shard, thingName, held);
  }

  async #reload(shard: HeldShard, thingName: string, held: HeldThing | undefined): Promise<HeldThing> {
    const stored = await this.#deps.store.load(thingName);
    const continues = held !== undefined && held.storedVersion === stored?.version;
    const fresh: HeldThing = continues
      ? { ...held, verified: true }
      : ((await this.#fromPreviousShard(shard, stored)) ?? {
          doc: stored ?? emptyThing(thingName),
          storedVersion: stored?.version,
          storedTelemetryAt: stored?.lastTelemetryAt,
          verified: true,
        });
    shard.things.set(thingName, fresh);
    return fresh;
  }

  /**
   * A thing whose stored document was last written from another shard moved here in a reshard
   * (every thing's first record on a shard is written, so the stored document names the last shard
   * that handled it): its memory is in that shard's last checkpoint, used if it extends the
   * stored version.
   */
  async #fromPreviousShard(
    shard: HeldShard,
    stored: ThingAlarms | undefined,
  ): Promise<HeldThing | undefined> {
    const previous = stored?.stream?.shardId;
    if (stored === undefined || previous === undefined || previous === shard.id) return undefined;
    let things = this.#previousShards.get(previous);
    if (things === undefined) {
      things = this.#deps.checkpoints
        .load(previous)
        .then(
          (checkpoint) => new Map((checkpoint?.things ?? []).map((thing) => [thing.doc.thingName, thing])),
        );
      // A failed read is not kept: the next cold load tries again.
      things.catch(() => this.#previousShards.delete(previous));
      this.#previousShards.set(previous, things);
    }
    const copy = (await things).get(stored.thingName);
    return copy !== undefined && copy.storedVersion === stored.version
      ? { ...copy, verified: true }
      : undefined;
  }

  async #evaluate(
    shard: HeldShard,
    held: HeldThing,
    record: StreamRecord,
    shardId: string,
    index: RuleIndex,
    options: { deadline: number },
  ): Promise<{ report?: EngineReport; refused?: { alarmId: string; reason: string } }> {
    const thingName = held.doc.thingName;
    const position: StreamPosition = { shardId, sequenceNumber: record.sequenceNumber };
    const now = eventTimeOf(record.input);
    const device = await this.#deps.registry.get(thingName);
    const context: ThingContext = { device, rules: index.forThing(thingName, device), now };
    let input: ThingInput | undefined;
    let evaluation: ThingEvaluation;
    let refused: { alarmId: string; reason: string } | undefined;
    try {
      input = this.#thingInput(record.input, context, index, held.doc);
      if (input === undefined) {
        // Nothing to evaluate (no rule, a foreign presence event): the position still moves on.
        shard.things.set(thingName, { ...held, doc: { ...held.doc, stream: position } });
        return record.input.kind === "lifecycle" && device === undefined
          ? { report: { ...EMPTY_REPORT, foreignThings: 1 } }
          : {};
      }
      evaluation = evaluateThing(held.doc, input, context);
    } catch (error) {
      if (record.input.kind !== "action" || !isRefusal(error)) throw error;
      // Refused, never retried; written all the same, so the API waiting for it sees it was read.
      refused = { alarmId: record.input.alarmId, reason: (error as Error).message };
      evaluation = { doc: held.doc, transitions: [], late: [], duplicates: 0, changed: false };
    }
    const moved = { ...evaluation, doc: { ...evaluation.doc, stream: position } };
    const write =
      record.input.kind === "action" ||
      // The thing's first record on this shard (a reshard moved it): the stored document must name
      // the shard whose checkpoint holds its memory from now on.
      held.doc.stream?.shardId !== shardId ||
      mustPersist(held.doc, evaluation, context.rules, held.storedTelemetryAt) ||
      (input?.kind === "tick" && hasOutbox(held.doc));
    const applied = await applyEvaluation(
      {
        base: held.doc,
        expectedVersion: held.storedVersion,
        evaluation: moved,
        write,
        ...(input?.kind === "tick" ? { leftovers: leftoversOf(held.doc) } : {}),
      },
      this.#deps,
      { index, device, rules: context.rules, now, deadline: options.deadline },
    );
    if (applied === "conflict") {
      // Someone wrote the document behind the consumer's back (a direct-mode writer, a lost race):
      // read it and evaluate this record again on what is stored.
      await this.#reload(shard, thingName, undefined);
      const again = await this.#held(shard, thingName);
      if (covers(again.doc.stream, shardId, record.sequenceNumber)) return {};
      return this.#evaluate(shard, again, record, shardId, index, options);
    }
    shard.things.set(thingName, heldAfter(held, moved.doc, applied));
    const report = applied.committed || !isQuiet(applied.report) ? applied.report : undefined;
    return { ...(report ? { report } : {}), ...(refused ? { refused } : {}) };
  }

  #thingInput(
    input: StreamInput,
    context: ThingContext,
    index: RuleIndex,
    doc: ThingAlarms,
  ): ThingInput | undefined {
    switch (input.kind) {
      case "telemetry": {
        if (context.rules.byId.size === 0) return undefined;
        const { samples } = parseTelemetry(input.message, this.#deps.limits, context.now);
        const message = {
          receivedAt: input.message.receivedAt,
          samples: samples.map(({ sample }) => sample),
        };
        return { kind: "telemetry", messages: [message] };
      }
      case "lifecycle": {
        if (context.device === undefined || context.rules.offline.length === 0) return undefined;
        const { eventType, timestamp } = input.event;
        return {
          kind: "connectivity",
          connectivity: { connected: eventType === "connected", since: timestamp },
        };
      }
      case "tick":
        return { kind: "tick" };
      case "action": {
        const ids = parseAlarmId(input.alarmId);
        const rule = ids && index.rule(ids.ruleId);
        if (!ids || !rule || !context.rules.byId.has(rule.id)) throw new AlarmNotFoundError(input.alarmId);
        const current = doc.alarms[rule.id];
        const { expected } = input;
        // The state the API saw when it accepted the action: acted on only if it still holds.
        if (
          expected !== undefined &&
          ((current?.state ?? "NORMAL") !== expected.state ||
            (expected.since !== undefined && current?.since !== expected.since))
        ) {
          throw new ActionNotAllowedError(input.alarmId, input.request.action, current?.state ?? "NORMAL");
        }
        return { kind: "action", alarmId: input.alarmId, ruleId: rule.id, request: input.request };
      }
    }
  }

  async #ruleIndex(): Promise<RuleIndex> {
    const ruleSet = await this.#deps.rules.current();
    if (this.#index?.version !== ruleSet.version) this.#index = new RuleIndex(ruleSet);
    return this.#index;
  }
}

export function thingOf(input: StreamInput): string {
  switch (input.kind) {
    case "telemetry":
      return input.message.thingName;
    case "lifecycle":
      return input.event.clientId;
    case "tick":
      return input.thingName;
    case "action":
      return parseAlarmId(input.alarmId)?.thingName ?? input.alarmId;
  }
}

/** When the input happened: what it is evaluated at, so evaluating the same records again gives the same result. */
function eventTimeOf(input: StreamInput): number {
  switch (input.kind) {
    case "telemetry":
      return input.message.receivedAt;
    case "lifecycle":
      return input.event.timestamp;
    default:
      return input.at;
  }
}

/**
 * Whether `position` already reflects the record: the same shard, a sequence number not older.
 * A record of another shard is newer: Lambda finishes a parent shard before its children.
 */
export function covers(
  position: StreamPosition | undefined,
  shardId: string,
  sequenceNumber: string,
): boolean {
  return position?.shardId === shardId && BigInt(sequenceNumber) <= BigInt(position.sequenceNumber);
}

/** What the consumer holds after an update: a commit makes the written document the stored one. */
function heldAfter(held: HeldThing, doc: ThingAlarms, applied: AppliedUpdate): HeldThing {
  if (!applied.committed) return { ...held, doc, verified: held.verified && applied.stored !== undefined };
  // Unsure what the store holds (an outbox clear failed): read it before the next evaluation.
  if (applied.stored === undefined) return { ...held, doc, verified: false };
  return {
    doc: applied.stored,
    storedVersion: applied.stored.version,
    storedTelemetryAt: applied.stored.lastTelemetryAt,
    verified: true,
  };
}

function checkpointOf(shard: HeldShard): CheckpointedThing[] {
  return [...shard.things.values()].map(({ verified: _verified, ...thing }) => thing);
}

function isRefusal(error: unknown): boolean {
  return error instanceof ActionNotAllowedError || error instanceof AlarmNotFoundError;
}

function hasOutbox(doc: ThingAlarms): boolean {
  return Object.keys(doc.outbox ?? {}).length > 0 || Object.keys(doc.historyOutbox ?? {}).length > 0;
}

/** A tick re-sends whatever the document still holds undelivered (its commit claims them). */
function leftoversOf(doc: ThingAlarms) {
  return {
    events: Object.values(doc.outbox ?? {}).map((pending) => pending.detail),
    history: Object.values(doc.historyOutbox ?? {}),
  };
}

function isQuiet(report: EngineReport): boolean {
  return report.late === 0 && report.duplicates === 0 && report.deliveryErrors.length === 0;
}
