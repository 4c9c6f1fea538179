import { randomUUID } from "node:crypto";
import { ALARM_EVENT_SOURCE, type AlarmEventDetail } from "../../shared/domain/alarms/alarmEvent.ts";

/** An event as EventBridge hands it to a target: what `--webhook` receivers get, one POST each. */
export interface EventEnvelope {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: AlarmEventDetail;
}

export const LOCAL_ACCOUNT = "000000000000";
export const LOCAL_REGION = "local";

export function eventEnvelope(detailType: string, detail: AlarmEventDetail): EventEnvelope {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": detailType,
    source: ALARM_EVENT_SOURCE,
    account: LOCAL_ACCOUNT,
    // EventBridge writes whole seconds.
    time: `${detail.state.timestamp.slice(0, 19)}Z`,
    region: LOCAL_REGION,
    resources: [],
    detail,
  };
}

export interface WebhookSenderOptions {
  readonly urls: readonly string[];
  /** Attempts per event and URL (default 4: after 0.5, 1 and 2 s). */
  readonly attempts?: number;
  readonly firstDelayMs?: number;
  readonly timeoutMs?: number;
  /** An event that could not be delivered after every attempt. */
  onFailure(failure: {
    readonly url: string;
    readonly envelope: EventEnvelope;
    readonly reason: string;
  }): void;
}

/**
 * POSTs events to `--webhook` URLs as an API destination would, each URL on its own: a slow or
 * failing receiver holds up neither the others nor the alarm engine. A 2xx is delivered; a 4xx other
 * than 408/429 is refused for good; anything else is tried again with doubling pauses.
 */
export class WebhookSender {
  readonly #options: WebhookSenderOptions;
  readonly #pending = new Set<Promise<void>>();
  #closed = false;

  constructor(options: WebhookSenderOptions) {
    this.#options = options;
  }

  send(envelope: EventEnvelope): void {
    if (this.#closed) return;
    for (const url of this.#options.urls) {
      const delivery = this.#deliver(url, envelope).finally(() => this.#pending.delete(delivery));
      this.#pending.add(delivery);
    }
  }

  /** Resolves once every delivery started so far has succeeded or failed. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** No new deliveries; waits for the current ones. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.idle();
  }

  async #deliver(url: string, envelope: EventEnvelope): Promise<void> {
    const attempts = Math.max(1, this.#options.attempts ?? 4);
    let delay = this.#options.firstDelayMs ?? 500;
    let reason = "not sent";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay *= 2;
      }
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(envelope),
          signal: AbortSignal.timeout(this.#options.timeoutMs ?? 5_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        reason = `HTTP ${response.status}`;
        if (response.status < 500 && response.status !== 408 && response.status !== 429) break;
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        reason = cause?.code ?? (error as Error).message;
      }
    }
    this.#options.onFailure({ url, envelope, reason });
  }
}
