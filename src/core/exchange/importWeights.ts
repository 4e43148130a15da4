/**
 * Import trained weights: Netwright's weights JSON (src/core/export.ts; what the PyTorch project's train.py writes)
 * applied to the network it belongs to. Every parameter block of the network must be in the file, under the same
 * connection id, between nodes of the same names, with the same shape; anything else is refused with a message that
 * names the connection or node, and the document is left as it was.
 */
import { z } from 'zod';
import type { NetworkDocument } from '../document';
import { unitNamer, type WeightsJson } from '../export';
import { compilePlan } from '../network/compile';
import { writeParams } from '../kinds/params';

const numbers = z.array(z.number());
const schema = z.object({
  network: z.string().optional(),
  edges: z.array(z.object({ id: z.string(), from: z.string(), to: z.string(), rows: z.number().int().min(0), cols: z.number().int().min(0), weights: numbers })),
  biases: z.array(z.object({ node: z.string(), id: z.string().optional(), values: numbers })),
  slots: z.array(z.object({ node: z.string(), id: z.string().optional(), slot: z.string(), values: numbers })).optional(),
  step: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

/** `step`: the optimiser steps the weights were trained to, when the file says (train.py writes it). */
export type ImportWeightsResult = { ok: true; doc: NetworkDocument; parameters: number; step?: number } | { ok: false; message: string };

/** The first problem of a parsed value, located: "edges[2].weights[5]: expected number". */
function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  return `${path || 'the file'}: ${issue.message}`;
}

/** `doc` with the weights of `source` (the JSON text, or the parsed value) written into it. */
export function importWeights(doc: NetworkDocument, source: string | unknown): ImportWeightsResult {
  let value: unknown = source;
  if (typeof source === 'string') {
    try {
      value = JSON.parse(source);
    } catch (e) {
      return { ok: false, message: `The weights file is not JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { ok: false, message: `The weights file is not Netwright's weights JSON: ${zodMessage(parsed.error)}` };
  const file = parsed.data as Pick<WeightsJson, 'edges'> & { biases: { node: string; id?: string; values: number[] }[]; slots?: { node: string; id?: string; slot: string; values: number[] }[] };
  const compiled = compilePlan(doc);
  if (!compiled.ok) return { ok: false, message: `Cannot import weights: ${compiled.problems[0]!.message}` };
  const { layout, analysis } = compiled.value;
  const name = unitNamer(doc);
  const params = compiled.value.params.slice();
  const finite = (values: number[], what: string): string | undefined => {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    return bad >= 0 ? `${what} has the value ${String(values[bad])} at position ${bad + 1}: weights must be finite numbers` : undefined;
  };

  const fileEdges = new Map(file.edges.map((e) => [e.id, e]));
  for (const edge of doc.edges) {
    const block = layout.edges[edge.id];
    if (!block) continue;
    const from = name(analysis.nodesById[edge.source]!, 1, 0);
    const to = name(analysis.nodesById[edge.target]!, 1, 0);
    const entry = fileEdges.get(edge.id);
    if (!entry) return { ok: false, message: `The weights file has no weights for the connection ${from} → ${to} (${edge.id}): it was made for another network.` };
    fileEdges.delete(edge.id);
    if (entry.from !== from || entry.to !== to) {
      return { ok: false, message: `The weights file's connection ${edge.id} runs ${entry.from} → ${entry.to}, but in this network it runs ${from} → ${to}: it was made for another network.` };
    }
    if (entry.rows !== block.rows || entry.cols !== block.cols || entry.weights.length !== block.rows * block.cols) {
      return { ok: false, message: `The weights file has ${entry.rows}×${entry.cols} weights (${entry.weights.length} numbers) for the connection ${from} → ${to}, but this network needs ${block.rows}×${block.cols}.` };
    }
    const bad = finite(entry.weights, `The connection ${from} → ${to}`);
    if (bad) return { ok: false, message: `The weights file: ${bad}.` };
    params.set(entry.weights, block.offset);
  }
  const extra = [...fileEdges.values()][0];
  if (extra) return { ok: false, message: `The weights file has weights for a connection ${extra.from} → ${extra.to} (${extra.id}) that this network does not have: it was made for another network.` };

  const fileSlots = [
    ...file.biases.map((b) => ({ ...b, slot: 'bias' })),
    ...(file.slots ?? []),
  ];
  const used = new Set<number>();
  for (const node of doc.nodes) {
    for (const [slot, block] of Object.entries(layout.nodes[node.id] ?? {})) {
      const label = name(node, 1, 0);
      const k = fileSlots.findIndex((s, i) => !used.has(i) && s.slot === slot && (s.id !== undefined ? s.id === node.id : s.node === label));
      if (k < 0) return { ok: false, message: `The weights file has no ${slot} for ${label}: it was made for another network.` };
      used.add(k);
      const entry = fileSlots[k]!;
      if (entry.node !== label) return { ok: false, message: `The weights file's ${slot} of node ${node.id} belongs to ${entry.node}, but in this network that node is ${label}: it was made for another network.` };
      if (entry.values.length !== block.length) {
        return { ok: false, message: `The weights file has ${entry.values.length} ${slot} value(s) for ${label}, but this network needs ${block.length}.` };
      }
      const bad = finite(entry.values, `The ${slot} of ${label}`);
      if (bad) return { ok: false, message: `The weights file: ${bad}.` };
      params.set(entry.values, block.offset);
    }
  }
  const unused = fileSlots.find((_, i) => !used.has(i));
  if (unused) return { ok: false, message: `The weights file has a ${unused.slot} for ${unused.node}, which this network does not have: it was made for another network.` };
  return { ok: true, doc: writeParams(doc, layout, params), parameters: layout.size, ...(parsed.data.step !== undefined ? { step: parsed.data.step } : {}) };
}
