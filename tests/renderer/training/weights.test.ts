import { describe, expect, it } from 'vitest';
import type { DenseNode, NetworkDocument } from '../../../src/core/document';
import { setNodeField } from '../../../src/core/edit';
import { compileNetwork } from '../../../src/core/network';
import { findTemplate } from '../../../src/core/templates';
import type { ParameterLayout } from '../../../src/shared/protocol';
import { applySnapshotWeights, documentKeys } from '../../../src/renderer/training/weights';

/** The spiral template compiled as the trainer would: its layout, and params filled with 1, 2, 3, … so each is traceable. */
function trained(): { doc: NetworkDocument; params: Float32Array; layout: ParameterLayout } {
  const doc = findTemplate('spiral')!.build();
  const compiled = compileNetwork(doc);
  if (!compiled.ok) throw new Error(compiled.problems.map((p) => p.message).join(' '));
  const { layout } = compiled.net;
  const params = Float32Array.from({ length: layout.size }, (_, i) => i + 1);
  return { doc, params, layout: { size: layout.size, edges: { ...layout.edges }, biases: { ...layout.biases } } };
}

const block = (params: Float32Array, b: { offset: number; rows: number; cols: number }) =>
  Array.from(params.subarray(b.offset, b.offset + b.rows * b.cols));

describe('writing trained weights into an edited document', () => {
  it('writes every block when only an activation changed', () => {
    const { doc, params, layout } = trained();
    const edited = (setNodeField(doc, 'hidden2', 'activation', 'relu') as { ok: true; doc: NetworkDocument }).doc;
    const out = applySnapshotWeights(doc, edited, params, layout);
    for (const edge of out.edges) {
      const b = layout.edges[edge.id];
      if (b) expect(edge.weights).toEqual(block(params, b));
    }
    const h2 = out.nodes.find((n) => n.id === 'hidden2') as DenseNode;
    expect(h2.activation).toBe('relu');
    expect(h2.bias).toEqual(Array.from(params.subarray(layout.biases.hidden2!.offset, layout.biases.hidden2!.offset + 8)));
  });

  it('leaves blocks whose shape changed (a layer resized) for the initialiser, and writes the rest', () => {
    const { doc, params, layout } = trained();
    const edited = (setNodeField(doc, 'hidden2', 'units', 4) as { ok: true; doc: NetworkDocument }).doc;
    const out = applySnapshotWeights(doc, edited, params, layout);
    const byEdge = (source: string, target: string) => out.edges.find((e) => e.source === source && e.target === target)!;
    // hidden1 → hidden2 was 8×8, now 8×4; hidden2 → last was 8×1, now 4×1: neither fits.
    expect(byEdge('hidden1', 'hidden2').weights).toBeUndefined();
    expect(byEdge('hidden2', 'last').weights).toBeUndefined();
    expect((out.nodes.find((n) => n.id === 'hidden2') as DenseNode).bias).toBeUndefined();
    // x → hidden1 and y → hidden1 are unchanged: trained values.
    const x = byEdge('x', 'hidden1');
    expect(x.weights).toEqual(block(params, layout.edges[x.id]!));
    expect((out.nodes.find((n) => n.id === 'last') as DenseNode).bias).toEqual([params[layout.biases.last!.offset]]);
  });

  it('returns the same document when the parameters do not match the layout', () => {
    const { doc, layout } = trained();
    expect(applySnapshotWeights(doc, doc, new Float32Array(3), layout)).toBe(doc);
  });

  it('ignores positions when deciding whether the trainer needs the document again', () => {
    const { doc } = trained();
    const moved = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: { x: n.position.x + 40, y: n.position.y - 7 } })) };
    expect(documentKeys(moved)).toEqual(documentKeys(doc));
    const renamed = (setNodeField(doc, 'hidden1', 'name', 'first') as { ok: true; doc: NetworkDocument }).doc;
    expect(documentKeys(renamed).structure).not.toBe(documentKeys(doc).structure);
  });
});
