import { describe, expect, it } from 'vitest';
import { explainStep, explainNumber, forwardFormula, type ExplainStep } from '../../src/core/explain';
import { TEMPLATES } from '../../src/core/templates';
import { createTrainingSession } from '../../src/core/train';
import { loadDataset } from '../../src/core/data';
import { compileOrThrow, dense, doc, edge, input, mlp, neuron, output, randomBatch } from './nn-helpers';

function worked() {
  const t = TEMPLATES.find((x) => x.id === 'worked-example');
  if (!t) throw new Error('no worked-example template');
  return t.build();
}

function ok(r: ReturnType<typeof explainStep>): ExplainStep {
  if (!r.ok) throw new Error(r.message);
  return r.step;
}

const unit = (s: ExplainStep, id: string, u = 0) => s.forward.find((f) => f.nodeId === id && f.unit === u)!;

describe('explainStep on the worked example', () => {
  const step = ok(explainStep(worked(), [1, 2], [1], 0.1));
  const a = 1 / (1 + Math.exp(0.2));
  const dz = 2 * (a - 1) * a * (1 - a);

  it('reproduces the textbook forward pass: z1 = 0.2, z2 = 0.9, z = −0.2, a = 0.450166', () => {
    expect(unit(step, 'h1').z).toBeCloseTo(0.2, 6);
    expect(unit(step, 'h2').z).toBeCloseTo(0.9, 6);
    expect(unit(step, 'out').z).toBeCloseTo(-0.2, 6);
    expect(unit(step, 'out').a).toBeCloseTo(0.450166, 6);
    expect(step.forward.map((f) => f.nodeId)).toEqual(['h1', 'h2', 'out']);
  });

  it('lists each neuron’s weighted inputs with the actual numbers', () => {
    const h1 = unit(step, 'h1');
    expect(h1.terms.map((t) => [t.sourceId, t.weight, t.input])).toEqual([
      ['x1', 0.5, 1],
      ['x2', Math.fround(-0.3), 2],
    ]);
    expect(h1.bias).toBeCloseTo(0.3, 6);
    expect(h1.activation).toBe('relu');
    expect(forwardFormula(h1)).toBe('z = 0.5·1 + (−0.3)·2 + 0.3 = 0.2');
    expect(forwardFormula(unit(step, 'h2'))).toBe('z = 0.2·1 + 0.4·2 + (−0.1) = 0.9');
    expect(forwardFormula(unit(step, 'out'))).toBe('z = 1·0.2 + (−1)·0.9 + 0.5 = −0.2');
  });

  it('states the loss with its numbers', () => {
    expect(step.loss.name).toBe('mse');
    expect(step.loss.value).toBeCloseTo((a - 1) ** 2, 6);
    expect(step.loss.formula).toBe(`L = (0.450166 − 1)² = ${explainNumber(step.loss.value)}`);
  });

  it('gives every gradient its hand-derived value, from the loss backward', () => {
    const grads = Object.fromEntries(step.backward.flatMap((b) => (b.kind === 'weight' ? [[b.edgeId, b.grad]] : [])));
    // edges e1 x1→h1, e2 x2→h1, e3 x1→h2, e4 x2→h2, e5 h1→out, e6 h2→out
    const expected: Record<string, number> = { e5: dz * 0.2, e6: dz * 0.9, e1: dz, e2: dz * 2, e3: -dz, e4: -dz * 2 };
    for (const [id, v] of Object.entries(expected)) expect(grads[id], id).toBeCloseTo(v, 6);
    const biases = Object.fromEntries(step.backward.flatMap((b) => (b.kind === 'bias' ? [[b.nodeId, b.biasGrad]] : [])));
    expect(biases.out).toBeCloseTo(dz, 6);
    expect(biases.h1).toBeCloseTo(dz, 6);
    expect(biases.h2).toBeCloseTo(-dz, 6);
    // The output neuron comes first: the pass runs from the loss toward the inputs.
    expect(step.backward[0]).toMatchObject({ kind: 'unit', nodeId: 'out' });
    const outUnit = step.backward[0]!;
    if (outUnit.kind !== 'unit') throw new Error('expected a unit');
    expect(outUnit.outputGrad).toBeCloseTo(2 * (a - 1), 6);
    expect(outUnit.preactivationGrad).toBeCloseTo(dz, 6);
  });

  it('updates each weight by plain SGD: new = old − lr·grad', () => {
    const e1 = step.update.find((u) => u.kind === 'weight' && u.edgeId === 'e1')!;
    expect(e1.old).toBe(0.5);
    expect(e1.new).toBeCloseTo(0.5 - 0.1 * dz, 6);
    const h2 = step.update.find((u) => u.kind === 'bias' && u.nodeId === 'h2')!;
    expect(h2.new).toBeCloseTo(-0.1 + 0.1 * dz, 6);
    expect(step.update).toHaveLength(9);
  });

  it('matches, bit for bit, one SGD training step of the core on the same example', () => {
    const d = worked();
    const data = loadDataset(d.data);
    if (!data.ok) throw new Error(data.message);
    const made = createTrainingSession(d, data.dataset);
    if (!made.ok) throw new Error('no session');
    const { net } = made.session;
    expect(made.session.stepBatches(1).kind).toBe('ok');
    for (const u of step.update) {
      const offset = u.kind === 'weight' ? net.layout.edges[u.edgeId]!.offset + u.index : net.layout.biases[u.nodeId]!.offset + u.index;
      expect(net.params[offset], u.kind === 'weight' ? u.edgeId : u.nodeId).toBe(u.new);
    }
  });
});

describe('explainStep on Dense layers', () => {
  it('agrees with the network’s own trace and explanation unit by unit', () => {
    const d = mlp(3, [{ units: 4, activation: 'tanh' }, { units: 2, activation: 'sigmoid' }], 'mse', 7);
    const net = compileOrThrow(d);
    const { x, y } = randomBatch(net, 1, 'mse', 3);
    const step = ok(explainStep(d, x, y, 0.05));
    const ex = net.explain(x, y);
    for (const f of step.forward) {
      expect(f.z).toBe(ex.nodes[f.nodeId]!.z![f.unit]);
      expect(f.a).toBe(ex.nodes[f.nodeId]!.a[f.unit]);
      // z recomputed from the listed terms agrees to float32 rounding.
      const sum = f.terms.reduce((s, t) => s + t.weight * t.input, f.bias ?? 0);
      expect(sum).toBeCloseTo(f.z, 5);
    }
    expect(step.forward.filter((f) => f.nodeId === 'd1')).toHaveLength(4);
    expect(unit(step, 'd1', 2).terms).toHaveLength(3);
    for (const u of step.update) {
      const offset = u.kind === 'weight' ? net.layout.edges[u.edgeId]!.offset + u.index : net.layout.biases[u.nodeId]!.offset + u.index;
      expect(u.grad).toBe(ex.grads[offset]);
      expect(u.old).toBe(net.params[offset]);
    }
    expect(step.update).toHaveLength(net.layout.size);
  });

  it('explains given parameters instead of the document’s', () => {
    const d = doc([input('i', ['a']), dense('d', 1, 'linear', { bias: [0] }), output('o', 'mse', ['t'])], [edge('i', 'd', [2]), edge('d', 'o')]);
    const step = ok(explainStep(d, [3], [0], 0.1, { params: Float32Array.of(5, 1) }));
    const layoutFirst = step.forward[0]!;
    expect(layoutFirst.z).toBe(layoutFirst.terms[0]!.weight * 3 + layoutFirst.bias!);
    expect([layoutFirst.terms[0]!.weight, layoutFirst.bias]).not.toEqual([2, 0]);
  });
});

describe('explainStep refuses bad input with a specific message', () => {
  const d = worked();
  it.each([
    [[1], [1], 0.1, 'x', /needs 2 input values \(x1, x2\); it has 1/],
    [[1, Number.NaN], [1], 0.1, 'x', /input "x2" must be a finite number/],
    [[1, 2], [], 0.1, 'y', /needs 1 target value \(y\); it has 0/],
    [[1, 2], [1], 0, 'learningRate', /learning rate must be a positive number/],
  ] as const)('x=%j y=%j lr=%s → %s', (x, y, lr, field, message) => {
    const r = explainStep(d, x, y, lr);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.field).toBe(field);
    expect(r.message).toMatch(message);
  });

  it('names the problem of a network that cannot compile', () => {
    const broken = doc([input('i', ['a']), neuron('n', 'relu')], [edge('i', 'n')]);
    const r = explainStep(broken, [1], [1], 0.1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/cannot be explained yet: .+/);
  });

  it('refuses parameters of the wrong length', () => {
    const r = explainStep(d, [1, 2], [1], 0.1, { params: new Float32Array(3) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/3 values but the network needs 9/);
  });
});
