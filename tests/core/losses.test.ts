import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../../src/core/activations';
import { LOSSES, binaryCrossEntropy, mse, softmaxCrossEntropy } from '../../src/core/losses';
import { createRng } from '../../src/core/random';

/** Central difference of f at index k of v (float64 arithmetic, float32 storage, dividing by the step taken). */
function numeric(f: (v: Float32Array) => number, v: Float32Array, k: number, h: number): number {
  const w = v[k]!;
  v[k] = w + h; const up = v[k]!; const fu = f(v);
  v[k] = w - h; const down = v[k]!; const fd = f(v);
  v[k] = w;
  return (fu - fd) / (up - down);
}

function targets(name: string, rows: number, cols: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    if (name === 'softmaxCrossEntropy') t[r * cols + rng.int(cols)] = 1;
    else for (let c = 0; c < cols; c++) t[r * cols + c] = name === 'binaryCrossEntropy' ? rng.int(2) : rng.uniform(-1, 1);
  }
  return t;
}

describe('loss gradients match central differences', () => {
  for (const loss of Object.values(LOSSES)) {
    for (const [rows, cols] of [[1, 1], [4, 3]] as const) {
      it(`${loss.name} on outputs, rows=${rows} cols=${cols}`, () => {
        const rng = createRng(rows * 7 + cols);
        const p = Float32Array.from({ length: rows * cols }, () => rng.uniform(0.1, 0.9));
        const t = targets(loss.name, rows, cols, 3);
        const g = new Float32Array(rows * cols);
        loss.gradient(p, t, rows, cols, g);
        for (let k = 0; k < p.length; k++) expect(g[k]).toBeCloseTo(numeric((v) => loss.value(v, t, rows, cols), p, k, 1e-3), 3);
      });
      const link = loss.link;
      if (link === null) continue;
      it(`${loss.name} fused with ${link} on logits, rows=${rows} cols=${cols}`, () => {
        const c = link === 'softmax' ? Math.max(cols, 2) : cols;
        const rng = createRng(rows * 5 + c);
        const z = Float32Array.from({ length: rows * c }, () => rng.uniform(-3, 3));
        const t = targets(loss.name, rows, c, 4);
        const a = new Float32Array(rows * c);
        ACTIVATIONS[link].apply(z, a, rows, c);
        // The fused value equals the plain loss of the link's output ...
        expect(loss.valueFromLogits(z, t, rows, c)).toBeCloseTo(loss.value(a, t, rows, c), 5);
        // ... and the fused gradient (a − t)/rows is its derivative with respect to z.
        const g = new Float32Array(rows * c);
        loss.gradientFromLogits(a, t, rows, c, g);
        for (let k = 0; k < z.length; k++) expect(g[k]).toBeCloseTo(numeric((v) => loss.valueFromLogits(v, t, rows, c), z, k, 1e-2), 3);
      });
    }
  }
});

describe('loss conventions', () => {
  it('mse sums over units and averages over examples: the worked example gives (output − 1)²', () => {
    expect(mse.value(Float32Array.of(0.45), Float32Array.of(1), 1, 1)).toBeCloseTo(0.55 ** 2, 6);
    // two examples, two units: ((1)² + (2)²  +  (0)² + (3)²) / 2
    expect(mse.value(Float32Array.of(1, 2, 0, 3), Float32Array.of(0, 0, 0, 0), 2, 2)).toBeCloseTo(7, 6);
  });
  it('binary cross-entropy from logits stays finite and exact for |z| = 100', () => {
    expect(binaryCrossEntropy.valueFromLogits(Float32Array.of(100), Float32Array.of(0), 1, 1)).toBeCloseTo(100, 5);
    expect(binaryCrossEntropy.valueFromLogits(Float32Array.of(-100), Float32Array.of(1), 1, 1)).toBeCloseTo(100, 5);
    expect(binaryCrossEntropy.valueFromLogits(Float32Array.of(100), Float32Array.of(1), 1, 1)).toBeCloseTo(0, 10);
  });
  it('softmax cross-entropy from logits stays finite for logits of 1000', () => {
    const v = softmaxCrossEntropy.valueFromLogits(Float32Array.of(1000, 0, -1000), Float32Array.of(0, 1, 0), 1, 3);
    expect(v).toBeCloseTo(1000, 3);
  });
  it('binary cross-entropy on probabilities clips at 1e-7 instead of returning Infinity', () => {
    const v = binaryCrossEntropy.value(Float32Array.of(0), Float32Array.of(1), 1, 1);
    expect(v).toBeCloseTo(-Math.log(1e-7), 4);
  });
});
