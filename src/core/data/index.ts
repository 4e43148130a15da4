/**
 * The data sets of Netwright: what a file's `DataReference` names, turned into a Dataset.
 * `loadDataset` never throws: bad references and bad CSV come back as a message.
 */
import type { BuiltinDatasetName, DataReference } from '../document';
import { columnStats } from './build';
import { datasetFromCsv, type CsvError } from './csv';
import { DEFAULT_PLANE_FEATURES, PLANE_FEATURES } from './features';
import { DEFAULT_SAMPLES, PLANE_SETS, isPlaneSetName, makePlaneSet } from './synthetic';
import { CARS_FEATURES, IRIS_FEATURES, makeCars, makeIris } from './tabular';
import { DIGIT_CLASSES, DIGIT_FEATURES, DIGIT_SHAPE, DIGITS_DEFAULT_TRAIN_RATIO, digitsIfLoaded, loadDigits, makeDigits } from './digits';
import type { DataSplit, Dataset, Task } from './types';

export type { DataSplit, Dataset, Task } from './types';
export {
  DEFAULT_PLANE_FEATURES, PLANE_EXTENT, PLANE_FEATURES, checkPlaneFeatures, featureColumn, featureLabel, featureMap, isPlaneFeature,
  planeFeatureId, planeGridInputs,
} from './features';
export type { FeatureMapper, PlaneFeature } from './features';
export { DEFAULT_SAMPLES, MAX_SAMPLES, MIN_SAMPLES, PLANE_SET_NAMES, makePlaneSet } from './synthetic';
export type { PlaneSet, PlaneSetName, PlaneSetOptions, PlaneSetResult } from './synthetic';
export { CARS_FEATURES, CARS_TARGET, IRIS_CLASSES, IRIS_FEATURES, makeCars, makeIris } from './tabular';
export { DIGIT_CLASSES, DIGIT_FEATURES, DIGIT_PIXELS, DIGIT_SHAPE, DIGIT_SIDE, decodeDigits, digitsIfLoaded, loadDigits, makeDigits } from './digits';
export type { Digits } from './digits';
export { MAX_CSV_ROWS, datasetFromCsv, inspectCsv } from './csv';
export type { ColumnKind, ColumnRole, CsvColumn, CsvError, CsvInspection, CsvOptions, CsvResult } from './csv';

export interface BuiltinDatasetInfo {
  id: BuiltinDatasetName;
  title: string;
  task: Task;
  /** 'plane': generated 2-D points (samples, noise, engineered features apply); 'tabular': a fixed table;
   *  'image': a fixed set of images (features are pixels; `imageShape` says how an Input reads them). */
  kind: 'plane' | 'tabular' | 'image';
  /** 'image' sets: the shape of one example, [height, width, channels]. */
  imageShape?: readonly number[];
  /** Generated sets: the number of points when the reference gives none. */
  defaultSamples?: number;
  defaultTrainRatio: number;
  /** The features a reference may choose from (`DataReference.features`), in display order. */
  features: readonly string[];
  /** The features used when the reference names none. */
  defaultFeatures: readonly string[];
  /** Target column names (binary/regression) or class names (multiclass). */
  targets: readonly string[];
  description: string;
}

const PLANE_DESCRIPTIONS: Record<string, string> = {
  circle: 'A disc of one class inside a ring of the other.',
  xor: 'Label 1 where x and y have the same sign.',
  gaussians: 'Two Gaussian blobs, one per class.',
  spiral: 'Two interleaved spiral arms: needs depth or engineered features.',
  moons: 'Two interlocking half-moons.',
  plane: 'value = (x + y) / 12: a tilted plane.',
  sine: 'value = sin x: waves along x.',
};

/** Every built-in set, in palette order, for the UI. */
export const BUILTIN_DATASETS: readonly BuiltinDatasetInfo[] = [
  ...(['circle', 'xor', 'gaussians', 'spiral', 'moons', 'plane', 'sine'] as const).map(
    (id): BuiltinDatasetInfo => ({
      id,
      title: PLANE_SETS[id].title,
      task: PLANE_SETS[id].task,
      kind: 'plane',
      defaultSamples: DEFAULT_SAMPLES,
      defaultTrainRatio: 0.5,
      features: PLANE_FEATURES,
      defaultFeatures: DEFAULT_PLANE_FEATURES,
      targets: [PLANE_SETS[id].task === 'binary' ? 'label' : 'value'],
      description: PLANE_DESCRIPTIONS[id],
    }),
  ),
  {
    id: 'iris',
    title: 'Iris',
    task: 'multiclass',
    kind: 'tabular',
    defaultTrainRatio: 0.7,
    features: IRIS_FEATURES,
    defaultFeatures: IRIS_FEATURES,
    targets: ['setosa', 'versicolor', 'virginica'],
    description: '150 iris flowers: four measurements → three species.',
  },
  {
    id: 'cars',
    title: 'Cars',
    task: 'regression',
    kind: 'tabular',
    defaultTrainRatio: 0.7,
    features: CARS_FEATURES,
    defaultFeatures: CARS_FEATURES,
    targets: ['Miles_per_Gallon'],
    description: 'Cars of 1970–1982: fuel economy (miles per gallon) from engine and weight.',
  },
  {
    id: 'digits',
    title: 'Digits (MNIST)',
    task: 'multiclass',
    kind: 'image',
    imageShape: DIGIT_SHAPE,
    defaultTrainRatio: DIGITS_DEFAULT_TRAIN_RATIO,
    features: DIGIT_FEATURES,
    defaultFeatures: DIGIT_FEATURES,
    targets: DIGIT_CLASSES,
    description: '10,000 real handwritten digits, 28×28 pixels → which digit, 0–9.',
  },
];

/**
 * Load what a reference needs before `loadDataset` can build it synchronously (the digits asset, imported on
 * demand); resolves at once for everything else. Never rejects: a failure shows up as loadDataset's message.
 */
export async function prepareDataset(ref: DataReference | undefined): Promise<void> {
  if (ref?.kind === 'builtin' && ref.name === 'digits') await loadDigits().catch(() => undefined);
}

export type LoadResult =
  | {
      ok: true;
      dataset: Dataset;
      /** Things the user should know: rows dropped, class mapping, scaling. */
      notes: string[];
      /** Generated 2-D sets: the (x, y) of each example (n × 2, split order), for scatter plots and heatmaps. */
      plane?: { train: Float32Array; test: Float32Array };
    }
  | { ok: false; message: string; errors?: CsvError[] };

function describeCsvError(e: CsvError): string {
  if (e.row !== undefined && e.message.startsWith(`Row ${e.row}`)) return e.message;
  const where = [e.row !== undefined ? `row ${e.row}` : '', e.column !== undefined ? `column "${e.column}"` : ''].filter(Boolean).join(', ');
  return where ? `${where}: ${e.message}` : e.message;
}

/** Build the data set a document refers to. Never throws. */
export function loadDataset(ref: DataReference): LoadResult {
  if (!ref || typeof ref !== 'object') return { ok: false, message: 'No data reference.' };
  switch (ref.kind) {
    case 'none':
      return { ok: false, message: 'No data set chosen.' };
    case 'builtin': {
      const opts = { trainRatio: ref.trainRatio, seed: ref.seed, features: ref.features };
      if (isPlaneSetName(ref.name)) {
        const made = makePlaneSet(ref.name, { ...opts, noise: ref.noise, samples: ref.samples });
        if (!made.ok) return made;
        return { ok: true, dataset: made.dataset, notes: [], plane: made.plane };
      }
      if (ref.name === 'iris' || ref.name === 'cars') {
        const made = ref.name === 'iris' ? makeIris(opts) : makeCars(opts);
        if (!made.ok) return made;
        const notes = [...made.notes];
        if (ref.noise) notes.push('Noise applies only to the generated 2-D sets; ignored here.');
        return { ok: true, dataset: made.dataset, notes };
      }
      if (ref.name === 'digits') {
        const digits = digitsIfLoaded();
        if (!digits) return { ok: false, message: 'The digits are still loading; try again in a moment.' };
        const made = makeDigits(digits, { trainRatio: ref.trainRatio, seed: ref.seed });
        if (!made.ok) return made;
        const notes = [...made.notes];
        if (ref.noise) notes.push('Noise applies only to the generated 2-D sets; ignored here.');
        if (ref.features !== undefined) notes.push('The digits always use all 784 pixels; the feature choice is ignored.');
        return { ok: true, dataset: made.dataset, notes };
      }
      return { ok: false, message: `Unknown built-in data set "${String(ref.name)}".` };
    }
    case 'csv': {
      const made = datasetFromCsv(ref.text, {
        roles: ref.roles,
        standardize: ref.standardize,
        trainRatio: ref.trainRatio,
        seed: ref.seed,
        fileName: ref.fileName,
      });
      if (made.ok) return { ok: true, dataset: made.dataset, notes: made.notes };
      const [first, ...rest] = made.errors;
      const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : '';
      return { ok: false, message: `${ref.fileName}: ${describeCsvError(first)}${more}`, errors: made.errors };
    }
    default:
      return { ok: false, message: `Unknown kind of data reference ${JSON.stringify((ref as { kind?: unknown }).kind)}.` };
  }
}

export interface SplitSummary {
  n: number;
  /** Binary and multiclass: examples per class, in the order of `classes`. */
  classCounts?: number[];
  featureMean: number[];
  featureStd: number[];
  /** Regression: per target column. */
  targetMean?: number[];
  targetStd?: number[];
}

export interface DatasetSummary {
  /** Class names: multiclass → targetNames; binary → ['0', '1']. */
  classes?: string[];
  train: SplitSummary;
  test: SplitSummary;
}

function summarizeSplit(ds: Dataset, split: DataSplit): SplitSummary {
  const f = ds.featureNames.length;
  const t = ds.targetNames.length;
  const all = Int32Array.from({ length: split.n }, (_, i) => i);
  const fx = columnStats(Float64Array.from(split.x), f, all);
  const out: SplitSummary = { n: split.n, featureMean: fx.mean, featureStd: fx.std };
  if (ds.task === 'regression') {
    const ty = columnStats(Float64Array.from(split.y), t, all);
    out.targetMean = ty.mean;
    out.targetStd = ty.std;
  } else if (ds.task === 'binary') {
    const counts = [0, 0];
    for (let i = 0; i < split.n; i++) counts[split.y[i * t] >= 0.5 ? 1 : 0]++;
    out.classCounts = counts;
  } else {
    const counts = new Array<number>(t).fill(0);
    for (let i = 0; i < split.n; i++) {
      let best = 0;
      for (let k = 1; k < t; k++) if (split.y[i * t + k] > split.y[i * t + best]) best = k;
      counts[best]++;
    }
    out.classCounts = counts;
  }
  return out;
}

/** Counts per class and feature means/stds of each split (as stored, i.e. after any standardisation). */
export function datasetSummary(ds: Dataset): DatasetSummary {
  const summary: DatasetSummary = { train: summarizeSplit(ds, ds.train), test: summarizeSplit(ds, ds.test) };
  if (ds.task === 'binary') summary.classes = ['0', '1'];
  if (ds.task === 'multiclass') summary.classes = [...ds.targetNames];
  return summary;
}
