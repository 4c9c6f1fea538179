export interface WebhookSenderOptions {
  /** Attempts per body and URL (default 4: after 0.5, 1 and 2 s). */
  readonly attempts?: number;
  readonly firstDelayMs?: number;
  readonly timeoutMs?: number;
}

/** Why a body was not delivered after every attempt: `HTTP 500`, `ECONNREFUSED`, ... */
export type DeliveryFailure = (reason: string) => void;

/**
 * POSTs JSON bodies to webhook URLs as an API destination would, each delivery on its own: a slow or
 * failing receiver holds up neither the others nor the alarm engine. A 2xx is delivered; a 4xx other
 * than 408/429 is refused for good; anything else is tried again with doubling pauses.
 */
export class WebhookSender {
  readonly #options: WebhookSenderOptions;
  readonly #pending = new Set<Promise<void>>();
  #closed = false;

  constructor(options: WebhookSenderOptions = {}) {
    this.#options = options;
  }

  /** Starts delivering `body` to `url`; `onFailure` hears of it only if every attempt failed. */
  post(url: string, body: unknown, onFailure: DeliveryFailure): void {
    if (this.#closed) return;
    const delivery = this.#deliver(url, JSON.stringify(body), onFailure).finally(() =>
      this.#pending.delete(delivery),
    );
    this.#pending.add(delivery);
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

  async #deliver(url: string, body: string, onFailure: DeliveryFailure): Promise<void> {
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
          body,
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
    onFailure(reason);
  }
}
