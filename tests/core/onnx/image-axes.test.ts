/**
 * Kinds that act along an axis, applied to an image-shaped value: the ONNX export must compute the same function in
 * ONNX Runtime as Netwright does. Netwright's LayerNorm normalises over the last axis (an image's channels, at every
 * pixel: docs/semantics); a softmax (an Activation node, or a layer's own) is over each example's whole value.
 */
import { describe, expect, it } from 'vitest';
import type { NetworkDocument, NetworkNode } from '../../../src/core/document';
import { exampleNetwork, origin } from '../../../src/core/kinds/common';
import { imageInput } from '../../../src/core/kinds/image';
import { exportOnnx } from '../../../src/core/onnx/export';
import { importOnnx } from '../../../src/core/onnx/import';
import { createRng } from '../../../src/core/random';
import { compileOrThrow } from '../nn-helpers';
import { runOnnx } from './ort';

const targets = (n: number) => Array.from({ length: n }, (_, k) => `y${k + 1}`);

const CASES: { title: string; doc: () => NetworkDocument }[] = [
  {
    title: 'LayerNorm of a 3×2×4 image (over its 4 channels at each pixel)',
    doc: () => exampleNetwork('layer norm of an image', [
      imageInput('a', [3, 2, 4]),
      { id: 'n', type: 'layerNorm', name: 'n', position: origin, epsilon: 1e-5, gamma: [0.5, 1, 1.5, 2], beta: [0.1, -0.2, 0.3, 0] },
      { id: 'f', type: 'flatten', name: 'f', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: targets(24) },
    ] satisfies NetworkNode[], [['a', 'n'], ['n', 'f'], ['f', 'out']]),
  },
  {
    title: 'LayerNorm of a convolution\'s feature maps',
    doc: () => exampleNetwork('layer norm of feature maps', [
      imageInput('a', [4, 4, 1]),
      { id: 'c', type: 'conv2d', name: 'c', position: origin, filters: 3, kernelSize: [2, 2], strides: [1, 1], padding: 'valid', activation: 'tanh', useBias: true },
      { id: 'n', type: 'layerNorm', name: 'n', position: origin, epsilon: 1e-5 },
      { id: 'f', type: 'flatten', name: 'f', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: targets(27) },
    ] satisfies NetworkNode[], [['a', 'c'], ['c', 'n'], ['n', 'f'], ['f', 'out']]),
  },
  {
    title: 'a softmax Activation of a 3×2×2 image',
    doc: () => exampleNetwork('softmax of an image', [
      imageInput('a', [3, 2, 2]),
      { id: 's', type: 'activation', name: 's', position: origin, activation: 'softmax' },
      { id: 'f', type: 'flatten', name: 'f', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: targets(12) },
    ] satisfies NetworkNode[], [['a', 's'], ['s', 'f'], ['f', 'out']]),
  },
  {
    title: 'a Conv2D with a softmax activation',
    doc: () => exampleNetwork('conv with softmax', [
      imageInput('a', [3, 3, 2]),
      { id: 'c', type: 'conv2d', name: 'c', position: origin, filters: 2, kernelSize: [2, 2], strides: [1, 1], padding: 'valid', activation: 'softmax', useBias: true },
      { id: 'f', type: 'flatten', name: 'f', position: origin },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: targets(8) },
    ] satisfies NetworkNode[], [['a', 'c'], ['c', 'f'], ['f', 'out']]),
  },
];

const BATCH = 3;

describe('ONNX export of axis-wise kinds on images', () => {
  for (const c of CASES) {
    it(`${c.title}: ONNX Runtime gives Netwright's outputs`, async () => {
      const doc = c.doc();
      const net = compileOrThrow(doc);
      const rng = createRng(9);
      const x = Float32Array.from({ length: BATCH * net.inputSize }, () => rng.uniform(-2, 2));
      const expected = Float32Array.from(net.forward(x, BATCH));
      const exported = exportOnnx(doc, { params: net.params });
      if (!exported.ok) throw new Error(exported.message);
      const got = await runOnnx(exported.bytes, x, BATCH, net.inputSize);
      expect(got.dims).toEqual([BATCH, net.outputSize]);
      got.data.forEach((v, i) => expect(Math.abs(v - expected[i]!), `output ${i}: ONNX ${v} vs Netwright ${expected[i]}`).toBeLessThanOrEqual(1e-5));
    });

    it(`${c.title}: export→import computes the same outputs`, () => {
      const doc = c.doc();
      const net = compileOrThrow(doc);
      const exported = exportOnnx(doc, { params: net.params });
      if (!exported.ok) throw new Error(exported.message);
      const imported = importOnnx(exported.bytes);
      if (!imported.ok) throw new Error(imported.message);
      const back = compileOrThrow(imported.doc);
      const rng = createRng(10);
      const x = Float32Array.from({ length: BATCH * net.inputSize }, () => rng.uniform(-2, 2));
      const expected = Float32Array.from(net.forward(x, BATCH));
      back.forward(x, BATCH).forEach((v, i) => expect(Math.abs(v - expected[i]!), `output ${i}`).toBeLessThanOrEqual(1e-5));
    });
  }
});
