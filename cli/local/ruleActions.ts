import { toReceivedMessage } from "../../functions/ingest/toReceivedMessage.ts";
import { isLifecycleEvent } from "../../shared/contracts/lifecycleRule.ts";
import type { LiveEventSink } from "../../shared/contracts/liveEvents.ts";
import type { TelemetryRuleEvent } from "../../shared/contracts/telemetryRule.ts";
import type { AlarmEngine, EngineReport } from "../../shared/domain/alarms/alarmEngine.ts";
import { type IngestDependencies, ingestMessages } from "../../shared/domain/ingest/ingestMessages.ts";

export interface RuleActionsOptions {
  readonly telemetryRuleName: string;
  readonly lifecycleRuleName: string;
  /** The ingest function's dependencies, local edition. */
  readonly ingest: IngestDependencies;
  readonly engine: Pick<AlarmEngine, "evaluateTelemetry" | "recordConnectivity">;
  readonly live: LiveEventSink;
  /** How long one action may take, as a Lambda timeout would bound it. */
  readonly timeoutMs?: number;
  /** An action failed (where Lambda would retry and then dead-letter): the console says so. */
  readonly onError: (action: string, error: unknown) => void;
}

/**
 * What the rules' Lambda actions do, in process: the telemetry rule's two actions (ingest, and
 * evaluate), independent of each other as on AWS, and the lifecycle rule's (evaluate). Each thing's
 * actions run in the order its messages arrived, as its time-ordered samples.
 */
export class RuleActions {
  readonly #options: RuleActionsOptions;
  readonly #queues = new Map<string, Promise<void>>();

  constructor(options: RuleActionsOptions) {
    this.#options = options;
  }

  /** One rule's output for one message; unknown rules are ignored. */
  dispatch(ruleName: string, output: unknown): void {
    const { telemetryRuleName, lifecycleRuleName } = this.#options;
    if (ruleName === telemetryRuleName) {
      const message = toReceivedMessage(output as Partial<TelemetryRuleEvent>);
      this.#enqueue(`ingest:${message.thingName}`, "ingest", async (deadline) => {
        const report = await ingestMessages([message], this.#options.ingest, { deadline });
        if (report.unwritten > 0) {
          throw new Error(`${report.unwritten} sample(s) of ${message.thingName} were not written`);
        }
      });
      this.#enqueue(`evaluate:${message.thingName}`, "evaluate", async (deadline) =>
        this.#checkReport(await this.#options.engine.evaluateTelemetry([message], { deadline })),
      );
    } else if (ruleName === lifecycleRuleName && isLifecycleEvent(output)) {
      const event = output;
      this.#options.live.publish({
        type: "connectivity",
        thingName: event.clientId,
        connected: event.eventType === "connected",
        at: event.timestamp,
      });
      this.#enqueue(`evaluate:${event.clientId}`, "evaluate", async (deadline) =>
        this.#checkReport(await this.#options.engine.recordConnectivity(event, { deadline })),
      );
    }
  }

  /** Resolves once every action dispatched so far has finished. */
  async idle(): Promise<void> {
    while (this.#queues.size > 0) await Promise.allSettled([...this.#queues.values()]);
  }

  #enqueue(key: string, action: string, run: (deadline: number) => Promise<void>): void {
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => run(Date.now() + (this.#options.timeoutMs ?? 30_000)))
      .catch((error: unknown) => this.#options.onError(action, error))
      .finally(() => {
        if (this.#queues.get(key) === next) this.#queues.delete(key);
      });
    this.#queues.set(key, next);
  }

  #checkReport(report: EngineReport): void {
    const [first] = report.deliveryErrors;
    if (first !== undefined) this.#options.onError("publish", first);
  }
}
