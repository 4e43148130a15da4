import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, sigmoid } from '../../src/core/activations';
import { ACTIVATION_NAMES } from '../../src/core/document';

const elementwise = ACTIVATION_NAMES.filter((a) => a !== 'softmax');
const points = [-30, -3, -1, -0.5, -1e-3, 0, 1e-3, 0.5, 1, 3, 30];
const hasKinkAtZero = new Set(['relu', 'leakyRelu', 'elu']);

describe('activation derivatives match central differences (float64)', () => {
  for (const name of elementwise) {
    for (const z of points) {
      if (z === 0 && hasKinkAtZero.has(name)) continue;
      it(`${name} at z=${z}`, () => {
        const act = ACTIVATIONS[name];
        const h = 1e-6;
        const numeric = (act.f(z + h) - act.f(z - h)) / (2 * h);
        expect(act.df(z, act.f(z))).toBeCloseTo(numeric, 5);
      });
    }
  }
});

describe('activation values', () => {
  it('names every activation by its file name', () => {
    for (const name of ACTIVATION_NAMES) expect(ACTIVATIONS[name].name).toBe(name);
  });
  it('takes the relu derivative at the kink as 0, leakyRelu as 0.01, elu as 1', () => {
    expect(ACTIVATIONS.relu.df(0, 0)).toBe(0);
    expect(ACTIVATIONS.leakyRelu.df(0, 0)).toBe(0.01);
    expect(ACTIVATIONS.elu.df(0, 0)).toBe(1);
  });
  it('keeps the sigmoid finite and exact at extreme inputs', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(-745)).toBeGreaterThanOrEqual(0);
    expect(sigmoid(-40)).toBeCloseTo(Math.exp(-40), 30);
    expect(sigmoid(0)).toBe(0.5);
  });
  it('computes gelu as the tanh approximation (gelu(1) = 0.841192, gelu(−1) = −0.158808)', () => {
    expect(ACTIVATIONS.gelu.f(1)).toBeCloseTo(0.841192, 6);
    expect(ACTIVATIONS.gelu.f(-1)).toBeCloseTo(-0.158808, 6);
  });
  it('batch apply/backprop agree with f/df for every elementwise activation', () => {
    const z = Float32Array.from(points);
    for (const name of elementwise) {
      const act = ACTIVATIONS[name];
      const a = new Float32Array(z.length);
      act.apply(z, a, 1, z.length);
      const da = Float32Array.from(points, (_, i) => (i % 3) - 1.5);
      const dz = new Float32Array(z.length);
      act.backprop(z, a, da, dz, 1, z.length);
      for (let i = 0; i < z.length; i++) {
        expect(a[i]).toBeCloseTo(Math.fround(act.f(z[i]!)), 6);
        expect(dz[i]).toBeCloseTo(da[i]! * act.df(z[i]!, a[i]!), 5);
      }
    }
  });
});

describe('softmax', () => {
  it('gives rows that sum to 1 and stays finite for huge logits', () => {
    const z = Float32Array.of(1000, 1001, 999, -5, 0, 5);
    const a = new Float32Array(6);
    ACTIVATIONS.softmax.apply(z, a, 2, 3);
    expect(a[0]! + a[1]! + a[2]!).toBeCloseTo(1, 6);
    expect(a[3]! + a[4]! + a[5]!).toBeCloseTo(1, 6);
    expect(a[1]).toBeCloseTo(Math.exp(1) / (1 + Math.exp(1) + Math.exp(-1)), 6);
  });
  for (const cols of [2, 3, 7]) {
    it(`backprop is the Jacobian-vector product (central differences) with ${cols} units`, () => {
      const z = Float64Array.from({ length: cols }, (_, i) => Math.sin(i * 1.7) * 2);
      const da = Float64Array.from({ length: cols }, (_, i) => Math.cos(i * 0.9));
      const soft = (v: Float64Array) => {
        const out = new Float32Array(cols);
        ACTIVATIONS.softmax.apply(Float32Array.from(v), out, 1, cols);
        return out;
      };
      const a = soft(z);
      const dz = new Float32Array(cols);
      ACTIVATIONS.softmax.backprop(Float32Array.from(z), a, Float32Array.from(da), dz, 1, cols);
      for (let k = 0; k < cols; k++) {
        const h = 1e-3;
        const up = z.slice(); up[k] += h;
        const down = z.slice(); down[k] -= h;
        const aUp = soft(up), aDown = soft(down);
        let numeric = 0;
        for (let j = 0; j < cols; j++) numeric += (da[j]! * (aUp[j]! - aDown[j]!)) / (2 * h);
        expect(dz[k]).toBeCloseTo(numeric, 3);
      }
    });
  }
});
