import type { Silence } from "../../shared/domain/silences/silence.ts";
import type { Clock } from "../../shared/ports/clock.ts";
import type { SilenceStore } from "../../shared/ports/silenceStore.ts";

/** How long a container trusts the silences it read: a new maintenance window applies within this. */
export const SILENCES_CACHE_MS = 15_000;

/**
 * The silences, read at most once per `ttlMs` per container (concurrent reads share one request).
 * A failed read is not cached: the next call tries again.
 */
export class CachedSilences {
  readonly #store: Pick<SilenceStore, "list">;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  #cached: { readonly expires: number; readonly silences: Promise<readonly Silence[]> } | undefined;

  constructor(store: Pick<SilenceStore, "list">, clock: Clock, ttlMs = SILENCES_CACHE_MS) {
    this.#store = store;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  list(): Promise<readonly Silence[]> {
    const now = this.#clock.now();
    if (this.#cached && this.#cached.expires > now) return this.#cached.silences;
    const entry = { expires: now + this.#ttlMs, silences: this.#store.list() };
    this.#cached = entry;
    entry.silences.catch(() => {
      if (this.#cached === entry) this.#cached = undefined;
    });
    return entry.silences;
  }
}
