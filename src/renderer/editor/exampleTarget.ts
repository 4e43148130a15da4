/**
 * The example's true target, when the example is a row of the data: the Output node shows what the data holds for
 * it (never a made-up number). An example typed by hand that is no row of the data has no target.
 */
import { featureColumn, loadDataset, type LoadResult } from '../../core/data';
import type { DataReference, NetworkDocument } from '../../core/document';
import { exampleRow } from './trace';

const built = new WeakMap<DataReference, LoadResult>();

function dataOf(ref: DataReference): LoadResult {
  let made = built.get(ref);
  if (!made) {
    made = loadDataset(ref);
    built.set(ref, made);
  }
  return made;
}

export interface ExampleTarget {
  split: 'train' | 'test';
  /** 0-based row of that split. */
  row: number;
  /** The target as the data holds it, one value per target column (regression: in the data's own units). */
  values: number[];
  names: string[];
  /** Classification: the class the row belongs to ("setosa", "1"). */
  label?: string;
}

/** The split and row of the data whose features are exactly the example's, with its target; null when none is. */
export function exampleTarget(doc: NetworkDocument, stored: Readonly<Record<string, number>>): ExampleTarget | null {
  if (doc.data.kind === 'none') return null;
  const made = dataOf(doc.data);
  if (!made.ok) return null;
  const ds = made.dataset;
  const example = exampleRow(doc, stored);
  const want = new Array<number | undefined>(ds.featureNames.length).fill(undefined);
  for (const [name, value] of example) {
    const col = featureColumn(ds.featureNames, name);
    if (col >= 0) want[col] = value;
  }
  if (want.some((v) => v === undefined)) return null;
  const f = ds.featureNames.length;
  const t = ds.targetNames.length;
  for (const split of ['train', 'test'] as const) {
    const { n, x, y } = ds[split];
    rows: for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) if (x[i * f + j] !== Math.fround(want[j]!)) continue rows;
      const raw = Array.from(y.subarray(i * t, (i + 1) * t));
      const values = ds.targetScale ? raw.map((v, k) => v * ds.targetScale!.std[k]! + ds.targetScale!.mean[k]!) : raw;
      const target: ExampleTarget = { split, row: i, values, names: [...ds.targetNames] };
      if (ds.task === 'binary') target.label = raw[0]! >= 0.5 ? '1' : '0';
      if (ds.task === 'multiclass') target.label = ds.targetNames[raw.indexOf(Math.max(...raw))];
      return target;
    }
  }
  return null;
}

/** Row `row` (0-based) of the training split as example values keyed by the names the Inputs read; null if out of range. */
export function exampleFromRow(doc: NetworkDocument, row: number): Record<string, number> | null {
  if (doc.data.kind === 'none') return null;
  const made = dataOf(doc.data);
  if (!made.ok) return null;
  const ds = made.dataset;
  if (!Number.isInteger(row) || row < 0 || row >= ds.train.n) return null;
  const f = ds.featureNames.length;
  const values: Record<string, number> = {};
  for (const node of doc.nodes) {
    if (node.type !== 'input') continue;
    for (const name of node.features) {
      const col = featureColumn(ds.featureNames, name);
      if (col >= 0) values[name] = ds.train.x[row * f + col]!;
    }
  }
  return values;
}

/** Rows in the training split (0 without data). */
export function trainRows(doc: NetworkDocument): number {
  if (doc.data.kind === 'none') return 0;
  const made = dataOf(doc.data);
  return made.ok ? made.dataset.train.n : 0;
}
