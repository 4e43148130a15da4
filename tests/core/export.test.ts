/** Weights as JSON and CSV: one row per parameter, float32 values that read back bit for bit. */
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { float32Text, weightsCsv, weightsJson } from '../../src/core/export';
import { compileNetwork } from '../../src/core/network';
import { findTemplate } from '../../src/core/templates';
import { build, node } from './helpers/build';

const worked = () => findTemplate('worked-example')!.build();

describe('weights export', () => {
  it('lists the worked example\'s weights and biases by neuron name', () => {
    const result = weightsCsv(worked());
    if (!result.ok) throw new Error(result.message);
    expect(result.value.split('\r\n')).toEqual([
      'from,to,value',
      'x1,h1,0.5', 'x2,h1,-0.3', 'x1,h2,0.2', 'x2,h2,0.4', 'h1,out,1', 'h2,out,-1',
      'bias,h1,0.3', 'bias,h2,-0.1', 'bias,out,0.5',
      '',
    ]);
  });

  it('names the units of a block source[i] → target[j], row-major, and biases of every unit', () => {
    const doc = build([
      node('input', 'x', { features: ['a', 'b'] }),
      node('dense', 'h', { units: 3, activation: 'relu', bias: [7, 8, 9] }),
      node('output', 'out', { loss: 'mse', targets: ['p', 'q', 'r'] }),
    ], [['x', 'h', { weights: [1, 2, 3, 4, 5, 6] }], ['h', 'out']]);
    const json = weightsJson(doc);
    if (!json.ok) throw new Error(json.message);
    expect(json.value.rows.slice(0, 4)).toEqual([
      { from: 'x[0]', to: 'h[0]', value: 1 }, { from: 'x[0]', to: 'h[1]', value: 2 },
      { from: 'x[0]', to: 'h[2]', value: 3 }, { from: 'x[1]', to: 'h[0]', value: 4 },
    ]);
    expect(json.value.rows.slice(6)).toEqual([
      { from: 'bias', to: 'h[0]', value: 7 }, { from: 'bias', to: 'h[1]', value: 8 }, { from: 'bias', to: 'h[2]', value: 9 },
    ]);
    expect(json.value.edges).toEqual([{ id: 'e0', from: 'x', to: 'h', rows: 2, cols: 3, weights: [1, 2, 3, 4, 5, 6] }]);
    expect(json.value.biases).toEqual([{ node: 'h', id: 'h', values: [7, 8, 9] }]);
  });

  it('writes trained parameters when given, and every float32 reads back bit for bit', () => {
    const doc = findTemplate('spiral')!.build();
    const compiled = compileNetwork(doc);
    if (!compiled.ok) throw new Error('compile');
    const params = compiled.net.params.map((v, i) => v * (1 + i / 7));
    const csv = weightsCsv(doc, params);
    if (!csv.ok) throw new Error(csv.message);
    const rows = Papa.parse<string[]>(csv.value.trim(), { skipEmptyLines: true }).data.slice(1);
    expect(rows).toHaveLength(params.length);
    const back = new Float32Array(rows.map((r) => Number(r[2])));
    expect([...back].sort()).toEqual([...params].sort());
  });

  it('quotes names with commas and quotes, and tells repeated names apart by id', () => {
    const doc = build([
      node('input', 'x', { name: 'a, "b"', features: ['a'] }),
      node('neuron', 'n1', { name: 'h', bias: 0 }),
      node('neuron', 'n2', { name: 'h', bias: 0 }),
      node('add', 's'),
      node('output', 'out', { loss: 'mse', targets: ['y'] }),
    ], [['x', 'n1', { weights: [1] }], ['x', 'n2', { weights: [2] }], ['n1', 's'], ['n2', 's'], ['s', 'out']]);
    const csv = weightsCsv(doc);
    if (!csv.ok) throw new Error(csv.message);
    const parsed = Papa.parse<string[]>(csv.value.trim()).data;
    expect(parsed[1]).toEqual(['a, "b"', 'h (n1)', '1']);
    expect(parsed[2]).toEqual(['a, "b"', 'h (n2)', '2']);
  });

  it('refuses a network that does not run, and parameters of the wrong length', () => {
    const broken = build([node('input', 'x', { features: ['a'] })], []);
    expect(weightsCsv(broken)).toMatchObject({ ok: false, message: expect.stringMatching(/^Cannot export the weights: /) });
    expect(weightsJson(worked(), new Float32Array(3))).toMatchObject({ ok: false, message: expect.stringMatching(/3 parameters were given but the network has 9/) });
  });

  it('float32Text reads back to the same float32, in at most 9 significant digits', () => {
    expect(float32Text(0.1)).toBe('0.1');
    expect(float32Text(Math.fround(1 / 3))).toBe('0.33333334');
    expect(float32Text(-0)).toBe('-0');
    expect(float32Text(Math.fround(16777217))).toBe('16777216');
    fc.assert(fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (f) => {
      const text = float32Text(f);
      expect(Object.is(Math.fround(Number(text)), f)).toBe(true);
      expect(text.replace(/e.*$/, '').replace(/[^0-9]/g, '').replace(/^0+/, '').replace(/0+$/, '').length).toBeLessThanOrEqual(9);
    }), { numRuns: 2000 });
  });
});
