/**
 * Network.outputGradientSizes: the size of the gradient arriving at each node in the last backward, the numbers the
 * gradient pulses of edges into image nodes are drawn from.
 */
import { describe, expect, it } from 'vitest';
import { compileNetwork, type Network } from '../../src/core/network';
import { findTemplate } from '../../src/core/templates';
import { createRng } from '../../src/core/random';

function cnn(): Network {
  const compiled = compileNetwork(findTemplate('digits-cnn')!.build(), { seed: 3 });
  if (!compiled.ok) throw new Error(compiled.problems.map((p) => p.message).join(' '));
  return compiled.net;
}

function example(net: Network, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: net.inputSize }, () => rng.uniform(0, 1));
  const y = new Float32Array(net.targetNames.length);
  y[seed % y.length] = 1;
  return { x, y };
}

const rms = (v: Float32Array) => Math.sqrt(v.reduce((s, g) => s + g * g, 0) / v.length);
const IMAGE_NODES = ['conv1', 'pool1', 'conv2', 'pool2', 'flatten'];

describe('the size of the gradient arriving at each node', () => {
  it('is empty before any backward', () => {
    expect(cnn().outputGradientSizes(IMAGE_NODES)).toEqual({});
  });

  it('is the RMS of dLoss/dOutput of the example for a batch of one (what explain shows)', () => {
    const net = cnn();
    const { x, y } = example(net, 4);
    const explained = net.explain(x, y);
    net.forward(x, 1, { training: true });
    net.backward(y, 1);
    const sizes = net.outputGradientSizes([...IMAGE_NODES, 'nowhere']);
    expect(Object.keys(sizes).sort()).toEqual([...IMAGE_NODES].sort());
    for (const id of IMAGE_NODES) {
      const expected = rms(explained.nodes[id]!.outputGrad!);
      expect(expected).toBeGreaterThan(0);
      expect(sizes[id]).toBeCloseTo(expected, 6);
    }
  });

  it('is per example: a batch of the same example repeated gives the size of one', () => {
    const net = cnn();
    const { x, y } = example(net, 7);
    net.forward(x, 1, { training: true });
    net.backward(y, 1);
    const one = net.outputGradientSizes(IMAGE_NODES);
    const batch = 5;
    const xs = new Float32Array(batch * x.length);
    const ys = new Float32Array(batch * y.length);
    for (let r = 0; r < batch; r++) {
      xs.set(x, r * x.length);
      ys.set(y, r * y.length);
    }
    net.forward(xs, batch, { training: true });
    net.backward(ys, batch);
    const many = net.outputGradientSizes(IMAGE_NODES);
    for (const id of IMAGE_NODES) expect(many[id]! / one[id]!).toBeCloseTo(1, 4);
  });

  it('is not disturbed by explain mode on another batch size (it keeps the last training batch)', () => {
    const net = cnn();
    const a = example(net, 1);
    const b = example(net, 2);
    const xs = new Float32Array([...a.x, ...b.x]);
    const ys = new Float32Array([...a.y, ...b.y]);
    net.forward(xs, 2, { training: true });
    net.backward(ys, 2);
    const before = net.outputGradientSizes(IMAGE_NODES);
    net.explain(b.x, b.y);
    expect(net.outputGradientSizes(IMAGE_NODES)).toEqual(before);
  });
});
