/**
 * Moving between the layer view and the neuron view of the same network, without changing what it computes.
 *
 * expandDense turns a Dense layer of n units into n Neurons "<name> 1" … "<name> n":
 * - Each neuron j gets an edge from every source of the layer, carrying column j of that edge's block
 *   (source unit i → weight W[i·n + j]), and bias j of the layer.
 * - A weighted consumer (Neuron, Dense) of the layer gets an edge from each neuron, carrying row j of its block.
 * - A consumer without weights (Activation, Dropout, Add, Concat, Output) needs the layer's output as one vector:
 *   the neurons feed a new Concat in unit order (edge `order` = j), and the consumer's edge is kept (same id, same
 *   `order` into a Concat) with the Concat as its source. So every consumer sees exactly the same vector.
 *   A layer of one unit needs no Concat: its neuron takes the consumer's edge directly.
 * - Softmax is not element-wise (each unit's value depends on all the others), so a softmax layer expands into
 *   linear neurons → Concat → a softmax Activation node, and every consumer takes the Activation's output.
 * - Missing weights stay missing (the layer was not initialised yet); a layer without bias gives neurons a bias of 0.
 *
 * collapseNeurons does the reverse when the neurons share exactly the same sources and activation; the units follow
 * the order of a Concat they all feed, or else the order of `neuronIds` as given. A Concat fed by exactly those
 * neurons and nothing else disappears (its consumers take the layer directly). Weights are copied, never recomputed,
 * so both directions preserve every weight bit for bit.
 */
import type { DenseNode, NetworkDocument, NetworkEdge, NetworkNode, NeuronNode } from './document';
import { idCounter } from './edit';
import { analyzeGraph, nodeLabel, type GraphAnalysis } from './graph';
import { NODE_TYPES, createNode } from './nodes';

/** Larger layers are not expanded: the canvas would become unreadable and slow. */
export const MAX_EXPAND_UNITS = 256;

export type ExpandResult =
  | { ok: true; doc: NetworkDocument; neuronIds: string[]; concatId?: string; activationId?: string }
  | { ok: false; reason: string };

export type CollapseResult = { ok: true; doc: NetworkDocument; denseId: string } | { ok: false; reason: string };

const ROW = 110;

/** Edges of the document touching `id` that the analysis does not count (self-loops, duplicates of an id, …). */
function hasBrokenEdges(doc: NetworkDocument, analysis: GraphAnalysis, ids: ReadonlySet<string>): boolean {
  const counted = new Set<NetworkEdge>();
  for (const id of ids) {
    for (const e of analysis.incoming[id] ?? []) counted.add(e);
    for (const e of analysis.outgoing[id] ?? []) counted.add(e);
  }
  return doc.edges.some((e) => (ids.has(e.source) || ids.has(e.target)) && !counted.has(e));
}

export function expandDense(doc: NetworkDocument, denseId: string): ExpandResult {
  const analysis = analyzeGraph(doc);
  const dense = analysis.nodesById[denseId];
  if (!dense) return { ok: false, reason: `There is no node "${denseId}".` };
  if (dense.type !== 'dense') return { ok: false, reason: `${nodeLabel(dense)} is not a Dense layer, so there is nothing to expand.` };
  const n = analysis.sizes[denseId];
  if (n === undefined) return { ok: false, reason: `${nodeLabel(dense)} has no valid number of units yet.` };
  if (n > MAX_EXPAND_UNITS) return { ok: false, reason: `${nodeLabel(dense)} has ${n} units; only layers of up to ${MAX_EXPAND_UNITS} can be shown as neurons.` };
  if (hasBrokenEdges(doc, analysis, new Set([denseId]))) {
    return { ok: false, reason: `Fix the connections of ${nodeLabel(dense)} first (one of them is duplicated, loops back or points nowhere).` };
  }
  const ins = analysis.incoming[denseId]!;
  const outs = analysis.outgoing[denseId]!;
  for (const e of ins) {
    const m = analysis.sizes[e.source];
    if (m === undefined) return { ok: false, reason: `The size of ${nodeLabel(analysis.nodesById[e.source])} is not known yet: fix its errors first.` };
    if (e.weights !== undefined && e.weights.length !== m * n) {
      return { ok: false, reason: `The connection ${nodeLabel(analysis.nodesById[e.source])} → ${nodeLabel(dense)} has the wrong number of weights: fix it first.` };
    }
  }
  for (const e of outs) {
    const target = analysis.nodesById[e.target]!;
    if (!NODE_TYPES[target.type].weighted || e.weights === undefined) continue;
    const k = analysis.sizes[e.target];
    if (k === undefined || e.weights.length !== n * k) {
      return { ok: false, reason: `The connection ${nodeLabel(dense)} → ${nodeLabel(target)} has the wrong number of weights: fix it first.` };
    }
  }
  const useBias = dense.useBias !== false;
  if (useBias && dense.bias !== undefined && dense.bias.length !== n) {
    return { ok: false, reason: `${nodeLabel(dense)} has ${dense.bias.length} biases for ${n} units: fix them first.` };
  }

  let counter = idCounter(doc);
  const fresh = (prefix: string) => `${prefix}${counter++}`;
  const softmax = dense.activation === 'softmax';
  const { x, y } = dense.position;

  const neurons: NeuronNode[] = [];
  for (let j = 0; j < n; j++) {
    neurons.push(createNode('neuron', fresh('n'), { x, y: y + (j - (n - 1) / 2) * ROW }, {
      name: `${dense.name} ${j + 1}`,
      activation: softmax ? 'linear' : dense.activation,
      bias: useBias && dense.bias !== undefined ? dense.bias[j]! : 0,
    }));
  }
  const added: NetworkNode[] = [...neurons];
  const newEdges: NetworkEdge[] = [];

  // Sources → each neuron: column j of each block.
  for (const e of ins) {
    const m = analysis.sizes[e.source]!;
    for (let j = 0; j < n; j++) {
      const edge: NetworkEdge = { id: fresh('e'), source: e.source, target: neurons[j]!.id };
      if (e.weights !== undefined) edge.weights = Array.from({ length: m }, (_, i) => e.weights![i * n + j]!);
      newEdges.push(edge);
    }
  }

  // The node that stands for the layer's whole output vector, if one is needed.
  let concatId: string | undefined;
  let activationId: string | undefined;
  let vectorSource: string | undefined;
  const needVector = softmax || outs.some((e) => !NODE_TYPES[analysis.nodesById[e.target]!.type].weighted);
  if (needVector) {
    if (n === 1 && !softmax) {
      vectorSource = neurons[0]!.id;
    } else {
      concatId = fresh('concat');
      added.push(createNode('concat', concatId, { x: x + ROW, y }, { name: `${dense.name} (joined)` }));
      neurons.forEach((neuron, j) => newEdges.push({ id: fresh('e'), source: neuron.id, target: concatId!, order: j }));
      vectorSource = concatId;
      if (softmax) {
        activationId = fresh('act');
        added.push(createNode('activation', activationId, { x: x + 2 * ROW, y }, { name: `${dense.name} softmax`, activation: 'softmax' }));
        newEdges.push({ id: fresh('e'), source: concatId, target: activationId });
        vectorSource = activationId;
      }
    }
  }

  // Consumers: a weighted one gets row j from neuron j (unless the layer's vector goes through a softmax node);
  // any other keeps its edge, now from the vector node.
  const replaced = new Map<string, NetworkEdge[]>();
  for (const e of outs) {
    const target = analysis.nodesById[e.target]!;
    if (NODE_TYPES[target.type].weighted && !softmax) {
      const k = analysis.sizes[e.target]!;
      replaced.set(e.id, neurons.map((neuron, j) => {
        const edge: NetworkEdge = { id: fresh('e'), source: neuron.id, target: e.target };
        if (e.weights !== undefined) edge.weights = e.weights.slice(j * k, (j + 1) * k);
        return edge;
      }));
    } else {
      replaced.set(e.id, [{ ...e, source: vectorSource! }]);
    }
  }

  const incomingIds = new Set(ins.map((e) => e.id));
  const edges: NetworkEdge[] = [];
  for (const e of doc.edges) {
    if (incomingIds.has(e.id) && e.target === denseId) continue;
    const r = e.source === denseId ? replaced.get(e.id) : undefined;
    if (r) edges.push(...r);
    else edges.push(e);
  }
  edges.push(...newEdges);
  const nodes = doc.nodes.flatMap((node) => (node.id === denseId ? added : [node]));
  const result: ExpandResult = { ok: true, doc: { ...doc, nodes, edges, nextId: counter }, neuronIds: neurons.map((nn) => nn.id) };
  if (concatId !== undefined) result.concatId = concatId;
  if (activationId !== undefined) result.activationId = activationId;
  return result;
}

export function collapseNeurons(doc: NetworkDocument, neuronIds: readonly string[]): CollapseResult {
  const analysis = analyzeGraph(doc);
  const { nodesById, incoming, outgoing, sizes } = analysis;
  if (neuronIds.length === 0) return { ok: false, reason: 'Select the neurons to merge into a layer.' };
  const selected = new Set(neuronIds);
  if (selected.size !== neuronIds.length) return { ok: false, reason: 'A neuron is listed twice.' };
  const given: NeuronNode[] = [];
  for (const id of neuronIds) {
    const node = nodesById[id];
    if (!node) return { ok: false, reason: `There is no node "${id}".` };
    if (node.type !== 'neuron') return { ok: false, reason: `${nodeLabel(node)} is not a Neuron: only neurons merge into a layer.` };
    given.push(node);
  }
  if (hasBrokenEdges(doc, analysis, selected)) {
    return { ok: false, reason: 'Fix the connections of the selected neurons first (one of them is duplicated, loops back or points nowhere).' };
  }

  // Same activation, same sources (each once), none of them selected.
  const first = given[0]!;
  for (const node of given) {
    if (node.activation !== first.activation) {
      return { ok: false, reason: `${nodeLabel(first)} uses ${first.activation} but ${nodeLabel(node)} uses ${node.activation}: neurons merge into a layer only when they share one activation.` };
    }
  }
  const sourcesOf = (node: NeuronNode) => incoming[node.id]!.map((e) => e.source);
  const sources = sourcesOf(first);
  for (const node of given) {
    const own = sourcesOf(node);
    if (new Set(own).size !== own.length) return { ok: false, reason: `${nodeLabel(node)} takes the same input twice: fix that first.` };
    const inside = own.find((s) => selected.has(s));
    if (inside !== undefined) return { ok: false, reason: `${nodeLabel(nodesById[inside])} feeds ${nodeLabel(node)}, and both are selected: neurons of one layer cannot feed each other.` };
    const missing = sources.find((s) => !own.includes(s)) ?? own.find((s) => !sources.includes(s));
    if (missing !== undefined) {
      const [has, lacks] = own.includes(missing) ? [node, first] : [first, node];
      return { ok: false, reason: `${nodeLabel(has)} takes input from ${nodeLabel(nodesById[missing])} but ${nodeLabel(lacks)} does not: neurons merge into a layer only when they share exactly the same inputs.` };
    }
  }
  for (const s of sources) {
    if (sizes[s] === undefined) return { ok: false, reason: `The size of ${nodeLabel(nodesById[s])} is not known yet: fix its errors first.` };
  }

  // Unit order: the order of a Concat they all feed, else as given. Consumers must take weights or be such a Concat.
  let units: NeuronNode[] | undefined;
  const consumers = new Map<string, NetworkEdge[]>();
  for (const node of given) {
    for (const e of outgoing[node.id]!) {
      const list = consumers.get(e.target);
      if (list) list.push(e);
      else consumers.set(e.target, [e]);
    }
  }
  const concatRuns = new Map<string, { start: number; length: number }>();
  for (const [targetId, edges] of consumers) {
    const target = nodesById[targetId]!;
    if (NODE_TYPES[target.type].weighted) continue;
    if (given.length === 1) continue; // a single neuron is already the whole layer's output vector
    if (target.type !== 'concat') {
      return { ok: false, reason: `${nodeLabel(nodesById[edges[0]!.source])} feeds ${nodeLabel(target)} on its own; a layer's output is one vector, so only Neurons, Dense layers, or a Concat of all the selected neurons can take it.` };
    }
    const all = incoming[targetId]!;
    const start = all.findIndex((e) => selected.has(e.source));
    const run = all.slice(start, start + given.length);
    if (edges.length !== given.length || run.length !== given.length || !run.every((e) => selected.has(e.source))) {
      return { ok: false, reason: `${nodeLabel(target)} must take all the selected neurons, one after another, to become the layer's output.` };
    }
    const order = run.map((e) => nodesById[e.source] as NeuronNode);
    if (units === undefined) units = order;
    else if (!order.every((u, j) => u === units![j])) {
      return { ok: false, reason: `The selected neurons feed ${nodeLabel(target)} in a different order than another Concat, so there is no single unit order.` };
    }
    concatRuns.set(targetId, { start, length: run.length });
  }
  units ??= given;
  const n = units.length;
  const unitIndex = new Map(units.map((u, j) => [u.id, j]));

  // Check weights: each block is either set on every neuron's edge (with the right length) or on none.
  for (const s of sources) {
    const edges = units.map((u) => incoming[u.id]!.find((e) => e.source === s)!);
    const set = edges.filter((e) => e.weights !== undefined);
    if (set.length !== 0 && set.length !== n) {
      return { ok: false, reason: `Some connections from ${nodeLabel(nodesById[s])} have weights and others do not: initialise the network first.` };
    }
    if (set.some((e) => e.weights!.length !== sizes[s])) {
      return { ok: false, reason: `A connection from ${nodeLabel(nodesById[s])} has the wrong number of weights: fix it first.` };
    }
  }
  for (const [targetId, edges] of consumers) {
    const target = nodesById[targetId]!;
    if (!NODE_TYPES[target.type].weighted) continue;
    const set = edges.filter((e) => e.weights !== undefined);
    if (set.length !== 0 && set.length !== edges.length) {
      return { ok: false, reason: `Some connections into ${nodeLabel(target)} have weights and others do not: initialise the network first.` };
    }
    if (set.some((e) => e.weights!.length !== sizes[targetId])) {
      return { ok: false, reason: `A connection into ${nodeLabel(target)} has the wrong number of weights: fix it first.` };
    }
  }

  let counter = idCounter(doc);
  const fresh = (prefix: string) => `${prefix}${counter++}`;
  const denseId = fresh('dense');
  const baseName = commonBase(units.map((u) => u.name));
  const dense: DenseNode = createNode('dense', denseId, {
    x: units.reduce((a, u) => a + u.position.x, 0) / n,
    y: units.reduce((a, u) => a + u.position.y, 0) / n,
  }, { name: baseName, units: n, activation: first.activation, useBias: true, bias: units.map((u) => u.bias) });

  const newEdges: NetworkEdge[] = [];
  for (const s of sources) {
    const edges = units.map((u) => incoming[u.id]!.find((e) => e.source === s)!);
    const edge: NetworkEdge = { id: fresh('e'), source: s, target: denseId };
    if (edges[0]!.weights !== undefined) {
      const m = sizes[s]!;
      const w = new Array<number>(m * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[i * n + j] = edges[j]!.weights![i]!;
      edge.weights = w;
    }
    newEdges.push(edge);
  }

  const removedNodes = new Set<string>(selected);
  const rewired = new Map<string, NetworkEdge>();
  const renumber = new Set<string>();
  for (const [targetId, edges] of consumers) {
    const target = nodesById[targetId]!;
    if (NODE_TYPES[target.type].weighted) {
      const k = sizes[targetId]!;
      const edge: NetworkEdge = { id: fresh('e'), source: denseId, target: targetId };
      if (edges[0]!.weights !== undefined) {
        const w = new Array<number>(n * k).fill(0);
        for (const e of edges) {
          const j = unitIndex.get(e.source)!;
          for (let c = 0; c < k; c++) w[j * k + c] = e.weights![c]!;
        }
        edge.weights = w;
      }
      newEdges.push(edge);
    } else if (n === 1) {
      for (const e of edges) rewired.set(e.id, { ...e, source: denseId });
    } else if (incoming[targetId]!.length === n) {
      // The Concat is exactly the layer's output: drop it, its consumers read the layer.
      removedNodes.add(targetId);
      for (const e of outgoing[targetId]!) rewired.set(e.id, { ...e, source: denseId });
    } else {
      const run = incoming[targetId]!.slice(concatRuns.get(targetId)!.start);
      newEdges.push({ id: fresh('e'), source: denseId, target: targetId, order: run[0]!.order ?? 0 });
      renumber.add(targetId);
    }
  }

  let edges: NetworkEdge[] = doc.edges
    .map((e) => rewired.get(e.id) ?? e)
    .filter((e) => !removedNodes.has(e.source) && !removedNodes.has(e.target))
    .concat(newEdges);
  for (const targetId of renumber) edges = renumberConcat(edges, targetId, concatRuns.get(targetId)!.start, denseId);

  const nodes: NetworkNode[] = [];
  let placed = false;
  for (const node of doc.nodes) {
    if (!removedNodes.has(node.id)) nodes.push(node);
    else if (!placed && selected.has(node.id)) {
      nodes.push(dense);
      placed = true;
    }
  }
  return { ok: true, doc: { ...doc, nodes, edges, nextId: counter }, denseId };
}

/**
 * Give a Concat's inputs orders 0, 1, … so the layer's edge sits where the neurons' run started
 * (the new edge's id would otherwise break ties differently).
 */
function renumberConcat(edges: NetworkEdge[], concatId: string, position: number, denseId: string): NetworkEdge[] {
  const into = edges.filter((e) => e.target === concatId);
  const layerEdge = into.find((e) => e.source === denseId)!;
  const others = sortConcat(into.filter((e) => e !== layerEdge));
  const ordered = [...others.slice(0, position), layerEdge, ...others.slice(position)];
  const order = new Map(ordered.map((e, i) => [e.id, i]));
  return edges.map((e) => (e.target === concatId ? { ...e, order: order.get(e.id)! } : e));
}

function sortConcat(edges: NetworkEdge[]): NetworkEdge[] {
  const key = (e: NetworkEdge) => (typeof e.order === 'number' && Number.isFinite(e.order) ? e.order : Infinity);
  // Stable: ties keep file order, as in graph.ts.
  return [...edges].sort((a, b) => (key(a) === key(b) ? 0 : key(a) < key(b) ? -1 : 1));
}

/** "hidden" from "hidden 1", "hidden 2", …; otherwise "layer". */
function commonBase(names: string[]): string {
  const bases = names.map((name) => /^(.*\S)\s+\d+$/.exec(name)?.[1]);
  const base = bases[0];
  return base !== undefined && bases.every((b) => b === base) ? base : 'layer';
}
