import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IRIS_CLASSES, IRIS_FEATURES } from '../../src/core/data';
import { parseDocument, serializeDocument } from '../../src/core/serialize';
import { COLUMN_STEP, ROW_STEP, TEMPLATES, findTemplate } from '../../src/core/templates';
import { validateDocument } from '../../src/core/validate';
import { evaluateAll, featureNames } from './helpers/reference-eval';

const EXPECTED_PARAMETERS: Record<string, number> = {
  'worked-example': 2 * 2 + 2 + 2 + 1, // 9
  xor: 2 * 4 + 4 + 4 + 1, // 17
  spiral: 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1, // 105
  iris: 4 * 8 + 8 + 8 * 3 + 3, // 67
  regression: 2 * 8 + 8 + 8 + 1, // 33
  'digits-mlp': 784 * 128 + 128 + 128 * 10 + 10, // 101,770
  'digits-cnn': 3 * 3 * 1 * 8 + 8 + 3 * 3 * 8 * 16 + 16 + 400 * 10 + 10, // 5,258
};

describe('templates', () => {
  it('has the seven templates of the menu, with distinct ids', () => {
    expect(TEMPLATES.map((t) => t.id)).toEqual(['worked-example', 'xor', 'spiral', 'iris', 'regression', 'digits-mlp', 'digits-cnn']);
  });

  describe.each(TEMPLATES.map((t) => [t.id, t] as const))('%s', (id, template) => {
    it('is valid, with no warnings', () => {
      const report = validateDocument(template.build());
      expect(report.errors).toEqual([]);
      expect(report.warnings).toEqual([]);
    });

    it(`has ${EXPECTED_PARAMETERS[id]} parameters`, () => {
      expect(validateDocument(template.build()).parameterCount).toBe(EXPECTED_PARAMETERS[id]);
    });

    it('is laid out left to right on the grid', () => {
      const doc = template.build();
      const byId = new Map(doc.nodes.map((n) => [n.id, n]));
      for (const n of doc.nodes) {
        expect(n.position.x % COLUMN_STEP).toBe(0);
        expect(Math.abs((2 * n.position.y) % ROW_STEP)).toBe(0);
      }
      for (const e of doc.edges) expect(byId.get(e.source)!.position.x).toBeLessThan(byId.get(e.target)!.position.x);
      const spots = new Set(doc.nodes.map((n) => `${n.position.x},${n.position.y}`));
      expect(spots.size).toBe(doc.nodes.length);
    });

    it('builds a fresh document every time', () => {
      const a = template.build();
      a.nodes[0]!.name = 'changed';
      a.edges.pop();
      expect(template.build()).not.toEqual(a);
      expect(template.build()).toEqual(template.build());
    });

    it('saves and loads unchanged', () => {
      const doc = template.build();
      const parsed = parseDocument(serializeDocument(doc));
      expect(parsed).toEqual({ ok: true, doc });
    });

    it('gives new ids past its own', () => {
      const doc = template.build();
      const numbers = [...doc.nodes, ...doc.edges].map((x) => Number(/(\d+)$/.exec(x.id)?.[1] ?? 0));
      expect(doc.nextId).toBeGreaterThan(Math.max(...numbers));
    });
  });

  it('worked example: weights on every weighted edge, and output 0.45 for x1 = 1, x2 = 2', () => {
    const doc = findTemplate('worked-example')!.build();
    for (const e of doc.edges) {
      const target = doc.nodes.find((n) => n.id === e.target)!;
      if (target.type === 'neuron') expect(e.weights).toHaveLength(1);
      else expect(e.weights).toBeUndefined();
    }
    const values = evaluateAll(doc, { x1: 1, x2: 2 });
    // h1 = relu(0.5·1 − 0.3·2 + 0.3) = 0.2; h2 = relu(0.2·1 + 0.4·2 − 0.1) = 0.9; out = σ(0.2 − 0.9 + 0.5) = σ(−0.2)
    expect(values.get('h1')![0]).toBeCloseTo(0.2, 12);
    expect(values.get('h2')![0]).toBeCloseTo(0.9, 12);
    expect(values.get('output')![0]).toBeCloseTo(1 / (1 + Math.exp(0.2)), 12);
    expect(values.get('output')![0]!.toFixed(2)).toBe('0.45');
    expect(doc.training).toMatchObject({ optimizer: 'sgd', learningRate: 0.1, batchSize: 1, initializer: 'document' });
    // Its one training example, x = (1, 2) with target 1, so Step has something to learn from.
    expect(doc.data).toMatchObject({ kind: 'csv', text: 'x1,x2,y\n1,2,1\n', roles: { x1: 'feature', x2: 'feature', y: 'target' }, trainRatio: 1 });
  });

  it('iris uses the data set\'s feature and class names', () => {
    const doc = findTemplate('iris')!.build();
    expect(featureNames(doc)).toEqual([...IRIS_FEATURES]);
    const output = doc.nodes.find((n) => n.type === 'output')!;
    expect(output.type === 'output' && output.targets).toEqual([...IRIS_CLASSES]);
  });

  it.each([
    ['xor', 'label'], ['spiral', 'label'], ['regression', 'value'],
  ])('%s reads x and y and predicts %s', (id, target) => {
    const doc = findTemplate(id)!.build();
    expect(featureNames(doc)).toEqual(['x', 'y']);
    const output = doc.nodes.find((n) => n.type === 'output')!;
    expect(output.type === 'output' && output.targets).toEqual([target]);
    expect(doc.data.kind === 'builtin' && doc.data.features).toEqual(['x', 'y']);
  });

  it.each(['worked-example', 'digits-mlp', 'digits-cnn'])('the committed examples/%s.netwright is exactly what serializeDocument writes', (id) => {
    const path = fileURLToPath(new URL(`../../examples/${id}.netwright`, import.meta.url));
    expect(readFileSync(path, 'utf8')).toBe(serializeDocument(findTemplate(id)!.build()));
  });

  it('the digits CNN reads 28×28×1 images through conv, pool, conv, pool and flatten into 10 classes', () => {
    const doc = findTemplate('digits-cnn')!.build();
    const shapes = validateDocument(doc).shapes;
    expect(doc.nodes.map((n) => [n.type, shapes[n.id]])).toEqual([
      ['input', [28, 28, 1]], ['conv2d', [26, 26, 8]], ['maxPool2d', [13, 13, 8]], ['conv2d', [11, 11, 16]], ['maxPool2d', [5, 5, 16]],
      ['flatten', [400]], ['dense', [10]], ['output', [10]],
    ]);
  });
});
