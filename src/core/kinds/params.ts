/**
 * Writing trained parameters back into a document: the one place that knows where a slot's values live in a file.
 * An edge slot lives in the edge's `weights`; a node slot where its kind's `write` puts it (a Neuron's bias is a
 * number, a Dense layer's bias a list, LayerNorm's gamma and beta lists). The training view, explain mode's Apply,
 * the command line and saving after training all call this.
 */
import type { NetworkDocument, NetworkEdge, NetworkNode } from '../document';
import { kindOf } from './index';
import type { SlotBlock } from './kind';

/** Where each slot's values sit in a flat parameter array (a ParamLayout, or the trainer protocol's copy of one). */
export interface SlotLayout {
  edges: Readonly<Record<string, { offset: number; rows: number; cols: number }>>;
  nodes?: Readonly<Record<string, Readonly<Record<string, SlotBlock | { offset: number; length: number }>>>>;
  /** Used when `nodes` is absent (an older layout): the 'bias' slot of each node. */
  biases?: Readonly<Record<string, { offset: number; length: number }>>;
}

export interface WriteOptions {
  /** Write this edge's block? Default: yes. */
  edge?(edge: NetworkEdge, block: { offset: number; rows: number; cols: number }): boolean;
  /** Write this node slot? Default: yes. */
  node?(node: NetworkNode, slot: string, block: { offset: number; length: number }): boolean;
}

/** A node with one of its slots set to `values`; the node itself when its kind has no such slot. */
export function writeNodeSlot(node: NetworkNode, slot: string, values: readonly number[]): NetworkNode {
  const spec = kindOf(node.type).slots.find((s) => s.on === 'node' && s.name === slot);
  return spec?.write ? (spec.write(node, values) as NetworkNode) : node;
}

/** The values a node stores for a slot (undefined: none yet). */
export function readNodeSlot(node: NetworkNode, slot: string): number[] | undefined {
  const spec = kindOf(node.type).slots.find((s) => s.on === 'node' && s.name === slot);
  const stored = spec?.read?.(node);
  return Array.isArray(stored) ? (stored as number[]) : undefined;
}

/**
 * Whether `stored` already holds `params[offset … offset + length)`: the same float32 numbers. A typed 0.2 stays 0.2
 * (training holds it as float32 0.2000000030), so writing back weights training did not move changes nothing.
 */
function holds(stored: readonly number[] | undefined, params: Float32Array, offset: number, length: number): boolean {
  if (stored === undefined || stored.length !== length) return false;
  for (let k = 0; k < length; k++) if (Math.fround(stored[k]!) !== params[offset + k]) return false;
  return true;
}

/**
 * `doc` with the parameters `params` (laid out by `layout`) written into every edge and node slot the layout names
 * and `options` accepts. A slot that already holds those values (as float32) is left as it is, so the result is
 * `doc` itself when nothing changes; never mutates it.
 */
export function writeParams(doc: NetworkDocument, layout: SlotLayout, params: Float32Array, options: WriteOptions = {}): NetworkDocument {
  let changed = false;
  const edges = doc.edges.map((edge) => {
    const block = layout.edges[edge.id];
    if (block === undefined || (options.edge && !options.edge(edge, block))) return edge;
    if (holds(edge.weights, params, block.offset, block.rows * block.cols)) return edge;
    changed = true;
    return { ...edge, weights: Array.from(params.subarray(block.offset, block.offset + block.rows * block.cols)) };
  });
  const nodes = doc.nodes.map((node) => {
    const slots = layout.nodes ? layout.nodes[node.id] : layout.biases?.[node.id] ? { bias: layout.biases[node.id]! } : undefined;
    if (slots === undefined) return node;
    let out = node;
    for (const [name, block] of Object.entries(slots)) {
      if (options.node && !options.node(node, name, block)) continue;
      if (holds(readNodeSlot(out, name), params, block.offset, block.length)) continue;
      const next = writeNodeSlot(out, name, Array.from(params.subarray(block.offset, block.offset + block.length)));
      if (next !== out) {
        changed = true;
        out = next;
      }
    }
    return out;
  });
  return changed ? { ...doc, nodes, edges } : doc;
}
