/**
 * Engineered input features over the 2-D plane, as in TensorFlow Playground: a network may see x², x·y or sin x
 * instead of (or besides) the raw coordinates. The same map turns heatmap grid points into network inputs, so a
 * heatmap is drawn exactly the way the data set was built.
 */

/** Half-width of the input plane: generated points lie roughly in [−PLANE_EXTENT, PLANE_EXTENT]². */
export const PLANE_EXTENT = 6;

/** Feature ids saved in files (`DataReference.features`). These strings are the file format: never rename one. */
export const PLANE_FEATURES = ['x', 'y', 'x2', 'y2', 'xy', 'sinx', 'siny'] as const;
export type PlaneFeature = (typeof PLANE_FEATURES)[number];

/** The raw coordinates: what a 2-D set uses when the reference names no features. */
export const DEFAULT_PLANE_FEATURES: readonly PlaneFeature[] = ['x', 'y'];

interface FeatureDef {
  /** For display: "x²". */
  label: string;
  f: (x: number, y: number) => number;
}

const FEATURES: Record<PlaneFeature, FeatureDef> = {
  x: { label: 'x', f: (x) => x },
  y: { label: 'y', f: (_x, y) => y },
  x2: { label: 'x²', f: (x) => x * x },
  y2: { label: 'y²', f: (_x, y) => y * y },
  xy: { label: 'x·y', f: (x, y) => x * y },
  sinx: { label: 'sin x', f: (x) => Math.sin(x) },
  siny: { label: 'sin y', f: (_x, y) => Math.sin(y) },
};

export function isPlaneFeature(name: string): name is PlaneFeature {
  return Object.prototype.hasOwnProperty.call(FEATURES, name);
}

/** Display label of a feature id ("x2" → "x²"); any other name is returned as it is. */
export function featureLabel(name: string): string {
  return isPlaneFeature(name) ? FEATURES[name].label : name;
}

/** Why a list of plane features is unusable, or undefined if it is fine. */
export function checkPlaneFeatures(names: readonly string[]): string | undefined {
  if (names.length === 0) return 'Choose at least one input feature.';
  const seen = new Set<string>();
  for (const name of names) {
    if (!isPlaneFeature(name)) {
      return `Unknown input feature "${name}"; the 2-D sets offer ${PLANE_FEATURES.join(', ')}.`;
    }
    if (seen.has(name)) return `Input feature "${name}" is listed twice.`;
    seen.add(name);
  }
  return undefined;
}

/** Writes the features of one plane point into `out` starting at `offset`, in the order they were named. */
export type FeatureMapper = (x: number, y: number, out: Float32Array | Float64Array, offset: number) => void;

/**
 * The mapper for these feature ids. Throws a RangeError naming the bad id (use `checkPlaneFeatures` first where the
 * names come from a user or a file).
 */
export function featureMap(names: readonly string[]): FeatureMapper {
  const problem = checkPlaneFeatures(names);
  if (problem) throw new RangeError(problem);
  const fs = names.map((name) => FEATURES[name as PlaneFeature].f);
  const k = fs.length;
  return (x, y, out, offset) => {
    for (let i = 0; i < k; i++) out[offset + i] = fs[i](x, y);
  };
}

/**
 * Network inputs for a size × size heatmap over [−extent, extent]²: row-major, image order (row 0 at the top,
 * y = +extent; column 0 on the left, x = −extent), each cell sampled at its centre, features as `featureMap` writes them.
 */
export function planeGridInputs(names: readonly string[], size: number, extent = PLANE_EXTENT): Float32Array {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`A heatmap grid needs a whole number of cells per side; got ${size}.`);
  const map = featureMap(names);
  const f = names.length;
  const out = new Float32Array(size * size * f);
  const step = (2 * extent) / size;
  for (let row = 0; row < size; row++) {
    const y = extent - (row + 0.5) * step;
    for (let col = 0; col < size; col++) map(-extent + (col + 0.5) * step, y, out, (row * size + col) * f);
  }
  return out;
}

/**
 * The plane feature a name typed by a person means: the id itself ("x2"), its label ("x²", "x·y", "sin x") or a
 * common spelling ("x^2", "x*y", "sin(x)"); undefined when it names none.
 */
export function planeFeatureId(name: string): PlaneFeature | undefined {
  const s = name.trim().toLowerCase().replace(/\s+/g, '').replace(/[()]/g, '')
    .replace(/²|\^2|\*\*2/g, '2').replace(/[·*×⋅]/g, '');
  const id = s === 'yx' ? 'xy' : s;
  return isPlaneFeature(id) ? id : undefined;
}

/**
 * The column of `name` among a data set's feature names: the exact name, else (for the 2-D sets' engineered
 * features) the plane feature it spells, so "x²" typed by hand reads the x² column. −1 when the data has neither.
 */
export function featureColumn(available: readonly string[], name: string): number {
  const exact = available.indexOf(name);
  if (exact >= 0) return exact;
  const id = planeFeatureId(name);
  return id === undefined ? -1 : available.indexOf(id);
}
