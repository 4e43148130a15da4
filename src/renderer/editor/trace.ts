/**
 * The network run on one example, for display: each node's z and a, computed by the core's forward (net.trace).
 * Cheap for one example, so it runs on the main thread on every edit.
 *
 * - Values show only when every weight and bias the forward pass uses is in the document; otherwise the core would
 *   make up initial weights, and the numbers on screen would describe a network that is not the one saved.
 * - A network still being built has no Output yet; its outputs are still worth seeing (the worked example is three
 *   neurons), so when the only thing missing is the Output, one is attached to the single last node for the run.
 */
import type { NetworkDocument, NetworkNode } from '../../core/document';
import { analyzeGraph } from '../../core/graph';
import { compileNetwork } from '../../core/network';
import { explainConvPixel, type ConvExplainResult, type ConvPixel } from '../../core/explainConv';
import { NODE_TYPES } from '../../core/nodes';

export interface NodeValues {
  z: number[] | null;
  a: number[];
}

export type ExampleRun =
  | { ok: true; values: Record<string, NodeValues> }
  | { ok: false; reason: string };

const PREVIEW_OUTPUT = '\u0000preview-output';

/**
 * The example value of each feature of each Input. Values belong to features (columns of an example row), so two
 * Inputs of the same feature show the same value: the stored one, else 1, 2, 3, … for the features in document order.
 */
export function exampleInputs(doc: NetworkDocument, stored: Readonly<Record<string, number>>): Record<string, number[]> {
  const byFeature = exampleRow(doc, stored);
  const result: Record<string, number[]> = {};
  for (const node of doc.nodes) {
    if (node.type === 'input') result[node.id] = node.features.map((f) => byFeature.get(f)!);
  }
  return result;
}

/** The example row: each feature's value, stored or default. */
export function exampleRow(doc: NetworkDocument, stored: Readonly<Record<string, number>>): Map<string, number> {
  const row = new Map<string, number>();
  for (const node of doc.nodes) {
    if (node.type !== 'input') continue;
    for (const feature of node.features) {
      if (row.has(feature)) continue;
      const v = stored[feature];
      row.set(feature, typeof v === 'number' && Number.isFinite(v) ? v : row.size + 1);
    }
  }
  return row;
}

function missingParameters(doc: NetworkDocument): string | null {
  const analysis = analyzeGraph(doc);
  for (const node of doc.nodes) {
    if (!NODE_TYPES[node.type].weighted) continue;
    for (const edge of analysis.incoming[node.id] ?? []) {
      if (edge.weights === undefined) return 'Some weights are not set yet: type them in, or initialise the weights.';
    }
    if (node.type === 'dense' && node.useBias && node.bias === undefined) {
      return 'Some biases are not set yet: initialise the weights.';
    }
  }
  return null;
}

/** With no Output, the document with one attached to its single last node (if there is exactly one). */
function withPreviewOutput(doc: NetworkDocument): NetworkDocument {
  if (doc.nodes.some((n) => n.type === 'output')) return doc;
  const analysis = analyzeGraph(doc);
  const sinks = doc.nodes.filter((n) => n.type !== 'input' && (analysis.outgoing[n.id]?.length ?? 0) === 0);
  if (sinks.length !== 1) return doc;
  const sink = sinks[0]!;
  const size = analysis.sizes[sink.id] ?? 1;
  const output: NetworkNode = {
    type: 'output', id: PREVIEW_OUTPUT, name: 'output', position: { x: 0, y: 0 }, loss: 'mse',
    targets: Array.from({ length: size }, (_, i) => `target ${i + 1}`),
  };
  return { ...doc, nodes: [...doc.nodes, output], edges: [...doc.edges, { id: PREVIEW_OUTPUT, source: sink.id, target: PREVIEW_OUTPUT }] };
}

export function runExample(doc: NetworkDocument, stored: Readonly<Record<string, number>>): ExampleRun {
  if (!doc.nodes.some((n) => n.type !== 'input')) return { ok: false, reason: 'Add a neuron or a layer to see values.' };
  const missing = missingParameters(doc);
  if (missing) return { ok: false, reason: missing };
  const compiled = compileNetwork(withPreviewOutput(doc), { initializer: 'document' });
  if (!compiled.ok) {
    const first = compiled.problems[0];
    return { ok: false, reason: first ? `Fix the network first: ${first.message}` : 'The network cannot run yet.' };
  }
  const { net } = compiled;
  const byFeature = exampleRow(doc, stored);
  const x = new Float32Array(net.featureNames.map((name) => byFeature.get(name) ?? 0));
  const trace = net.trace(x);
  const values: Record<string, NodeValues> = {};
  for (const [id, t] of Object.entries(trace)) {
    if (id === PREVIEW_OUTPUT) continue;
    values[id] = { z: t.z ? Array.from(t.z) : null, a: Array.from(t.a) };
  }
  return { ok: true, values };
}

/**
 * One output pixel of a Conv2D explained on the example (the core's explainConvPixel), with the same weights and
 * example the canvas runs: the document's, or (while training) the trainer's written into it.
 */
export function explainConvAt(doc: NetworkDocument, stored: Readonly<Record<string, number>>, nodeId: string, at: ConvPixel): ConvExplainResult {
  const missing = missingParameters(doc);
  if (missing) return { ok: false, message: missing };
  const compiled = compileNetwork(withPreviewOutput(doc), { initializer: 'document' });
  if (!compiled.ok) return { ok: false, message: `Fix the network first: ${compiled.problems[0]?.message ?? 'it cannot run yet.'}` };
  const { net } = compiled;
  const byFeature = exampleRow(doc, stored);
  return explainConvPixel(net, net.featureNames.map((name) => byFeature.get(name) ?? 0), nodeId, at);
}

/** A value as shown on the canvas and in the inspector: 4 significant digits, no trailing zeros. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-4) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}
