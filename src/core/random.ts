/**
 * A small, fast, seedable random source. Same seed, same sequence, on every runtime:
 * every random number in the core (initialisers, shuffling, dropout, data sets) comes from here.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Standard normal (Box–Muller), scaled: mean + std·N(0,1). */
  normal(mean?: number, std?: number): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** Shuffle an array (or typed array) in place (Fisher–Yates). */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T;
  /** The internal state, to save and restore a sequence exactly. */
  state(): number;
}

/** mulberry32: 32 bits of state, passes the usual statistical batteries well enough for ML work. */
export function createRng(seed: number, state?: number): Rng {
  let s = (state ?? hashSeed(seed)) >>> 0;
  let spareNormal: number | undefined;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal(mean = 0, std = 1) {
      if (spareNormal !== undefined) {
        const z = spareNormal;
        spareNormal = undefined;
        return mean + std * z;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return mean + std * r * Math.cos(2 * Math.PI * v);
    },
    int: (n) => Math.floor(next() * n),
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
      }
      return items;
    },
    state: () => s,
  };
  return rng;
}

/** Spread a user's seed (often 0, 1, 2…) over the 32-bit state space. */
function hashSeed(seed: number): number {
  let h = Math.floor(seed) ^ 0x9e3779b9;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
