/**
 * A seeded pseudo-random source for the simulator: mulberry32 (32-bit state, fast, well
 * distributed for simulation; not for cryptography). The same seed always gives the same
 * sequence, so a simulated fleet is reproducible from its `--seed`.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Standard normal (mean 0, standard deviation 1), by the Box-Muller transform. */
  normal(): number;
  /** True with probability `probability`. */
  chance(probability: number): boolean;
}

/** A 32-bit seed from any parts (FNV-1a over their text, then an avalanche step). */
export function seedFrom(...parts: readonly (string | number)[]): number {
  let hash = 0x811c9dc5;
  for (const char of parts.join("\u0000")) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}

/** mulberry32 by Tommy Ettinger: one 32-bit word of state, period 2^32. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    between: (min, max) => min + (max - min) * next(),
    normal: () => {
      // 1 - u keeps the logarithm finite; one draw per call keeps the stream simple to reason about.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    chance: (probability) => next() < probability,
  };
}
