import type { Evaluate, Evaluation } from "../functions/evaluate/createEvaluate.ts";
import type { Ingest } from "../functions/ingest/createIngest.ts";
import { toReceivedMessage } from "../functions/ingest/toReceivedMessage.ts";
import { isLifecycleEvent } from "../shared/contracts/lifecycleRule.ts";
import type { LiveEventSink } from "../shared/contracts/liveEvents.ts";
import type { TelemetryRuleEvent } from "../shared/contracts/telemetryRule.ts";
import type { ReceivedMessage } from "../shared/domain/ingest/types.ts";
import { BatchQueue } from "./batchQueue.ts";

/** How long one batch may take, as the functions' Lambda timeout bounds an invocation. */
export const LOCAL_INVOCATION_MS = 30_000;

export interface RuleActionsOptions {
  readonly telemetryRuleName: string;
  readonly lifecycleRuleName: string;
  /** The ingest function's use case (`createIngest`), on the local adapters. */
  readonly ingest: Pick<Ingest, "batch">;
  /** The evaluate function's use case (`createEvaluate`), on the local engine. */
  readonly evaluate: Pick<Evaluate, "batch">;
  readonly live: LiveEventSink;
  /** How long one batch may take (default `LOCAL_INVOCATION_MS`). */
  readonly timeoutMs?: number;
  /** Items per batch at most (default `MAX_BATCH_ITEMS`). */
  readonly maxBatch?: number;
  /** An action failed for a message (where Lambda would retry and then dead-letter): the console says so. */
  readonly onError: (action: string, error: unknown) => void;
}

/**
 * What the rules' Lambda actions do, in process, batched as in stream mode (see `BatchQueue`): the
 * telemetry rule's two actions (ingest, and evaluate), independent of each other as on AWS, and the
 * lifecycle rule's (evaluate), through the functions' own use cases. Ingest stores a batch in one
 * write (one SQLite transaction); evaluate takes each thing's telemetry and lifecycle events in the
 * order they arrived, a thing failing alone. A failure is reported for each message it concerns.
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

  #budget() {
    return { remainingMs: this.#options.timeoutMs ?? LOCAL_INVOCATION_MS };
  }

  async #ingestBatch(messages: readonly ReceivedMessage[]): Promise<void> {
    const { unwritten } = await this.#options.ingest.batch(messages, this.#budget());
    for (const { message, samples } of unwritten) {
      this.#options.onError(
        "ingest",
        new Error(`${samples} sample(s) of ${message.thingName} were not written`),
      );
    }
  }

  async #evaluateBatch(items: readonly Evaluation[]): Promise<void> {
    const { failures } = await this.#options.evaluate.batch(items, this.#budget());
    for (const { error, items: failed } of failures) {
      for (const _ of failed) this.#options.onError("evaluate", error);
    }
  }
}
