/**
 * The training memory estimate (the status bar's figure and the trainer's refusal) must cover every buffer a
 * training workspace really allocates: each kind's output, pre-activation and gradients, and its own workspace
 * (Conv2D's im2col patches and their gradient), for a training batch and for an evaluation chunk.
 */
import { describe, expect, it } from 'vitest';
import type { NetworkDocument, NetworkNode } from '../../src/core/document';
import { KIND_LIST } from '../../src/core/kinds';
import { exampleNetwork, origin } from '../../src/core/kinds/common';
import { imageInput } from '../../src/core/kinds/image';
import type { Workspace } from '../../src/core/kinds/kind';
import { compilePlan } from '../../src/core/network/compile';
import { TEMPLATES } from '../../src/core/templates';
import { estimateTrainingMemory, trainingMemoryProblem } from '../../src/core/trainingMemory';
import { validateDocument } from '../../src/core/validate';

const EVALUATION_CHUNK = 256;

/** Bytes of every distinct buffer one workspace of `batch` examples allocates (aliases counted once). */
function allocatedBytes(doc: NetworkDocument, batch: number): number {
  const compiled = compilePlan(doc);
  if (!compiled.ok) throw new Error(compiled.problems.map((p) => p.message).join('; '));
  const nodes = compiled.value.plan.nodes;
  const n = nodes.length;
  const ws: Workspace = {
    batch, a: new Array(n), z: new Array(n).fill(null), da: new Array(n).fill(null), dz: new Array(n).fill(null),
    scratch: new Array(n).fill(null), target: new Float32Array(0), training: false,
  };
  nodes.forEach((p, i) => p.kind.allocate(ws, p, i));
  const buffers = new Set<Float32Array>();
  for (const list of [ws.a, ws.z, ws.da, ws.dz, ws.scratch]) for (const b of list) if (b) buffers.add(b);
  let bytes = 0;
  for (const b of buffers) bytes += b.byteLength;
  return bytes;
}

function covers(doc: NetworkDocument, batch: number): void {
  const report = validateDocument(doc);
  expect(report.errors).toEqual([]);
  const estimate = estimateTrainingMemory(report, { optimizer: 'sgd', batchSize: batch });
  expect(estimate.activations).toBeGreaterThanOrEqual(allocatedBytes(doc, batch) + allocatedBytes(doc, EVALUATION_CHUNK));
}

/** Conv 5×5 over 16 channels: its patches (400 values per output pixel, twice) dwarf its 4 filters' outputs. */
const wideConv = (size: number): NetworkDocument => exampleNetwork('wide conv', [
  imageInput('a', [size, size, 16]),
  { id: 'c', type: 'conv2d', name: 'c', position: origin, filters: 4, kernelSize: [5, 5], strides: [1, 1], padding: 'same', activation: 'relu', useBias: true },
  { id: 'g', type: 'globalAveragePool', name: 'g', position: origin },
  { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1', 'y2', 'y3', 'y4'] },
] satisfies NetworkNode[], [['a', 'c'], ['c', 'g'], ['g', 'out']]);

describe('training memory estimate', () => {
  for (const kind of KIND_LIST) {
    kind.examples.networks().forEach((doc, k) => {
      it(`covers what a ${kind.type} example network (${k + 1}: ${doc.name}) allocates, batch 32`, () => covers(doc, 32));
    });
  }
  for (const t of TEMPLATES) {
    it(`covers what the template ${t.id} allocates at its batch size`, () => {
      const doc = t.build();
      covers(doc, doc.training.batchSize);
    });
  }
  it('covers the im2col patches of a convolution over many channels', () => covers(wideConv(12), 32));

  it('counts a convolution\'s patches in the workspace per example', () => {
    // 12×12 outputs (same padding) × 5·5·16 patch values × 2 (patches and their gradient).
    expect(validateDocument(wideConv(12)).workspacePerExample).toBe(12 * 12 * 400 * 2);
  });

  it('refuses, with the figure, a network whose patches (not its outputs) would exceed the limit', () => {
    const report = validateDocument(wideConv(32));
    const setup = { optimizer: 'sgd' as const, batchSize: 64 };
    // Outputs alone: well under 256 MB; with the patches (32·32·400·2 values per example): over it.
    const units = Object.values(report.sizes).reduce((a, b) => a + b, 0);
    expect(units * 16 * (64 + EVALUATION_CHUNK)).toBeLessThan(256 * 1024 * 1024);
    const message = trainingMemoryProblem(report, setup, 256 * 1024 * 1024);
    expect(message).toMatch(/^Training this network would need about \d+(\.\d)? GB of memory .* for activations at batch size 64\); the trainer's limit is 256 MB\. Make the network smaller or lower the batch size\.$/);
  });
});
