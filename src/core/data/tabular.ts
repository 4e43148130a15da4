/**
 * Real tabular sets shipped offline, from the vega-datasets package:
 * - Iris: 150 flowers, 4 measurements → 3 species (multiclass, one-hot). Split stratified by species; features
 *   standardised with the training rows' statistics.
 * - Cars: predict Miles_per_Gallon (regression) from 5 numeric columns. Rows with a null in any used column are
 *   dropped (and counted in the notes); features and target standardised with training statistics (`targetScale`).
 */
import iris from 'vega-datasets/data/iris.json';
import cars from 'vega-datasets/data/cars.json';
import { buildDataset } from './build';
import type { Dataset } from './types';

export const IRIS_FEATURES = ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth'] as const;
export const IRIS_CLASSES = ['setosa', 'versicolor', 'virginica'] as const;
export const CARS_FEATURES = ['Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration'] as const;
export const CARS_TARGET = 'Miles_per_Gallon';

export interface TabularOptions {
  trainRatio?: number;
  seed?: number;
  /** A subset of the set's feature columns, in the order wanted; default all of them. */
  features?: readonly string[];
}

export type TabularResult = { ok: true; dataset: Dataset; notes: string[] } | { ok: false; message: string };

/** Which columns to use, or why the requested ones do not exist. */
function chooseFeatures(title: string, all: readonly string[], wanted: readonly string[] | undefined): string[] | string {
  if (wanted === undefined) return [...all];
  if (wanted.length === 0) return `${title}: choose at least one input feature.`;
  const seen = new Set<string>();
  for (const name of wanted) {
    if (!all.includes(name)) return `${title} has no feature "${name}"; its features are ${all.join(', ')}.`;
    if (seen.has(name)) return `${title}: feature "${name}" is listed twice.`;
    seen.add(name);
  }
  return [...wanted];
}

type Row = Record<string, unknown>;

/** A field as a finite number, or undefined when it is null, missing or not a number. */
function numberField(row: Row, key: string): number | undefined {
  const v = row[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function makeIris(opts: TabularOptions = {}): TabularResult {
  const features = chooseFeatures('Iris', IRIS_FEATURES, opts.features);
  if (typeof features === 'string') return { ok: false, message: features };
  const rows = iris as readonly Row[];
  const f = features.length;
  const k = IRIS_CLASSES.length;
  const x = new Float64Array(rows.length * f);
  const y = new Float64Array(rows.length * k);
  const classOf = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < f; j++) {
      const v = numberField(rows[i], features[j]);
      if (v === undefined) return { ok: false, message: `Iris row ${i + 1}: "${features[j]}" is not a number.` };
      x[i * f + j] = v;
    }
    const c = (IRIS_CLASSES as readonly unknown[]).indexOf(rows[i].species);
    if (c < 0) return { ok: false, message: `Iris row ${i + 1}: unknown species ${JSON.stringify(rows[i].species)}.` };
    classOf[i] = c;
    y[i * k + c] = 1;
  }
  const seed = opts.seed ?? 1;
  const built = buildDataset(
    { n: rows.length, featureNames: features, targetNames: [...IRIS_CLASSES], task: 'multiclass', x, y, classOf, rowLabel: (i) => `Iris row ${i + 1}` },
    { name: `Iris (seed ${seed})`, trainRatio: opts.trainRatio ?? 0.7, seed, standardizeFeatures: true, standardizeTarget: false },
  );
  if (!built.ok) return { ok: false, message: `Iris: ${built.message}` };
  return {
    ok: true,
    dataset: built.dataset,
    notes: [`${rows.length} flowers, ${k} species; features standardised with the ${built.dataset.train.n} training rows' mean and std.`],
  };
}

export function makeCars(opts: TabularOptions = {}): TabularResult {
  const features = chooseFeatures('Cars', CARS_FEATURES, opts.features);
  if (typeof features === 'string') return { ok: false, message: features };
  const rows = cars as readonly Row[];
  const used = [...features, CARS_TARGET];
  const kept: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (used.every((key) => numberField(rows[i], key) !== undefined)) kept.push(i);
  }
  const dropped = rows.length - kept.length;
  const f = features.length;
  const x = new Float64Array(kept.length * f);
  const y = new Float64Array(kept.length);
  kept.forEach((src, i) => {
    for (let j = 0; j < f; j++) x[i * f + j] = numberField(rows[src], features[j]) as number;
    y[i] = numberField(rows[src], CARS_TARGET) as number;
  });
  const seed = opts.seed ?? 1;
  const built = buildDataset(
    { n: kept.length, featureNames: features, targetNames: [CARS_TARGET], task: 'regression', x, y, rowLabel: (i) => `Cars row ${kept[i] + 1}` },
    { name: `Cars (seed ${seed})`, trainRatio: opts.trainRatio ?? 0.7, seed, standardizeFeatures: true, standardizeTarget: true },
  );
  if (!built.ok) return { ok: false, message: `Cars: ${built.message}` };
  return {
    ok: true,
    dataset: built.dataset,
    notes: [
      `${kept.length} of ${rows.length} cars used; ${dropped} dropped for a missing value in ${used.join(', ')}.`,
      `Features and ${CARS_TARGET} standardised with the ${built.dataset.train.n} training rows' mean and std (targetScale gives miles per gallon back).`,
    ],
  };
}
