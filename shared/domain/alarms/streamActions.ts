import type { ControlRecord } from "../../contracts/streamRecord.ts";
import { ActionNotAllowedError, AlarmNotFoundError, PlantwatchError } from "../../errors.ts";
import type { AlarmStore } from "../../ports/alarmStore.ts";
import type { Clock } from "../../ports/clock.ts";
import type { DeviceRegistry } from "../../ports/deviceRegistry.ts";
import type { RuleSource } from "../../ports/ruleSource.ts";
import type { StreamControl } from "../../ports/streamControl.ts";
import { parseAlarmId, type ThingAlarms } from "./alarmState.ts";
import { sameDurableInstance } from "./durableState.ts";
import { EMPTY_REPORT } from "./engineReport.ts";
import { emptyThing, evaluateThing } from "./evaluateThing.ts";
import type { ActionRequest } from "./operatorAction.ts";
import { RuleIndex } from "./ruleIndex.ts";
import { covers } from "./streamConsumer.ts";
import { toAlarmEvent } from "./toAlarmEvent.ts";
import type { ThingUpdate } from "./updateThing.ts";

/** How often the API looks whether the stream consumer has read its action. */
const POLL_MS = 100;
/** Times an action is sent again after the alarm moved between the API's read and the consumer's. */
const MAX_ATTEMPTS = 3;

export interface StreamActionsDependencies {
  /** Read only: the stream consumer is the only writer. */
  readonly store: Pick<AlarmStore, "load">;
  readonly stream: StreamControl;
  readonly rules: RuleSource;
  readonly registry: DeviceRegistry;
  readonly clock: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The action is on the stream but the consumer had not read it by the deadline; it will still apply. */
export class ActionPendingError extends PlantwatchError {
  constructor(alarmId: string) {
    super(`the action on ${alarmId} is queued but was not applied before the deadline; look again shortly`, {
      retryable: true,
    });
    this.name = "ActionPendingError";
  }
}

/**
 * Operator actions in stream mode, with the engine's `act` signature. The stream consumer is the
 * only writer of alarm state, so an action is put on the stream, conditional on the alarm's state
 * the API read (`expected`); the API then waits until the stored document reflects the record.
 * Applied: the state is the one the API's own evaluation predicted, and so is the transition it
 * returns. Refused because the alarm moved meanwhile: evaluated again on the new state (the action
 * may now be refused outright, as in direct mode).
 */
export class StreamOperatorActions {
  readonly #deps: StreamActionsDependencies;
  #index?: RuleIndex;

  constructor(deps: StreamActionsDependencies) {
    this.#deps = deps;
  }

  async act(
    alarmId: string,
    request: Omit<ActionRequest, "now">,
    options: { deadline: number },
  ): Promise<ThingUpdate> {
    const ids = parseAlarmId(alarmId);
    const index = await this.#ruleIndex();
    const rule = ids && index.rule(ids.ruleId);
    if (!ids || !rule) throw new AlarmNotFoundError(alarmId);
    const device = await this.#deps.registry.get(ids.thingName);
    const rules = index.forThing(ids.thingName, device);
    if (!rules.byId.has(rule.id)) throw new AlarmNotFoundError(alarmId);

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const stored = (await this.#deps.store.load(ids.thingName)) ?? emptyThing(ids.thingName);
      const now = this.#deps.clock.now();
      const input = { kind: "action" as const, alarmId, ruleId: rule.id, request };
      // Throws ActionNotAllowedError here, before anything is sent, as direct mode does.
      const predicted = evaluateThing(stored, input, { device, rules, now });
      const current = stored.alarms[rule.id];
      const record: ControlRecord = {
        plantwatch: "action",
        alarmId,
        ...request,
        at: now,
        expected: { state: current?.state ?? "NORMAL", ...(current ? { since: current.since } : {}) },
      };
      const [position] = await this.#deps.stream.put([record], options);
      if (position === undefined) throw new ActionPendingError(alarmId);
      const after = await this.#readAfter(ids.thingName, position, options.deadline, alarmId);
      const applied = after.alarms[rule.id];
      const expectedAfter = predicted.doc.alarms[rule.id];
      // What moves with every sample may have moved meanwhile; the durable state is the action's.
      if (applied !== undefined && sameDurableInstance(applied, expectedAfter)) {
        const events = predicted.transitions.map((transition) => toAlarmEvent(transition, rule, device));
        return {
          committed: true,
          version: after.version,
          events,
          report: { ...EMPTY_REPORT, things: 1, transitions: events.length },
        };
      }
    }
    const latest = await this.#deps.store.load(ids.thingName);
    throw new ActionNotAllowedError(alarmId, request.action, latest?.alarms[rule.id]?.state ?? "NORMAL");
  }

  async #readAfter(
    thingName: string,
    position: { shardId: string; sequenceNumber: string },
    deadline: number,
    alarmId: string,
  ): Promise<ThingAlarms> {
    const sleep = this.#deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
    for (;;) {
      const doc = await this.#deps.store.load(thingName);
      if (doc && covers(doc.stream, position.shardId, position.sequenceNumber)) return doc;
      if (this.#deps.clock.now() + POLL_MS >= deadline) throw new ActionPendingError(alarmId);
      await sleep(POLL_MS);
    }
  }

  async #ruleIndex(): Promise<RuleIndex> {
    const ruleSet = await this.#deps.rules.current();
    if (this.#index?.version !== ruleSet.version) this.#index = new RuleIndex(ruleSet);
    return this.#index;
  }
}
