import type { Ingest } from "../functions/ingest/createIngest.ts";
import { toReceivedMessage } from "../functions/ingest/toReceivedMessage.ts";
import { isLifecycleEvent } from "../shared/contracts/lifecycleRule.ts";
import type { LiveEventSink } from "../shared/contracts/liveEvents.ts";
import type { TelemetryRuleEvent } from "../shared/contracts/telemetryRule.ts";
import type { ReceivedMessage } from "../shared/domain/ingest/types.ts";
import { BatchQueue } from "./batchQueue.ts";
import type { LocalTelemetryStream } from "./localTelemetryStream.ts";

/** How long one batch may take, as the functions' Lambda timeout bounds an invocation. */
export const LOCAL_INVOCATION_MS = 30_000;

export interface RuleActionsOptions {
  readonly telemetryRuleName: string;
  readonly lifecycleRuleName: string;
  /** The ingest function's use case (`createIngest`), on the local adapters. */
  readonly ingest: Pick<Ingest, "batch">;
  /** Stream mode's telemetry stream, which the evaluate function's use case consumes. */
  readonly stream: Pick<LocalTelemetryStream, "append" | "idle">;
  readonly live: LiveEventSink;
  /** How long one batch may take (default `LOCAL_INVOCATION_MS`). */
  readonly timeoutMs?: number;
  /** Items per batch at most (default `MAX_BATCH_ITEMS`). */
  readonly maxBatch?: number;
  /** An action failed for a message (where Lambda would retry and then dead-letter): the console says so. */
  readonly onError: (action: string, error: unknown) => void;
}

/**
 * What the rules' actions do in stream mode, in process: the telemetry rule's message goes to
 * ingest (batched, see `BatchQueue`: one write, one SQLite transaction, per batch) and onto the
 * telemetry stream, and so does the lifecycle rule's presence event; the stream's consumer (the
 * evaluate function's use case) takes each thing's inputs in the order they arrived. A failure is
 * reported for each message it concerns.
 */
export class RuleActions {
  readonly #options: RuleActionsOptions;
  readonly #ingest: BatchQueue<ReceivedMessage>;

  constructor(options: RuleActionsOptions) {
    this.#options = options;
    const maxItems = options.maxBatch === undefined ? {} : { maxItems: options.maxBatch };
    this.#ingest = new BatchQueue({
      run: (messages) => this.#ingestBatch(messages),
      onError: (_message, error) => options.onError("ingest", error),
      ...maxItems,
    });
  }

  /** One rule's output for one message; unknown rules are ignored. */
  dispatch(ruleName: string, output: unknown): void {
    const { telemetryRuleName, lifecycleRuleName } = this.#options;
    if (ruleName === telemetryRuleName) {
      const message = toReceivedMessage(output as Partial<TelemetryRuleEvent>);
      this.#ingest.push(message);
      this.#options.stream.append({ kind: "telemetry", message });
    } else if (ruleName === lifecycleRuleName && isLifecycleEvent(output)) {
      this.#options.live.publish({
        type: "connectivity",
        thingName: output.clientId,
        connected: output.eventType === "connected",
        at: output.timestamp,
      });
      this.#options.stream.append({ kind: "lifecycle", event: output });
    }
  }

  /** Resolves once every action dispatched so far has finished (pending batches run now). */
  async idle(): Promise<void> {
    await Promise.all([this.#ingest.idle(), this.#options.stream.idle()]);
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
}
