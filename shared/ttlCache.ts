import type { Clock } from "./ports/clock.ts";

export interface TtlCacheOptions {
  /** How long a loaded value is served before the next call loads it again. */
  readonly ttlMs: number;
  readonly clock: Clock;
  /** Keys kept at most, the oldest load evicted first; a larger working set only costs extra loads. */
  readonly maxEntries?: number;
}

/**
 * Values loaded on demand and served for `ttlMs` per key. The promise is kept, so concurrent callers
 * of one key share one load; a failed load is dropped at once, so the next call tries again instead
 * of serving the failure until it expires. Whatever a load resolves to is kept, `undefined` too
 * (an absence is an answer worth caching).
 */
export class TtlCache<K, V> {
  readonly #options: TtlCacheOptions;
  readonly #entries = new Map<K, { readonly expires: number; readonly value: Promise<V> }>();

  constructor(options: TtlCacheOptions) {
    this.#options = options;
  }

  get(key: K, load: () => Promise<V>): Promise<V> {
    const now = this.#options.clock.now();
    const cached = this.#entries.get(key);
    if (cached && cached.expires > now) return cached.value;
    const entry = { expires: now + this.#options.ttlMs, value: load() };
    // Re-inserted, so that a Map's insertion order is the order of loads: the first key is the oldest.
    this.#entries.delete(key);
    if (this.#entries.size >= (this.#options.maxEntries ?? Number.POSITIVE_INFINITY)) {
      this.#entries.delete(this.#entries.keys().next().value as K);
    }
    this.#entries.set(key, entry);
    entry.value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return entry.value;
  }

  /** Forgets every value, so that each key is loaded again on its next call. */
  clear(): void {
    this.#entries.clear();
  }

  /** Forgets the key's value (it changed here), so the next call loads it again. */
  delete(key: K): void {
    this.#entries.delete(key);
  }
}
