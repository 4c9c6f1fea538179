import type { LiveEvent, LiveEventSink } from "../shared/contracts/liveEvents.ts";

export type LiveEventListener = (event: LiveEvent) => void;

/** Fans live events out to every subscriber (SSE connections, the console); a failing listener is dropped. */
export class LiveEventHub implements LiveEventSink {
  readonly #listeners = new Set<LiveEventListener>();

  publish(event: LiveEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        this.#listeners.delete(listener);
      }
    }
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: LiveEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get subscribers(): number {
    return this.#listeners.size;
  }
}
