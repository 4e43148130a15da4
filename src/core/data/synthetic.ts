/**
 * Generated 2-D data sets in the spirit of TensorFlow Playground: points (x, y) in roughly [−6, 6]², a binary target
 * "label" (0/1) for the classification sets and a target "value" for the regression sets. Deterministic: the same
 * name, size, noise and seed give the same bits on every runtime.
 *
 * Noise is in Playground's sense, 0 = clean; Playground's slider stops at 0.5, we accept up to 1:
 * - circle, xor: each point's label is decided at a jittered copy of it (jitter uniform in ±5·noise per axis), so
 *   labels near the boundary flip; the points themselves do not move.
 * - gaussians: each blob's variance grows from 0.5 (noise 0) through 4 (noise 0.5) to 7.5 (noise 1).
 * - spiral: each point moves by up to ±noise per axis (uniform).
 * - moons: each point moves by a Gaussian of std 2·noise per axis.
 * - plane, sine: the target gets Gaussian noise of std `noise` (targets themselves span about [−1, 1]).
 */
import { createRng, type Rng } from '../random';
import { buildDataset } from './build';
import { DEFAULT_PLANE_FEATURES, PLANE_EXTENT, checkPlaneFeatures, featureMap } from './features';
import type { Dataset } from './types';

export const PLANE_SET_NAMES = ['circle', 'xor', 'gaussians', 'spiral', 'moons', 'plane', 'sine'] as const;
export type PlaneSetName = (typeof PLANE_SET_NAMES)[number];

export const DEFAULT_SAMPLES = 500;
export const MIN_SAMPLES = 2;
export const MAX_SAMPLES = 100_000;

/** Raw generated points: xy is n × 2, target has one value per point. */
export interface PlanePoints {
  n: number;
  xy: Float64Array;
  target: Float64Array;
}

interface PlaneSetDef {
  title: string;
  task: 'binary' | 'regression';
  generate(n: number, noise: number, rng: Rng): PlanePoints;
}

function points(n: number, at: (i: number, out: [number, number, number]) => void): PlanePoints {
  const xy = new Float64Array(n * 2);
  const target = new Float64Array(n);
  const p: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    at(i, p);
    xy[2 * i] = p[0];
    xy[2 * i + 1] = p[1];
    target[i] = p[2];
  }
  return { n, xy, target };
}

const CIRCLE_RADIUS = 5;
const XOR_PADDING = 0.3;
const SPIRAL_TURNS = 1.75;

export const PLANE_SETS: Record<PlaneSetName, PlaneSetDef> = {
  circle: {
    title: 'Circle',
    task: 'binary',
    // The first half of the points fill the inner disc (label 1), the rest a ring around it (label 0).
    generate: (n, noise, rng) =>
      points(n, (i, p) => {
        const inner = i < Math.floor(n / 2);
        const r = inner ? rng.uniform(0, 0.5 * CIRCLE_RADIUS) : rng.uniform(0.7 * CIRCLE_RADIUS, CIRCLE_RADIUS);
        const angle = rng.uniform(0, 2 * Math.PI);
        p[0] = r * Math.cos(angle);
        p[1] = r * Math.sin(angle);
        const jx = rng.uniform(-CIRCLE_RADIUS, CIRCLE_RADIUS) * noise;
        const jy = rng.uniform(-CIRCLE_RADIUS, CIRCLE_RADIUS) * noise;
        p[2] = Math.hypot(p[0] + jx, p[1] + jy) < 0.5 * CIRCLE_RADIUS ? 1 : 0;
      }),
  },
  xor: {
    title: 'XOR',
    task: 'binary',
    // Uniform over the four quadrants, kept a little off the axes; label 1 where x and y share a sign.
    generate: (n, noise, rng) =>
      points(n, (_i, p) => {
        const x = rng.uniform(-5, 5);
        const y = rng.uniform(-5, 5);
        p[0] = x + (x > 0 ? XOR_PADDING : -XOR_PADDING);
        p[1] = y + (y > 0 ? XOR_PADDING : -XOR_PADDING);
        const jx = rng.uniform(-5, 5) * noise;
        const jy = rng.uniform(-5, 5) * noise;
        p[2] = (p[0] + jx) * (p[1] + jy) >= 0 ? 1 : 0;
      }),
  },
  gaussians: {
    title: 'Two Gaussians',
    task: 'binary',
    // Label 1 around (2, 2), label 0 around (−2, −2).
    generate: (n, noise, rng) => {
      const std = Math.sqrt(0.5 + 7 * noise);
      return points(n, (i, p) => {
        const one = i < Math.floor(n / 2);
        const c = one ? 2 : -2;
        p[0] = rng.normal(c, std);
        p[1] = rng.normal(c, std);
        p[2] = one ? 1 : 0;
      });
    },
  },
  spiral: {
    title: 'Spiral',
    task: 'binary',
    // Two arms of 1.75 turns from the centre out to radius 5, the second rotated by π.
    generate: (n, noise, rng) => {
      const half = Math.floor(n / 2);
      return points(n, (i, p) => {
        const one = i < half;
        const k = one ? i : i - half;
        const m = one ? half : n - half;
        const s = k / m;
        const r = 5 * s;
        const t = SPIRAL_TURNS * 2 * Math.PI * s + (one ? 0 : Math.PI);
        p[0] = r * Math.sin(t) + rng.uniform(-1, 1) * noise;
        p[1] = r * Math.cos(t) + rng.uniform(-1, 1) * noise;
        p[2] = one ? 1 : 0;
      });
    },
  },
  moons: {
    title: 'Two moons',
    task: 'binary',
    // Unit half-circles: label 1 on (cos t, sin t), label 0 on (1 − cos t, ½ − sin t); centred and scaled ×3.
    generate: (n, noise, rng) =>
      points(n, (i, p) => {
        const one = i < Math.floor(n / 2);
        const t = rng.uniform(0, Math.PI);
        const u = one ? Math.cos(t) : 1 - Math.cos(t);
        const v = one ? Math.sin(t) : 0.5 - Math.sin(t);
        p[0] = 3 * (u - 0.5) + rng.normal(0, 2 * noise);
        p[1] = 3 * (v - 0.25) + rng.normal(0, 2 * noise);
        p[2] = one ? 1 : 0;
      }),
  },
  plane: {
    title: 'Plane',
    task: 'regression',
    // value = (x + y) / 12: a tilted plane from −1 to 1 over the square.
    generate: (n, noise, rng) =>
      points(n, (_i, p) => {
        p[0] = rng.uniform(-PLANE_EXTENT, PLANE_EXTENT);
        p[1] = rng.uniform(-PLANE_EXTENT, PLANE_EXTENT);
        p[2] = (p[0] + p[1]) / (2 * PLANE_EXTENT) + rng.normal(0, noise);
      }),
  },
  sine: {
    title: 'Sine',
    task: 'regression',
    // value = sin x: waves along x, y carries no information (the sin x feature solves it in one weight).
    generate: (n, noise, rng) =>
      points(n, (_i, p) => {
        p[0] = rng.uniform(-PLANE_EXTENT, PLANE_EXTENT);
        p[1] = rng.uniform(-PLANE_EXTENT, PLANE_EXTENT);
        p[2] = Math.sin(p[0]) + rng.normal(0, noise);
      }),
  },
};

export function isPlaneSetName(name: string): name is PlaneSetName {
  return (PLANE_SET_NAMES as readonly string[]).includes(name);
}

export interface PlaneSetOptions {
  samples?: number;
  noise?: number;
  /** Fraction of points for training, in (0, 1]; default 0.5 as in Playground. */
  trainRatio?: number;
  seed?: number;
  /** Engineered input features (see features.ts); default x, y. */
  features?: readonly string[];
}

export interface PlaneSet {
  dataset: Dataset;
  /** The raw (x, y) of every example, n × 2 in split order: where to draw it on the plane, whatever the features. */
  plane: { train: Float32Array; test: Float32Array };
}

/** Why these options are unusable, or undefined. */
function checkPlaneOptions(samples: number, noise: number): string | undefined {
  if (!Number.isInteger(samples) || samples < MIN_SAMPLES || samples > MAX_SAMPLES) {
    return `The number of samples must be a whole number from ${MIN_SAMPLES} to ${MAX_SAMPLES}; got ${samples}.`;
  }
  if (typeof noise !== 'number' || !Number.isFinite(noise) || noise < 0 || noise > 1) {
    return `The noise must be a number from 0 to 1; got ${String(noise)}.`;
  }
  return undefined;
}

export type PlaneSetResult = ({ ok: true } & PlaneSet) | { ok: false; message: string };

/** Generate a 2-D set, map it through the chosen features and split it. Never throws on bad options. */
export function makePlaneSet(name: PlaneSetName, opts: PlaneSetOptions = {}): PlaneSetResult {
  if (!isPlaneSetName(name)) return { ok: false, message: `Unknown 2-D data set "${String(name)}".` };
  const def = PLANE_SETS[name];
  const samples = opts.samples ?? DEFAULT_SAMPLES;
  const noise = opts.noise ?? 0;
  const seed = opts.seed ?? 1;
  const trainRatio = opts.trainRatio ?? 0.5;
  const features = opts.features ?? DEFAULT_PLANE_FEATURES;
  const problem = checkPlaneOptions(samples, noise) ?? checkPlaneFeatures(features);
  if (problem) return { ok: false, message: `${def.title}: ${problem}` };

  const raw = def.generate(samples, noise, createRng(seed));
  const f = features.length;
  const map = featureMap(features);
  const x = new Float64Array(raw.n * f);
  for (let i = 0; i < raw.n; i++) map(raw.xy[2 * i], raw.xy[2 * i + 1], x, i * f);
  const classOf = def.task === 'binary' ? Int32Array.from(raw.target) : undefined;

  const built = buildDataset(
    {
      n: raw.n,
      featureNames: [...features],
      targetNames: [def.task === 'binary' ? 'label' : 'value'],
      task: def.task,
      x,
      y: raw.target,
      classOf,
    },
    {
      name: `${def.title} (noise ${noise}, seed ${seed})`,
      trainRatio,
      seed,
      standardizeFeatures: false,
      standardizeTarget: false,
    },
  );
  if (!built.ok) return { ok: false, message: `${def.title}: ${built.message}` };
  const pick = (rows: Int32Array) => {
    const out = new Float32Array(rows.length * 2);
    for (let r = 0; r < rows.length; r++) {
      out[2 * r] = raw.xy[2 * rows[r]];
      out[2 * r + 1] = raw.xy[2 * rows[r] + 1];
    }
    return out;
  };
  return { ok: true, dataset: built.dataset, plane: { train: pick(built.order.train), test: pick(built.order.test) } };
}
