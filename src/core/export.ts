/**
 * The weights of a network as JSON or CSV, for reading elsewhere (a spreadsheet, a notebook).
 *
 * One row per parameter: `from`, `to`, `value`. A unit is named after its node ("h1"), or "h[2]" for unit 2 of a
 * node of several units (counting from 0); a bias has from = "bias". Nodes whose names repeat get their id added:
 * "h (n7)". Other learned slots (LayerNorm's gamma, beta) come after the biases, with from = the slot's name.
 * Values are float32, written with the fewest digits that read back to the same float32.
 * The weights are the compiled network's: the document's own, or freshly initialised ones where the document has
 * none yet, or `params` (e.g. a trained network's) when given.
 */
import type { NetworkDocument, NetworkNode } from './document';
import { compilePlan } from './network/compile';

export interface WeightRow {
  from: string;
  to: string;
  value: number;
}

export type WeightsResult<T> = { ok: true; value: T } | { ok: false; message: string };

export interface WeightsJson {
  network: string;
  /** One entry per connection into a Neuron or Dense: its rows × cols block, row-major (source unit i → unit j). */
  edges: { id: string; from: string; to: string; rows: number; cols: number; weights: number[] }[];
  /** The 'bias' slot of each node that has one; `id` is the node's id (added for the PyTorch round trip). */
  biases: { node: string; id: string; values: number[] }[];
  /** Every other learned slot of a node (LayerNorm's gamma and beta), by slot name. */
  slots: { node: string; id: string; slot: string; values: number[] }[];
  /** The same numbers as rows of from, to, value (what the CSV holds): edges, then biases, then other slots. */
  rows: WeightRow[];
  /** The optimiser steps these weights were trained to, when known (train.py writes it); import counts on from it. */
  step?: number;
}

/** The shortest decimal that reads back to the same float32. */
export function float32Text(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f)) return String(f);
  if (Object.is(f, -0)) return '-0';
  for (let p = 1; p <= 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return String(s);
  }
  return String(f);
}

export function unitNamer(doc: NetworkDocument): (node: NetworkNode, size: number, unit: number) => string {
  const count = new Map<string, number>();
  for (const n of doc.nodes) count.set(n.name, (count.get(n.name) ?? 0) + 1);
  return (node, size, unit) => {
    const base = node.name === '' || count.get(node.name)! > 1 ? `${node.name || 'node'} (${node.id})` : node.name;
    return size === 1 ? base : `${base}[${unit}]`;
  };
}

/** Every weight and bias of the network, as JSON data. */
export function weightsJson(doc: NetworkDocument, params?: Float32Array): WeightsResult<WeightsJson> {
  try {
    const compiled = compilePlan(doc);
    if (!compiled.ok) return { ok: false, message: `Cannot export the weights: ${compiled.problems[0]!.message}` };
    const { layout, analysis } = compiled.value;
    const values = params ?? compiled.value.params;
    if (values.length !== layout.size) return { ok: false, message: `Cannot export the weights: ${values.length} parameters were given but the network has ${layout.size}` };
    const name = unitNamer(doc);
    const out: WeightsJson = { network: doc.name, edges: [], biases: [], slots: [], rows: [] };
    const num = (v: number) => Number(float32Text(v));
    for (const edge of doc.edges) {
      const block = layout.edges[edge.id];
      if (!block) continue;
      const source = analysis.nodesById[edge.source]!;
      const target = analysis.nodesById[edge.target]!;
      const weights: number[] = [];
      for (let i = 0; i < block.rows; i++) {
        for (let j = 0; j < block.cols; j++) {
          const value = num(values[block.offset + i * block.cols + j]!);
          weights.push(value);
          out.rows.push({ from: name(source, block.rows, i), to: name(target, block.cols, j), value });
        }
      }
      out.edges.push({ id: edge.id, from: name(source, 1, 0), to: name(target, 1, 0), rows: block.rows, cols: block.cols, weights });
    }
    for (const node of doc.nodes) {
      const bias = layout.biases[node.id];
      if (!bias) continue;
      const biasValues = Array.from(values.subarray(bias.offset, bias.offset + bias.length), num);
      biasValues.forEach((value, j) => out.rows.push({ from: 'bias', to: name(node, bias.length, j), value }));
      out.biases.push({ node: name(node, 1, 0), id: node.id, values: biasValues });
    }
    for (const node of doc.nodes) {
      for (const [slot, block] of Object.entries(layout.nodes[node.id] ?? {})) {
        if (slot === 'bias') continue;
        const slotValues = Array.from(values.subarray(block.offset, block.offset + block.length), num);
        slotValues.forEach((value, j) => out.rows.push({ from: slot, to: name(node, block.length, j), value }));
        out.slots.push({ node: name(node, 1, 0), id: node.id, slot, values: slotValues });
      }
    }
    return { ok: true, value: out };
  } catch (error) {
    return { ok: false, message: `Cannot export the weights: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Every weight and bias as CSV: a header `from,to,value`, then one row per parameter. */
export function weightsCsv(doc: NetworkDocument, params?: Float32Array): WeightsResult<string> {
  const json = weightsJson(doc, params);
  if (!json.ok) return json;
  const lines = ['from,to,value', ...json.value.rows.map((r) => `${csvField(r.from)},${csvField(r.to)},${float32Text(r.value)}`)];
  return { ok: true, value: `${lines.join('\r\n')}\r\n` };
}
