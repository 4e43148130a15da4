/**
 * Carrying trained weights across an edit. The trainer holds the weights while training; the document keeps the ones
 * it was loaded with. When the user edits the graph, the trained values are written into the edited document for
 * every edge and bias whose block still fits (same shape) and that the user did not change by hand, so a reload
 * continues from where training was.
 */
import type { NetworkDocument } from '../../core/document';
import { analyzeGraph, edgeBlockShape } from '../../core/graph';
import { shapeSize } from '../../core/kinds/kind';
import { readNodeSlot, writeParams } from '../../core/kinds/params';
import { slotShapes } from '../../core/validate';
import type { ParameterLayout } from '../../shared/protocol';

function sameNumbers(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * `doc` with the trained `params` (laid out by `layout`, which belongs to `loadedDoc`) written in where they fit,
 * through the core's one write-back (writeParams). A slot is written when its edge/node exists in both documents,
 * its shape is unchanged, and its value in `doc` equals its value in `loadedDoc` (a hand edit wins). Returns `doc`
 * itself when nothing changes.
 */
export function applySnapshotWeights(
  loadedDoc: NetworkDocument,
  doc: NetworkDocument,
  params: Float32Array,
  layout: ParameterLayout,
): NetworkDocument {
  if (params.length !== layout.size) return doc;
  const analysis = analyzeGraph(doc);
  const oldEdges = new Map(loadedDoc.edges.map((e) => [e.id, e]));
  const oldNodes = new Map(loadedDoc.nodes.map((n) => [n.id, n]));
  return writeParams(doc, layout, params, {
    edge(edge, block) {
      const before = oldEdges.get(edge.id);
      if (!before || before.source !== edge.source || before.target !== edge.target) return false;
      const shape = edgeBlockShape(analysis, edge);
      if (!shape || shape.rows !== block.rows || shape.cols !== block.cols) return false;
      return sameNumbers(before.weights, edge.weights);
    },
    node(node, slot, block) {
      const before = oldNodes.get(node.id);
      if (!before || before.type !== node.type) return false;
      const now = slotShapes(analysis, node).find((x) => x.name === slot && x.edgeId === undefined);
      if (!now || shapeSize(now.shape) !== block.length) return false;
      return sameNumbers(readNodeSlot(before, slot), readNodeSlot(node, slot));
    },
  });
}

/** What decides whether the trainer needs the document again: everything but node positions. */
export interface DocumentKeys {
  /** Nodes (without positions) and edges, weights included. */
  structure: string;
  data: string;
  training: string;
}

export function documentKeys(doc: NetworkDocument): DocumentKeys {
  const nodes = doc.nodes.map((n) => {
    const { position: _position, ...rest } = n;
    return rest;
  });
  return {
    structure: JSON.stringify([nodes, doc.edges]),
    data: JSON.stringify(doc.data),
    training: JSON.stringify(doc.training),
  };
}
