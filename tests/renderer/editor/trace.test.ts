import { describe, expect, it } from 'vitest';
import type { NetworkDocument } from '../../../src/core/document';
import { findTemplate } from '../../../src/core/templates';
import { exampleInputs, formatValue, runExample } from '../../../src/renderer/editor/trace';

const worked = () => findTemplate('worked-example')!.build();
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const relu = (z: number) => Math.max(0, z);

/** The worked example by hand in float64: h1 = relu(0.5·x1 − 0.3·x2 + 0.3), h2 = relu(0.2·x1 + 0.4·x2 − 0.1), out = σ(h1 − h2 + 0.5). */
function byHand(x1: number, x2: number) {
  const h1 = relu(0.5 * x1 - 0.3 * x2 + 0.3);
  const h2 = relu(0.2 * x1 + 0.4 * x2 - 0.1);
  return { h1, h2, out: sigmoid(h1 - h2 + 0.5) };
}

function withoutOutput(doc: NetworkDocument): NetworkDocument {
  return { ...doc, nodes: doc.nodes.filter((n) => n.type !== 'output'), edges: doc.edges.filter((e) => e.target !== 'output') };
}

describe('the example run', () => {
  it('gives the inputs 1, 2, 3, … unless a value is stored', () => {
    expect(exampleInputs(worked(), {})).toEqual({ x1: [1], x2: [2] });
    expect(exampleInputs(worked(), { x2: -0.5 })).toEqual({ x1: [1], x2: [-0.5] });
    expect(exampleInputs(findTemplate('iris')!.build(), {})).toEqual({ measurements: [1, 2, 3, 4] });
  });

  it.each([[1, 2], [0, 0], [-1, 3], [2.5, -0.5]])('matches the worked example by hand for x = [%d, %d]', (x1, x2) => {
    const run = runExample(worked(), { x1, x2 });
    if (!run.ok) throw new Error(run.reason);
    const expected = byHand(x1, x2);
    expect(run.values['h1']!.a[0]).toBeCloseTo(expected.h1, 6);
    expect(run.values['h2']!.a[0]).toBeCloseTo(expected.h2, 6);
    expect(run.values['out']!.a[0]).toBeCloseTo(expected.out, 6);
    expect(run.values['out']!.z![0]).toBeCloseTo(expected.h1 - expected.h2 + 0.5, 6);
  });

  it('gives two Inputs of the same feature the same value: the example is one row of data', () => {
    const doc = worked();
    const twin = { ...doc.nodes.find((n) => n.id === 'x1')!, id: 'x9', name: 'x1 again' };
    const both = { ...doc, nodes: [...doc.nodes, twin] };
    expect(exampleInputs(both, {})).toEqual({ x1: [1], x2: [2], x9: [1] });
    expect(exampleInputs(both, { x1: 5 })).toEqual({ x1: [5], x2: [2], x9: [5] });
    // A loose twin does not change what the network computes.
    const run = runExample(both, {});
    if (!run.ok) throw new Error(run.reason);
    expect(run.values['out']!.a[0]).toBeCloseTo(byHand(1, 2).out, 6);
  });

  it('shows 0.45 for the worked example, as the textbook does', () => {
    const run = runExample(worked(), {});
    if (!run.ok) throw new Error(run.reason);
    expect(formatValue(run.values['out']!.a[0]!)).toBe('0.4502');
  });

  it('runs a network still without an Output, reading its last node', () => {
    const run = runExample(withoutOutput(worked()), {});
    if (!run.ok) throw new Error(run.reason);
    expect(run.values['out']!.a[0]).toBeCloseTo(byHand(1, 2).out, 6);
    expect(Object.keys(run.values).sort()).toEqual(['h1', 'h2', 'out', 'x1', 'x2']);
  });

  it('shows no values while a weight is missing, rather than made-up ones', () => {
    const doc = worked();
    const run = runExample({ ...doc, edges: doc.edges.map((e) => (e.id === 'e3' ? { id: e.id, source: e.source, target: e.target } : e)) }, {});
    expect(run).toEqual({ ok: false, reason: expect.stringMatching(/weights are not set/) });
    expect(runExample(findTemplate('spiral')!.build(), {}).ok).toBe(false);
  });

  it('says what is wrong when the network cannot run', () => {
    const doc = withoutOutput(worked());
    const split = { ...doc, edges: doc.edges.filter((e) => e.target !== 'out') }; // two last nodes, and "out" has no input
    const run = runExample(split, {});
    expect(run.ok).toBe(false);
    if (!run.ok) expect(run.reason).toMatch(/^Fix the network first: /);
  });
});

describe('formatValue', () => {
  it.each([
    [0.4501659870147705, '0.4502'], [0.19999998807907104, '0.2'], [-1, '-1'], [12.3456, '12.35'], [0, '0'],
    [0.00001234, '1.23e-5'], [123456, '1.23e+5'], [Number.NaN, 'NaN'],
  ])('shows %d as %s', (v, text) => {
    expect(formatValue(v)).toBe(text);
  });
});
