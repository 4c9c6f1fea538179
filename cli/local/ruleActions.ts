import { toReceivedMessage } from "../../functions/ingest/toReceivedMessage.ts";
import { isLifecycleEvent, type LifecycleEvent } from "../../shared/contracts/lifecycleRule.ts";
import type { LiveEventSink } from "../../shared/contracts/liveEvents.ts";
import type { TelemetryRuleEvent } from "../../shared/contracts/telemetryRule.ts";
import type { AlarmEngine, EngineReport } from "../../shared/domain/alarms/alarmEngine.ts";
import { type IngestDependencies, ingestMessages } from "../../shared/domain/ingest/ingestMessages.ts";
import type { ReceivedMessage } from "../../shared/domain/ingest/types.ts";
import { countUnwrittenByMessage } from "../../shared/domain/ingest/unwrittenByMessage.ts";
import { BatchQueue } from "./batchQueue.ts";

export interface RuleActionsOptions {
  readonly telemetryRuleName: string;
  readonly lifecycleRuleName: string;
  /** The ingest function's dependencies, local edition. */
  readonly ingest: IngestDependencies;
  readonly engine: Pick<AlarmEngine, "evaluateTelemetry" | "recordConnectivity">;
  readonly live: LiveEventSink;
  /** How long one batch may take, as a Lambda timeout would bound it. */
  readonly timeoutMs?: number;
  /** Items per batch at most (default `MAX_BATCH_ITEMS`). */
  readonly maxBatch?: number;
  /** An action failed for a message (where Lambda would retry and then dead-letter): the console says so. */
  readonly onError: (action: string, error: unknown) => void;
}

/** What the evaluate action takes: both rules feed it, in arrival order. */
type Evaluation =
  | { readonly kind: "telemetry"; readonly message: ReceivedMessage }
  | { readonly kind: "lifecycle"; readonly event: LifecycleEvent };

/** Things evaluated at once within a batch: the engine's own default. */
const EVALUATE_CONCURRENCY = 8;

/**
 * What the rules' Lambda actions do, in process, batched as in stream mode (see `BatchQueue`): the
 * telemetry rule's two actions (ingest, and evaluate), independent of each other as on AWS, and the
 * lifecycle rule's (evaluate). Ingest stores a batch in one write (one SQLite transaction); evaluate
 * reads and writes each thing's alarm document once per batch. Each thing's telemetry and lifecycle
 * events are evaluated in the order they arrived; a failure is reported for each message it concerns.
 */
export class RuleActions {
  readonly #options: RuleActionsOptions;
  readonly #ingest: BatchQueue<ReceivedMessage>;
  readonly #evaluate: BatchQueue<Evaluation>;

  constructor(options: RuleActionsOptions) {
    this.#options = options;
    const maxItems = options.maxBatch === undefined ? {} : { maxItems: options.maxBatch };
    this.#ingest = new BatchQueue({
      run: (messages) => this.#ingestBatch(messages),
      onError: (_message, error) => options.onError("ingest", error),
      ...maxItems,
    });
    this.#evaluate = new BatchQueue({
      run: (items) => this.#evaluateBatch(items),
      onError: (_item, error) => options.onError("evaluate", error),
      ...maxItems,
    });
  }

  /** One rule's output for one message; unknown rules are ignored. */
  dispatch(ruleName: string, output: unknown): void {
    const { telemetryRuleName, lifecycleRuleName } = this.#options;
    if (ruleName === telemetryRuleName) {
      const message = toReceivedMessage(output as Partial<TelemetryRuleEvent>);
      this.#ingest.push(message);
      this.#evaluate.push({ kind: "telemetry", message });
    } else if (ruleName === lifecycleRuleName && isLifecycleEvent(output)) {
      this.#options.live.publish({
        type: "connectivity",
        thingName: output.clientId,
        connected: output.eventType === "connected",
        at: output.timestamp,
      });
      this.#evaluate.push({ kind: "lifecycle", event: output });
    }
  }

  /** Resolves once every action dispatched so far has finished (pending batches run now). */
  async idle(): Promise<void> {
    await Promise.all([this.#ingest.idle(), this.#evaluate.idle()]);
  }

  #deadline(): number {
    return Date.now() + (this.#options.timeoutMs ?? 30_000);
  }

  async #ingestBatch(messages: readonly ReceivedMessage[]): Promise<void> {
    const { ingest, onError } = this.#options;
    const unwritten = new Map<number, number>();
    const store = countUnwrittenByMessage(ingest.store, unwritten);
    await ingestMessages(messages, { ...ingest, store }, { deadline: this.#deadline() });
    for (const [messageIndex, count] of unwritten) {
      const thingName = messages[messageIndex]?.thingName ?? "";
      onError("ingest", new Error(`${count} sample(s) of ${thingName} were not written`));
    }
  }

  async #evaluateBatch(items: readonly Evaluation[]): Promise<void> {
    const byThing = new Map<string, Evaluation[]>();
    for (const item of items) {
      const thingName = item.kind === "telemetry" ? item.message.thingName : item.event.clientId;
      const list = byThing.get(thingName);
      if (list) list.push(item);
      else byThing.set(thingName, [item]);
    }
    // One engine call per thing, not one for the batch: a thing that fails then fails alone, and
    // the batch ends only when every thing's update has (the next batch must not overtake one).
    const queue = [...byThing.values()];
    const worker = async () => {
      for (let thing = queue.shift(); thing !== undefined; thing = queue.shift()) {
        await this.#evaluateThing(thing);
      }
    };
    await Promise.all(Array.from({ length: Math.min(EVALUATE_CONCURRENCY, queue.length) }, worker));
  }

  /** One thing's items in order: each run of telemetry in one call, lifecycle events between them. */
  async #evaluateThing(items: readonly Evaluation[]): Promise<void> {
    const { engine, onError } = this.#options;
    const deadline = this.#deadline();
    let run: ReceivedMessage[] = [];
    const flush = async () => {
      if (run.length === 0) return;
      const messages = run;
      run = [];
      try {
        this.#checkReport(await engine.evaluateTelemetry(messages, { deadline }));
      } catch (error) {
        for (const _ of messages) onError("evaluate", error);
      }
    };
    for (const item of items) {
      if (item.kind === "telemetry") {
        run.push(item.message);
        continue;
      }
      await flush();
      try {
        this.#checkReport(await engine.recordConnectivity(item.event, { deadline }));
      } catch (error) {
        onError("evaluate", error);
      }
    }
    await flush();
  }

  /** Each event the bus could not take, once. */
  #checkReport(report: EngineReport): void {
    for (const error of report.deliveryErrors) this.#options.onError("publish", error);
  }
}
