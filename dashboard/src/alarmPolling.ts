import type { AlarmChanges, AlarmView } from "../../shared/contracts/operatorApi.ts";
import { ApiError } from "./api.ts";
import type { ConnectionStatus } from "./liveEvents.ts";

/**
 * How often to ask: every 2 s while the tab is shown keeps a change within 5 s of the operator's eyes
 * (2 s + the 1–2 s the poll and the writes take); a hidden tab asks every 30 s, enough to be nearly
 * current when it is shown again (it polls at once then).
 */
export const POLL_INTERVALS = { visibleMs: 2_000, hiddenMs: 30_000 } as const;

export interface AlarmPollingOptions {
  readonly api: { alarmChanges(since?: string): Promise<AlarmChanges> };
  /** Fresh views of the alarms that changed, merged as an SSE alarm event's reloaded view is. */
  readonly onViews: (views: readonly AlarmView[]) => void;
  /** The cursor was refused (older than the feed keeps, or garbled): read the whole alarm list again. */
  readonly reload: () => Promise<void>;
  readonly onStatus: (status: ConnectionStatus) => void;
  readonly isVisible: () => boolean;
  readonly intervals?: { readonly visibleMs: number; readonly hiddenMs: number };
  readonly timers?: {
    setTimeout(run: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
  };
}

/**
 * Live alarm changes where the page has no Server-Sent Events (behind API Gateway): polls
 * `GET /alarms/changes` with the cursor of the previous answer. The answers may repeat an alarm
 * (the route's cursor overlaps the last few seconds); its view is simply put again.
 */
export class AlarmPoller {
  readonly #options: AlarmPollingOptions;
  readonly #intervals: { readonly visibleMs: number; readonly hiddenMs: number };
  readonly #timers: NonNullable<AlarmPollingOptions["timers"]>;
  #cursor: string | undefined;
  #timer: unknown;
  #polling: Promise<void> | undefined;
  #stopped = false;
  #reloadDue = false;

  constructor(options: AlarmPollingOptions) {
    this.#options = options;
    this.#intervals = options.intervals ?? POLL_INTERVALS;
    this.#timers = options.timers ?? {
      setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
  }

  start(): void {
    this.#options.onStatus("connecting");
    this.#schedule(0);
  }

  stop(): void {
    this.#stopped = true;
    this.#timers.clearTimeout(this.#timer);
  }

  /** Call on `visibilitychange`: a tab shown again asks at once instead of at its hidden pace. */
  visibilityChanged(): void {
    if (this.#options.isVisible() && this.#polling === undefined) this.#schedule(0);
  }

  /** One poll (the test's handle on the loop); the next is scheduled when it ends. */
  async poll(): Promise<void> {
    this.#timers.clearTimeout(this.#timer);
    this.#polling ??= this.#pollOnce().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #pollOnce(): Promise<void> {
    let delay = this.#options.isVisible() ? this.#intervals.visibleMs : this.#intervals.hiddenMs;
    try {
      const answer = await this.#options.api.alarmChanges(this.#cursor);
      this.#cursor = answer.cursor;
      // The list is read after the new cursor is issued, so nothing changed in between is lost.
      if (this.#reloadDue) {
        this.#reloadDue = false;
        await this.#options.reload();
      }
      if (answer.items.length > 0) this.#options.onViews(answer.items);
      this.#options.onStatus("open");
      // More changes than one answer holds: fetch the rest now.
      if (answer.more) delay = 0;
    } catch (error) {
      if (error instanceof ApiError && error.code === "invalid_request" && this.#cursor !== undefined) {
        this.#cursor = undefined;
        this.#reloadDue = true;
        delay = 0;
      } else {
        this.#options.onStatus("reconnecting");
      }
    }
    this.#schedule(delay);
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = this.#timers.setTimeout(() => void this.poll(), delay);
  }
}
