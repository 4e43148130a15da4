import { describe, expect, it } from 'vitest';
import type { NetworkDocument } from '../../src/core/document';
import { explainConvPixel } from '../../src/core/explainConv';
import { compileNetwork, type Network } from '../../src/core/network';
import { createRng } from '../../src/core/random';
import { findTemplate } from '../../src/core/templates';

function compile(doc: NetworkDocument): Network {
  const compiled = compileNetwork(doc, { seed: 5 });
  if (!compiled.ok) throw new Error(compiled.problems.map((p) => p.message).join(' '));
  // Non-zero biases, so a missing bias in the explanation would show.
  const rng = createRng(9);
  for (const block of Object.values(compiled.net.layout.nodes)) {
    if (block.bias) for (let k = 0; k < block.bias.length; k++) compiled.net.params[block.bias.offset + k] = rng.uniform(-0.5, 0.5);
  }
  return compiled.net;
}

function image(net: Network, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: net.inputSize }, () => rng.uniform(0, 1));
}

const cnn = () => findTemplate('digits-cnn')!.build();

/** The CNN with its first convolution padded 'same' and striding 2 (28 → 14), the rest as in the template. */
function paddedCnn(): NetworkDocument {
  const doc = cnn();
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === 'conv1' && n.type === 'conv2d' ? { ...n, padding: 'same' as const, strides: [2, 2] as [number, number], kernelSize: [4, 4] as [number, number] } : n)) };
}

describe('explain one output pixel of a convolution', () => {
  for (const [label, make, nodeId] of [
    ['conv1 of the digits CNN (1 input channel)', cnn, 'conv1'],
    ['conv2 of the digits CNN (8 input channels)', cnn, 'conv2'],
    ['a 4×4 kernel, stride 2, padding same', paddedCnn, 'conv1'],
  ] as const) {
    it(`${label}: z = Σ w·x + b equals the core's forward value at every pixel tried`, () => {
      const net = compile(make());
      const x = image(net, 3);
      const [oh, ow, filters] = net.analysis.shapes[nodeId]! as [number, number, number];
      let checked = 0;
      for (const row of [0, Math.floor(oh / 2), oh - 1]) {
        for (const col of [0, Math.floor(ow / 2), ow - 1]) {
          for (const filter of [0, filters - 1]) {
            const r = explainConvPixel(net, x, nodeId, { row, col, filter });
            if (!r.ok) throw new Error(r.message);
            const e = r.value;
            expect(e.channels).toHaveLength(net.analysis.shapes[e.sourceId]![2]!);
            const sum = e.channels.reduce((s, ch) => s + ch.patch.reduce((t, v, k) => t + v * ch.weights[k]!, 0), 0);
            expect(e.sum).toBeCloseTo(sum, 10);
            expect(e.bias).not.toBeNull();
            expect(e.z).toBeCloseTo(e.sum + e.bias!, 10);
            expect(Math.abs(e.z - e.forwardZ)).toBeLessThan(1e-5 * Math.max(1, Math.abs(e.z)));
            expect(e.a).toBe(Math.max(0, e.forwardZ));
            checked++;
          }
        }
      }
      expect(checked).toBe(18);
    });
  }

  it('reads the patch from the input under the window, and marks the padded cells of a window over the edge', () => {
    const net = compile(paddedCnn());
    const x = image(net, 4);
    const r = explainConvPixel(net, x, 'conv1', { row: 0, col: 0, filter: 2 });
    if (!r.ok) throw new Error(r.message);
    // 28 → 14 with a 4×4 kernel and stride 2: pad = 13·2 + 4 − 28 = 2, one row and column above and left.
    expect(r.value.origin).toEqual([-1, -1]);
    expect(r.value.padded.slice(0, 4)).toEqual([true, true, true, true]);
    expect(r.value.padded.filter((p, k) => p !== (k < 4 || k % 4 === 0))).toEqual([]);
    const patch = r.value.channels[0]!.patch;
    // Cell (ky=1, kx=1) is input pixel (0, 0); (ky=2, kx=3) is (1, 2).
    expect(patch[1 * 4 + 1]).toBe(x[0]);
    expect(patch[2 * 4 + 3]).toBe(x[1 * 28 + 2]);
    expect(patch[0]).toBe(0);
  });

  it('a different filter is a different sum: the explained z is that filter\'s, not any other', () => {
    const net = compile(cnn());
    const x = image(net, 6);
    const a = explainConvPixel(net, x, 'conv1', { row: 5, col: 7, filter: 0 });
    const b = explainConvPixel(net, x, 'conv1', { row: 5, col: 7, filter: 1 });
    if (!a.ok || !b.ok) throw new Error('no explanation');
    expect(a.value.z).not.toBeCloseTo(b.value.z, 3);
    expect(a.value.channels[0]!.patch).toEqual(b.value.channels[0]!.patch);
  });

  it('says what is wrong with a pixel outside the map, a node that is no convolution, or a wrong example', () => {
    const net = compile(cnn());
    const x = image(net, 1);
    const fail = (r: ReturnType<typeof explainConvPixel>) => (r.ok ? 'ok' : r.message);
    expect(fail(explainConvPixel(net, x, 'conv1', { row: 26, col: 0, filter: 0 }))).toBe('Row 26 is outside "conv1"\'s 26 rows (0 to 25).');
    expect(fail(explainConvPixel(net, x, 'conv1', { row: 0, col: -1, filter: 0 }))).toMatch(/Column -1 is outside "conv1"'s 26 columns/);
    expect(fail(explainConvPixel(net, x, 'conv2', { row: 0, col: 0, filter: 16 }))).toMatch(/Filter 16 is outside "conv2"'s 16 filters/);
    expect(fail(explainConvPixel(net, x, 'pool1', { row: 0, col: 0, filter: 0 }))).toBe('There is no Conv2D "pool1" in the network.');
    expect(fail(explainConvPixel(net, x.subarray(1), 'conv1', { row: 0, col: 0, filter: 0 }))).toBe('The example has 783 values; the network reads 784.');
  });
});
