import type { Silence } from "../../shared/domain/silences/silence.ts";
import type { Clock } from "../../shared/ports/clock.ts";
import type { SilenceStore } from "../../shared/ports/silenceStore.ts";
import { TtlCache } from "../../shared/ttlCache.ts";

/** How long a container trusts the silences it read: a new maintenance window applies within this. */
export const SILENCES_CACHE_MS = 15_000;

/**
 * The silences, read at most once per `ttlMs` per container (concurrent reads share one request).
 * A failed read is not cached: the next call tries again.
 */
export class CachedSilences {
  readonly #store: Pick<SilenceStore, "list">;
  readonly #cache: TtlCache<"silences", readonly Silence[]>;

  constructor(store: Pick<SilenceStore, "list">, clock: Clock, ttlMs = SILENCES_CACHE_MS) {
    this.#store = store;
    this.#cache = new TtlCache({ ttlMs, clock });
  }

  list(): Promise<readonly Silence[]> {
    return this.#cache.get("silences", () => this.#store.list());
  }
}
