/**
 * docs/file-format.md, "What a file computes": every worked example there, computed through the core. Each test
 * checks the core's number against the documented one AND that the doc still states it, so a change of behaviour
 * (or of the doc) fails here and has to be made on purpose.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/core/data/types';
import { emptyDocument, type NetworkDocument, type NetworkEdge, type NetworkNode, type TrainingSetup } from '../../src/core/document';
import { LOSSES } from '../../src/core/losses';
import { compileNetwork } from '../../src/core/network';
import { decodeModel } from '../../src/core/onnx/onnx';
import { exportOnnx } from '../../src/core/onnx/export';
import { createOptimizer, type OptimizerSettings } from '../../src/core/optimizers';
import { createRng } from '../../src/core/random';
import { parseDocument } from '../../src/core/serialize';
import { createTrainingSession } from '../../src/core/train';
import { validateDocument } from '../../src/core/validate';

const read = (relative: string) => readFileSync(fileURLToPath(new URL(`../../${relative}`, import.meta.url)), 'utf8');
const fileFormat = read('docs/file-format.md');
const flat = (text: string) => text.replace(/\s*\n\s*/g, ' ');
const doc = flat(fileFormat);
/** The text of one "### n." section of the doc, flattened. */
const section = (n: number) => {
  const start = fileFormat.indexOf(`### ${n}. `);
  const end = fileFormat.indexOf('\n##', start + 4);
  if (start < 0) throw new Error(`docs/file-format.md has no section ${n}`);
  return flat(fileFormat.slice(start, end < 0 ? undefined : end));
};

const f32 = (a: number[]) => Float32Array.from(a);
const node = (n: Record<string, unknown> & { id: string; type: string }) => ({ name: n.id, position: { x: 0, y: 0 }, ...n }) as NetworkNode;
function network(nodes: NetworkNode[], edges: NetworkEdge[], training: Partial<TrainingSetup> = {}): NetworkDocument {
  const d = emptyDocument('semantics');
  return { ...d, nodes, edges, training: { ...d.training, ...training } };
}
function rows(x: number[], y: number[], task: Dataset['task'] = 'regression', featureNames = ['x'], targetNames = ['y']): Dataset {
  const empty = { n: 0, x: new Float32Array(0), y: new Float32Array(0) };
  return { name: 'worked', task, featureNames, targetNames, train: { n: x.length / featureNames.length, x: f32(x), y: f32(y) }, test: empty };
}
function session(d: NetworkDocument, data: Dataset) {
  const made = createTrainingSession(d, data);
  if (!made.ok) throw new Error(made.problems.map((p) => p.message).join('; '));
  return made.session;
}
/** `x` rounded as the doc writes it (6 significant digits unless told). */
const shown = (x: number, digits = 6) => String(Number(x.toPrecision(digits)));

describe('1. losses: sum over outputs, mean over examples', () => {
  it('mse has no ½ and sums over outputs: 1.125 where Keras says 0.5625', () => {
    const p = f32([0.5, 2, 1, 1]);
    const t = f32([1, 1, 1, 0]);
    expect(LOSSES.mse.value(p, t, 2, 2)).toBe(1.125);
    const dp = new Float32Array(4);
    LOSSES.mse.gradient(p, t, 2, 2, dp);
    expect(Array.from(dp)).toEqual([-0.5, 1, 0, 1]);
    expect(section(1)).toContain('**1.125** (Keras: 0.5625); dL/dp = [[−0.5, 1], [0, 1]]');
  });

  it('binary cross-entropy on logits: 1.410038, dL/dz = (σ(z) − t)/B', () => {
    const loss = LOSSES.binaryCrossEntropy.valueFromLogits(f32([0, 2]), f32([1, 0]), 2, 1);
    expect(shown(loss)).toBe('1.41004');
    expect(loss.toFixed(6)).toBe('1.410038');
    const dz = new Float32Array(2);
    LOSSES.binaryCrossEntropy.gradientFromLogits(f32([0.5, 1 / (1 + Math.exp(-2))]), f32([1, 0]), 2, 1, dz);
    expect([dz[0], dz[1]!.toFixed(6)]).toEqual([-0.25, '0.440399']);
    expect(section(1)).toContain('**1.410038**; dL/dz = [(0.5 − 1)/2, 0.880797/2] = [**−0.25**, **0.440399**]');
  });

  it('binary cross-entropy through a network: on logits when a sigmoid feeds the Output alone, clamped to 1e-7 otherwise', () => {
    const sigmoidNet = (viaDropout: boolean) => network([
      node({ id: 'x', type: 'input', features: ['x'] }),
      node({ id: 'p', type: 'neuron', activation: 'sigmoid', bias: 0 }),
      ...(viaDropout ? [node({ id: 'd', type: 'dropout', rate: 0 })] : []),
      node({ id: 'out', type: 'output', loss: 'binaryCrossEntropy', targets: ['y'] }),
    ], [
      { id: 'e1', source: 'x', target: 'p', weights: [1] },
      ...(viaDropout ? [{ id: 'e2', source: 'p', target: 'd' }, { id: 'e3', source: 'd', target: 'out' }] : [{ id: 'e2', source: 'p', target: 'out' }]),
    ]);
    const fused = session(sigmoidNet(false), rows([20], [0], 'binary')).evaluate().trainLoss;
    const clamped = session(sigmoidNet(true), rows([20], [0], 'binary')).evaluate().trainLoss;
    expect(fused.toFixed(9)).toBe('20.000000002');
    expect(clamped.toFixed(6)).toBe((-Math.log(1e-7)).toFixed(6));
    expect(clamped.toFixed(6)).toBe('16.118096');
    expect(LOSSES.binaryCrossEntropy.value(f32([0]), f32([1]), 1, 1).toFixed(6)).toBe('16.118096');
    expect(section(1)).toContain('on logits **20.000000002**');
    expect(section(1)).toContain('−ln(1e-7) = **16.118096**');
  });

  it('softmax cross-entropy: ln 4 − ln 3 = 0.287682 on logits and on probabilities, dL/dz = softmax − t', () => {
    const onLogits = LOSSES.softmaxCrossEntropy.valueFromLogits(f32([0, Math.log(3)]), f32([0, 1]), 1, 2);
    const onProbabilities = LOSSES.softmaxCrossEntropy.value(f32([0.25, 0.75]), f32([0, 1]), 1, 2);
    expect(onLogits.toFixed(6)).toBe('0.287682');
    expect(onProbabilities.toFixed(6)).toBe('0.287682');
    const dz = new Float32Array(2);
    LOSSES.softmaxCrossEntropy.gradientFromLogits(f32([0.25, 0.75]), f32([0, 1]), 1, 2, dz);
    expect(Array.from(dz)).toEqual([0.25, -0.25]);
    expect(section(1)).toContain('ln 4 − ln 3 = **0.287682**; dL/dz = [**0.25**, **−0.25**]');
  });
});

describe('2. regularisation: weights only, through the gradient, never in the reported loss', () => {
  const linear = (training: Partial<TrainingSetup>) => network([
    node({ id: 'x', type: 'input', features: ['x'] }),
    node({ id: 'n', type: 'neuron', activation: 'linear', bias: 0.5 }),
    node({ id: 'out', type: 'output', loss: 'mse', targets: ['y'] }),
  ], [{ id: 'e1', source: 'x', target: 'n', weights: [0.5] }, { id: 'e2', source: 'n', target: 'out' }], { learningRate: 0.1, batchSize: 1, ...training });
  const oneStep = (training: Partial<TrainingSetup>) => {
    const s = session(linear(training), rows([1], [1]));
    const result = s.stepBatches(1);
    const { edges, biases } = s.net.layout;
    return { result, w: s.net.params[edges.e1!.offset]!, b: s.net.params[biases.n!.offset]!, evaluated: s.evaluate().trainLoss };
  };

  it.each([
    ['l2 = 0.1', { l2: 0.1 }, '0.49'],
    ['l1 = 0.2', { l1: 0.2 }, '0.48'],
    ['adam, l2 = 0.1', { l2: 0.1, optimizer: 'adam' as const }, '0.4000001'],
  ])('%s: the weight becomes the documented value, the bias stays 0.5, no loss reported includes the penalty', (_what, training, weight) => {
    const { result, w, b, evaluated } = oneStep(training);
    expect(result).toMatchObject({ kind: 'ok', loss: 0 });
    // Evaluated after the step: the data loss (w + b − 1)² alone, without the penalty.
    expect(evaluated).toBeCloseTo((w + b - 1) ** 2, 7);
    expect(shown(w, 7)).toBe(weight);
    expect(b).toBe(0.5);
    expect(section(2)).toContain(`**${weight}**`);
  });

  it('the doc states the rule and the example', () => {
    expect(section(2)).toContain('`l1·Σ|w| + l2·Σw²` over the **weights only**');
    expect(section(2)).toContain('**not decoupled weight decay**');
    expect(section(2)).toContain('reports a loss of **0** (not the penalty 0.025)');
    expect(section(2)).toContain('the bias stays **0.5**');
  });
});

describe('3. optimizer updates', () => {
  const base: OptimizerSettings = { kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: false, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, l1: 0, l2: 0 };
  const cases: [string, Partial<OptimizerSettings>, string[]][] = [
    ['sgd', { kind: 'sgd' }, ['0.95', '0.9']],
    ['momentum', { kind: 'momentum' }, ['0.95', '0.855']],
    ['momentum, nesterov', { kind: 'momentum', nesterov: true }, ['0.905', '0.7695']],
    ['adam, ε = 0.5', { kind: 'adam', epsilon: 0.5 }, ['0.95', '0.9']],
  ];

  it.each(cases)('%s: w = 1, g = 0.5 at every step, lr 0.1, μ 0.9', (_name, settings, expected) => {
    const optimizer = createOptimizer({ ...base, ...settings }, 1, Uint8Array.from([1]));
    const w = f32([1]);
    const after: string[] = [];
    for (let step = 0; step < 2; step++) {
      optimizer.step(w, f32([0.5]));
      after.push(shown(w[0]!));
    }
    expect(after).toEqual(expected);
  });

  it('the doc has the table of the example, column by column', () => {
    const table = section(3);
    const row = (step: number) => `| ${step} | ${cases.map((c) => c[2][step - 1]).join(' | ')} |`;
    expect(table).toContain('| after step | `sgd` | `momentum` | `momentum`, `nesterov` | `adam`, ε = 0.5 |');
    expect(table).toContain(row(1));
    expect(table).toContain(row(2));
    expect(table).toContain('`w ← w − lr·m̂ / (√v̂ + ε)`');
    expect(table).toContain('**ε is added to √v̂, outside the root and after bias correction**');
  });

  it('Adam: ε outside the root and bias correction are what make the step 0.05 (not 0.0577, not 0.0097)', () => {
    const optimizer = createOptimizer({ ...base, kind: 'adam', epsilon: 0.5 }, 1, Uint8Array.from([1]));
    const w = f32([1]);
    optimizer.step(w, f32([0.5]));
    const step = 1 - w[0]!;
    expect(step).toBeCloseTo(0.05, 7);
    expect(Math.abs(step - 0.1 * 0.5 / Math.sqrt(0.25 + 0.5))).toBeGreaterThan(0.005);
    expect(Math.abs(step - 0.1 * 0.05 / (Math.sqrt(0.00025) + 0.5))).toBeGreaterThan(0.005);
  });

  it('clipping comes after the penalty: w = (1, 0), g = (2, 4), l2 0.5, clipNorm 1, lr 1 gives (0.4, −0.8)', () => {
    const optimizer = createOptimizer({ ...base, learningRate: 1, l2: 0.5, clipNorm: 1 }, 2, Uint8Array.from([1, 1]));
    const w = f32([1, 0]);
    optimizer.step(w, f32([2, 4]));
    expect(Array.from(w, (v) => shown(v))).toEqual(['0.4', '-0.8']);
    expect(section(3)).toContain('w = (**0.4**, **−0.8**)');
  });

  it('stepDecay: lr · factor^⌊completed epochs / everyEpochs⌋, read at every step', () => {
    const d = network([
      node({ id: 'x', type: 'input', features: ['x'] }),
      node({ id: 'out', type: 'output', loss: 'mse', targets: ['y'] }),
    ], [{ id: 'e1', source: 'x', target: 'out' }], { learningRate: 0.1, schedule: { kind: 'stepDecay', factor: 0.5, everyEpochs: 2 }, batchSize: 2 });
    const s = session(d, rows([1, 2, 3, 4], [0, 0, 0, 0]));
    const rates: number[] = [];
    for (let epoch = 1; epoch <= 5; epoch++) {
      rates.push(s.learningRate);
      s.stepEpoch();
    }
    expect(rates).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    expect(section(3)).toContain('epochs 1 and 2 train at **0.1**, epochs 3 and 4 at **0.05**, epoch 5 at **0.025**');
  });
});

describe('4. epochs, batches and the seed', () => {
  /** The generator exactly as the doc prints it, run from the doc's own text. */
  const documented = () => {
    const code = /```js\n([\s\S]*?)```/.exec(section4Raw())![1]!;
    return new Function(`${code}; return { mulberry32, shuffle };`)() as {
      mulberry32(seed: number): () => number;
      shuffle(order: number[], next: () => number): void;
    };
  };
  const section4Raw = () => fileFormat.slice(fileFormat.indexOf('### 4. '), fileFormat.indexOf('### 5. '));

  it('the documented generator is the core one', () => {
    const { mulberry32 } = documented();
    for (const seed of [0, 1, 42, -7, 2 ** 31 + 5]) {
      const ours = createRng(seed);
      const theirs = mulberry32(seed);
      for (let k = 0; k < 50; k++) expect(theirs()).toBe(ours.next());
    }
  });

  it('10 rows, batch 4, seed 1: steps of 4, 4 and 2 rows in the documented shuffled order, losses 10.25, 42.5, 37, then 23.5', () => {
    const { mulberry32, shuffle } = documented();
    const next = mulberry32(1 ^ 0x2545f491);
    const epoch1 = Array.from({ length: 10 }, (_, i) => i);
    shuffle(epoch1, next);
    const epoch2 = Array.from({ length: 10 }, (_, i) => i);
    shuffle(epoch2, next);
    expect(epoch1).toEqual([6, 1, 2, 0, 3, 9, 4, 8, 5, 7]);
    expect(section(4)).toContain(`Epoch 1 visits rows **${epoch1.slice(0, 4).join(', ')} | ${epoch1.slice(4, 8).join(', ')} | ${epoch1.slice(8).join(', ')}**`);
    expect(section(4)).toContain(`Epoch 2 begins with rows ${epoch2.slice(0, 4).join(', ')}`);

    const passThrough = network([
      node({ id: 'x', type: 'input', features: ['x'] }),
      node({ id: 'out', type: 'output', loss: 'mse', targets: ['y'] }),
    ], [{ id: 'e1', source: 'x', target: 'out' }], { batchSize: 4, seed: 1 });
    const s = session(passThrough, rows([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], new Array(10).fill(0)));
    const meanSquare = (rs: number[]) => rs.reduce((t, r) => t + r * r, 0) / rs.length;
    const losses: number[] = [];
    const filled: number[] = [];
    for (let step = 0; step < 4; step++) {
      const r = s.stepBatches(1);
      if (r.kind !== 'ok') throw new Error(r.message);
      losses.push(r.loss);
      filled.push(s.state.sampleInEpoch);
    }
    expect(losses).toEqual([meanSquare(epoch1.slice(0, 4)), meanSquare(epoch1.slice(4, 8)), meanSquare(epoch1.slice(8)), meanSquare(epoch2.slice(0, 4))]);
    expect(losses).toEqual([10.25, 42.5, 37, 23.5]);
    expect(filled).toEqual([4, 8, 0, 4]);
    expect(s.state).toMatchObject({ step: 4, epoch: 1 });
    for (const l of losses) expect(section(4)).toContain(`**${l}**`);
    expect(section(4)).toContain('**⌈rows / batchSize⌉ steps**');
  });
});

describe('5. feature order and output order', () => {
  it('Inputs in file order, features in listed order, a repeated column once: x, y, z and [1, 2, 3, 1]', () => {
    const d = network([
      node({ id: 'a', type: 'input', features: ['x', 'y'] }),
      node({ id: 'b', type: 'input', features: ['z', 'x'] }),
      node({ id: 'cat', type: 'concat' }),
      node({ id: 'out', type: 'output', loss: 'mse', targets: ['t1', 't2', 't3', 't4'] }),
    ], [{ id: 'e1', source: 'a', target: 'cat' }, { id: 'e2', source: 'b', target: 'cat' }, { id: 'e3', source: 'cat', target: 'out' }]);
    const compiled = compileNetwork(d);
    if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
    expect(compiled.net.featureNames).toEqual(['x', 'y', 'z']);
    expect(compiled.net.targetNames).toEqual(['t1', 't2', 't3', 't4']);
    expect(Array.from(compiled.net.forward(f32([1, 2, 3]), 1))).toEqual([1, 2, 3, 1]);
    // Swap the Inputs in the file: the feature order follows the file.
    const swapped = compileNetwork({ ...d, nodes: [d.nodes[1]!, d.nodes[0]!, ...d.nodes.slice(2)] });
    expect(swapped.ok && swapped.net.featureNames).toEqual(['z', 'x', 'y']);
    // The ONNX model's input lists the same order.
    const onnx = exportOnnx(d);
    if (!onnx.ok) throw new Error(onnx.message);
    expect(JSON.parse(decodeModel(onnx.bytes).metadata['netwright.featureNames']!)).toEqual(['x', 'y', 'z']);
    expect(section(5)).toContain('The network\'s features are **x, y, z**; `forward --input 1,2,3` gives **[1, 2, 3, 1]**');
  });
});

describe('6. Concat order', () => {
  const concat = (edges: NetworkEdge[]) => network([
    node({ id: 'a', type: 'input', features: ['a'] }),
    node({ id: 'b', type: 'input', features: ['b'] }),
    node({ id: 'c', type: 'input', features: ['c'] }),
    node({ id: 'cat', type: 'concat' }),
    node({ id: 'out', type: 'output', loss: 'mse', targets: ['t1', 't2', 't3'] }),
  ], [...edges, { id: 'e30', source: 'cat', target: 'out' }]);
  const run = (d: NetworkDocument) => {
    const compiled = compileNetwork(d);
    if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
    return Array.from(compiled.net.forward(f32([1, 2, 3]), 1));
  };

  it('without order: file order, never the id sort (e9, e10, e11 give [1, 2, 3])', () => {
    expect(run(concat([{ id: 'e9', source: 'a', target: 'cat' }, { id: 'e10', source: 'b', target: 'cat' }, { id: 'e11', source: 'c', target: 'cat' }]))).toEqual([1, 2, 3]);
    expect(run(concat([{ id: 'e11', source: 'c', target: 'cat' }, { id: 'e9', source: 'a', target: 'cat' }, { id: 'e10', source: 'b', target: 'cat' }]))).toEqual([3, 1, 2]);
    expect(section(6)).toContain('the Concat gives **[1, 2, 3]**');
  });

  it('explicit orders first, ascending; edges without one after them; equal orders in file order', () => {
    expect(run(concat([
      { id: 'e1', source: 'a', target: 'cat' },
      { id: 'e2', source: 'b', target: 'cat', order: 5 },
      { id: 'e3', source: 'c', target: 'cat', order: 5 },
    ]))).toEqual([2, 3, 1]);
    expect(run(concat([
      { id: 'e1', source: 'a', target: 'cat', order: 1 },
      { id: 'e2', source: 'b', target: 'cat', order: 0 },
      { id: 'e3', source: 'c', target: 'cat' },
    ]))).toEqual([2, 1, 3]);
    expect(section(6)).toContain('edges without `order` come after those with one; ties (equal `order`, or both without) keep **file order**');
  });

  it('the v2 fixture that relied on the id sort still gives [2, 3, 1] after its migration', () => {
    const loaded = parseDocument(read('tests/core/fixtures/v2-concat-by-id.netwright'));
    if (!loaded.ok) throw new Error(loaded.message);
    const compiled = compileNetwork(loaded.doc);
    if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
    expect(Array.from(compiled.net.forward(f32([1, 2, 3]), 1)).slice(0, 3)).toEqual([2, 3, 1]);
    expect(section(6)).toContain('so it still gives **[2, 3, 1]**');
  });
});

describe('7. rules the validator adds to the schema', () => {
  const input = (id: string, features = [id]) => node({ id, type: 'input', features });
  const dense = (id: string, units: number, activation: string, extra: Record<string, unknown> = {}) => node({ id, type: 'dense', units, activation, useBias: true, ...extra });
  const output = (loss: string, targets: string[], id = 'out') => node({ id, type: 'output', loss, targets });
  const e = (id: string, source: string, target: string, extra: Partial<NetworkEdge> = {}): NetworkEdge => ({ id, source, target, ...extra });
  const cases: [string, NetworkDocument, string][] = [
    ['no Output', network([input('x'), dense('h', 2, 'relu')], [e('e1', 'x', 'h')]), 'no-output'],
    ['two Outputs', network([input('x'), dense('h', 1, 'linear'), output('mse', ['y']), output('mse', ['y'], 'out2')], [e('e1', 'x', 'h'), e('e2', 'h', 'out'), e('e3', 'h', 'out2')]), 'multiple-outputs'],
    ['an Output receiving 3 values with one target', network([input('x'), dense('h', 3, 'linear'), output('mse', ['y'])], [e('e1', 'x', 'h'), e('e2', 'h', 'out')]), 'output-size-mismatch'],
    ['binary cross-entropy with two targets', network([input('x'), dense('h', 2, 'sigmoid'), output('binaryCrossEntropy', ['a', 'b'])], [e('e1', 'x', 'h'), e('e2', 'h', 'out')]), 'loss-activation-mismatch'],
    ['binary cross-entropy after a relu', network([input('x'), dense('h', 1, 'relu'), output('binaryCrossEntropy', ['y'])], [e('e1', 'x', 'h'), e('e2', 'h', 'out')]), 'loss-activation-mismatch'],
    ['softmax cross-entropy over one value', network([input('x'), dense('h', 1, 'sigmoid'), output('softmaxCrossEntropy', ['y'])], [e('e1', 'x', 'h'), e('e2', 'h', 'out')]), 'loss-activation-mismatch'],
    ['softmax cross-entropy after tanh', network([input('x'), dense('h', 3, 'tanh'), output('softmaxCrossEntropy', ['a', 'b', 'c'])], [e('e1', 'x', 'h'), e('e2', 'h', 'out')]), 'loss-activation-mismatch'],
    ['a Neuron with softmax', network([input('x'), node({ id: 'n', type: 'neuron', activation: 'softmax', bias: 0 }), output('mse', ['y'])], [e('e1', 'x', 'n'), e('e2', 'n', 'out')]), 'softmax-not-before-output'],
    ['two edges into an Activation', network([input('x'), input('z'), node({ id: 'act', type: 'activation', activation: 'relu' }), output('mse', ['y'])], [e('e1', 'x', 'act'), e('e2', 'z', 'act'), e('e3', 'act', 'out')]), 'too-many-inputs'],
    ['an Add of 3 and 2 values', network([input('x'), dense('h1', 3, 'relu'), dense('h2', 2, 'relu'), node({ id: 'add', type: 'add' }), output('mse', ['a', 'b', 'c'])], [e('e1', 'x', 'h1'), e('e2', 'x', 'h2'), e('e3', 'h1', 'add'), e('e4', 'h2', 'add'), e('e5', 'add', 'out')]), 'add-size-mismatch'],
    ['a cycle', network([input('x'), dense('h1', 1, 'relu'), dense('h2', 1, 'relu'), output('mse', ['y'])], [e('e1', 'x', 'h1'), e('e2', 'h1', 'h2'), e('e3', 'h2', 'h1'), e('e4', 'h2', 'out')]), 'cycle'],
    ['2 weights from 3 values into one Neuron', network([input('x', ['a', 'b', 'c']), node({ id: 'n', type: 'neuron', activation: 'linear', bias: 0 }), output('mse', ['y'])], [e('e1', 'x', 'n', { weights: [1, 2] }), e('e2', 'n', 'out')]), 'weights-wrong-length'],
    ['2 biases on a 3-unit layer', network([input('x'), dense('h', 3, 'linear', { bias: [0, 0] }), output('mse', ['a', 'b', 'c'])], [e('e1', 'x', 'h'), e('e2', 'h', 'out')]), 'bias-wrong-length'],
  ];

  it.each(cases.map(([what, d, code]) => [what, code, d] as const))('%s is refused (%s)', (_what, code, d) => {
    const report = validateDocument(d);
    expect(report.errors.map((p) => p.code)).toContain(code);
    expect(section(7)).toContain(`\`${code}\``);
    // It is a format rule, not a schema rule: the file itself loads.
    expect(compileNetwork(d).ok).toBe(false);
  });

  it('every code the table names is one the validator can give', () => {
    const named = [...section(7).matchAll(/`([a-z]+(?:-[a-z]+)+)`/g)].map((m) => m[1]!);
    const given = new Set(cases.map((c) => c[2]));
    const structural = ['no-targets', 'input-has-incoming', 'output-has-outgoing', 'self-loop', 'duplicate-edge', 'weights-on-unweighted'];
    for (const code of named) expect(given.has(code) || structural.includes(code)).toBe(true);
  });
});

describe('9. docs/exchange.md', () => {
  it('opset 17 exports are IR 8, opset 20 exports (gelu) IR 9, as the doc says', () => {
    const d = network([
      node({ id: 'x', type: 'input', features: ['x'] }),
      node({ id: 'h', type: 'dense', units: 2, activation: 'gelu', useBias: true }),
      node({ id: 'out', type: 'output', loss: 'mse', targets: ['a', 'b'] }),
    ], [{ id: 'e1', source: 'x', target: 'h' }, { id: 'e2', source: 'h', target: 'out' }]);
    const plain = network([...d.nodes.slice(0, 1), node({ id: 'h', type: 'dense', units: 2, activation: 'relu', useBias: true }), d.nodes[2]!], d.edges);
    const irOf = (x: NetworkDocument) => {
      const r = exportOnnx(x);
      if (!r.ok) throw new Error(r.message);
      const model = decodeModel(r.bytes);
      return [model.opsets[0]!.version, model.irVersion];
    };
    expect(irOf(plain)).toEqual([17, 8]);
    expect(irOf(d)).toEqual([20, 9]);
    expect(flat(read('docs/exchange.md'))).toContain('(**opset 17**, IR 8; opset 20, IR 9, when it uses gelu)');
  });
});

it('the doc opens its semantics with how to check it', () => {
  expect(doc).toContain('`tests/docs/semantics.test.ts` computes every one of them through the core');
});
