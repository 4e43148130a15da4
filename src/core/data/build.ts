/**
 * From a table of numbers to a Dataset: split into train and test (stratified by class for classification, shuffled
 * for regression, always by seed), standardise with TRAIN statistics, and check that nothing became NaN or ∞.
 * Every producer (2-D sets, Iris, Cars, CSV) goes through here, so they all split and scale the same way.
 */
import { createRng } from '../random';
import type { DataSplit, Dataset, Task } from './types';

/** A full table before splitting: row-major, float64 so that statistics are computed before rounding to float32. */
export interface Table {
  n: number;
  featureNames: string[];
  targetNames: string[];
  task: Task;
  /** n × featureNames.length */
  x: Float64Array;
  /** n × targetNames.length */
  y: Float64Array;
  /** Class index of each row (binary and multiclass): the split keeps class proportions. */
  classOf?: Int32Array;
  /** How to name row i in an error ("row 12"); default "example i+1". */
  rowLabel?: (i: number) => string;
}

export interface BuildOptions {
  name: string;
  /** Fraction of rows for training, in (0, 1]. */
  trainRatio: number;
  seed: number;
  standardizeFeatures: boolean;
  /** Regression only: standardise the targets too and record `targetScale`. */
  standardizeTarget: boolean;
}

export interface Built {
  dataset: Dataset;
  /** Table row indices in the order of the train and test splits. */
  order: { train: Int32Array; test: Int32Array };
  /** Feature columns that were constant in the training rows (left unscaled: std taken as 1). */
  constantFeatures: string[];
}

export type BuildResult = ({ ok: true } & Built) | { ok: false; message: string };

/** Float32's largest finite value: anything bigger becomes ∞ in a Float32Array. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Why a train ratio or seed is unusable, or undefined. */
export function checkSplitOptions(trainRatio: unknown, seed: unknown): string | undefined {
  if (typeof trainRatio !== 'number' || !Number.isFinite(trainRatio) || trainRatio <= 0 || trainRatio > 1) {
    return `The train ratio must be a number in (0, 1]; got ${String(trainRatio)}.`;
  }
  if (typeof seed !== 'number' || !Number.isFinite(seed)) return `The seed must be a finite number; got ${String(seed)}.`;
  return undefined;
}

/** A random stream for splitting, independent of the one that generated the points (so the ratio never moves them). */
export function splitRng(seed: number) {
  return createRng(Math.floor(seed) + 0x51_17);
}

/**
 * Train and test row indices. Each class (or the whole table, without classes) contributes round(count·ratio)
 * rows to training, at least one row overall; both lists are then shuffled.
 */
export function splitIndices(n: number, trainRatio: number, seed: number, classOf?: Int32Array): { train: Int32Array; test: Int32Array } {
  const rng = splitRng(seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = classOf ? classOf[i] : 0;
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(i);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const c of [...groups.keys()].sort((a, b) => a - b)) {
    const g = rng.shuffle(groups.get(c) as number[]);
    const k = Math.round(g.length * trainRatio);
    for (let i = 0; i < g.length; i++) (i < k ? train : test).push(g[i]);
  }
  if (train.length === 0 && test.length > 0) train.push(test.pop() as number);
  return { train: rng.shuffle(Int32Array.from(train)), test: rng.shuffle(Int32Array.from(test)) };
}

/** Mean and (population) standard deviation of each column over the given rows. A constant column gets std 0. */
export function columnStats(values: Float64Array, width: number, rows: ArrayLike<number>): { mean: number[]; std: number[] } {
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  const m = rows.length;
  if (m === 0) return { mean, std };
  for (let r = 0; r < m; r++) {
    const base = rows[r] * width;
    for (let j = 0; j < width; j++) mean[j] += values[base + j];
  }
  for (let j = 0; j < width; j++) mean[j] /= m;
  // Sum squares of deviations divided by the largest one, so tiny (1e-170) or huge (1e170) values neither underflow
  // nor overflow: std = big · √(Σ (d / big)² / m).
  const big = new Array<number>(width).fill(0);
  for (let r = 0; r < m; r++) {
    const base = rows[r] * width;
    for (let j = 0; j < width; j++) big[j] = Math.max(big[j], Math.abs(values[base + j] - mean[j]));
  }
  for (let r = 0; r < m; r++) {
    const base = rows[r] * width;
    for (let j = 0; j < width; j++) {
      if (big[j] === 0) continue;
      const d = (values[base + j] - mean[j]) / big[j];
      std[j] += d * d;
    }
  }
  for (let j = 0; j < width; j++) std[j] = big[j] * Math.sqrt(std[j] / m);
  return { mean, std };
}

/** A std this small relative to the mean is rounding noise on a constant column. */
function isConstant(mean: number, std: number): boolean {
  return !(std > 64 * Number.EPSILON * Math.abs(mean));
}

function gather(
  values: Float64Array, width: number, rows: Int32Array, shift: number[] | undefined, scale: number[] | undefined,
): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const src = rows[r] * width;
    const dst = r * width;
    for (let j = 0; j < width; j++) {
      const v = values[src + j];
      out[dst + j] = shift && scale ? (v - shift[j]) / scale[j] : v;
    }
  }
  return out;
}

/** The first non-finite value in a split, as a message naming the column and the row it came from. */
function findNonFinite(split: Float32Array, width: number, rows: Int32Array, names: string[], what: string, table: Table): string | undefined {
  for (let i = 0; i < split.length; i++) {
    if (!Number.isFinite(split[i])) {
      const row = rows[Math.floor(i / width)];
      const label = table.rowLabel ? table.rowLabel(row) : `example ${row + 1}`;
      return `${what} "${names[i % width]}" of ${label} is ${split[i]} after scaling; values must stay finite within 32-bit floats (|v| < 3.4e38).`;
    }
  }
  return undefined;
}

/** Split, scale and check a table. Never throws on bad numbers: a non-finite result is an error naming its row. */
export function buildDataset(table: Table, opts: BuildOptions): BuildResult {
  const problem = checkSplitOptions(opts.trainRatio, opts.seed);
  if (problem) return { ok: false, message: problem };
  if (table.n === 0) return { ok: false, message: 'The data set has no rows.' };
  const f = table.featureNames.length;
  const t = table.targetNames.length;
  const order = splitIndices(table.n, opts.trainRatio, opts.seed, table.classOf);

  let fShift: number[] | undefined;
  let fScale: number[] | undefined;
  const constantFeatures: string[] = [];
  if (opts.standardizeFeatures) {
    const s = columnStats(table.x, f, order.train);
    fShift = s.mean;
    fScale = s.std.map((std, j) => {
      if (isConstant(s.mean[j], std)) {
        constantFeatures.push(table.featureNames[j]);
        return 1;
      }
      return std;
    });
  }

  let targetScale: Dataset['targetScale'];
  let tShift: number[] | undefined;
  let tScale: number[] | undefined;
  if (opts.standardizeTarget && table.task === 'regression') {
    const s = columnStats(table.y, t, order.train);
    tShift = s.mean;
    tScale = s.std.map((std, j) => (isConstant(s.mean[j], std) ? 1 : std));
    targetScale = { mean: [...tShift], std: [...tScale] };
  }

  const split = (rows: Int32Array): DataSplit => ({
    n: rows.length,
    x: gather(table.x, f, rows, fShift, fScale),
    y: gather(table.y, t, rows, tShift, tScale),
  });
  const train = split(order.train);
  const test = split(order.test);
  const bad =
    findNonFinite(train.x, f, order.train, table.featureNames, 'Feature', table) ??
    findNonFinite(test.x, f, order.test, table.featureNames, 'Feature', table) ??
    findNonFinite(train.y, t, order.train, table.targetNames, 'Target', table) ??
    findNonFinite(test.y, t, order.test, table.targetNames, 'Target', table);
  if (bad) {
    const hint = opts.standardizeFeatures || opts.standardizeTarget
      ? ' Its column barely varies in the training rows, so scaling by their std blows this value up; turn standardisation off or check the values.'
      : '';
    return { ok: false, message: bad + hint };
  }

  const dataset: Dataset = {
    name: opts.name,
    task: table.task,
    featureNames: [...table.featureNames],
    targetNames: [...table.targetNames],
    train,
    test,
  };
  if (targetScale) dataset.targetScale = targetScale;
  return { ok: true, dataset, order, constantFeatures };
}
