/**
 * Graph analysis of a network document: which nodes can be evaluated in which order, how big each node's output is,
 * which edges feed which node, and what is structurally wrong. Never throws, whatever the document holds:
 * problems are reported, and everything that can still be worked out is worked out.
 *
 * Rules:
 * - An edge counts in the graph when both ends exist and it is not a self-loop. Of several nodes (or edges) sharing an
 *   id, the first one counts and the others are reported.
 * - Output shapes: each kind's `infer` (src/core/kinds) from its inputs' shapes and its fields; `sizes` are their
 *   products. Nodes whose shape does not depend on their inputs (Input, Neuron, Dense) get one even on a cycle.
 * - `order` is a topological order (ties broken by document order) of every node not on or after a cycle.
 */
import type { NetworkDocument, NetworkEdge, NetworkNode } from './document';
import { isNodeKind, kindOf } from './kinds';
import { nodeLabel, problem, shapeSize, type Problem, type ProblemCode, type Shape } from './kinds/kind';

export type { Problem, ProblemCode, Shape } from './kinds/kind';
export { nodeLabel } from './kinds/kind';

export interface GraphAnalysis {
  /** Topological order of the nodes that can be ordered (not on a cycle, not downstream of one). */
  order: string[];
  /** Output shape of every node whose shape can be inferred. */
  shapes: Record<string, Shape>;
  /** Output size (values per example: the product of its shape) of every node whose shape can be inferred. */
  sizes: Record<string, number>;
  /** Edges into each node, in the order its kind takes them (Concat: by `order`, absent last, ties in document order; elsewhere document order). */
  incoming: Record<string, NetworkEdge[]>;
  /** Edges out of each node, in document order. */
  outgoing: Record<string, NetworkEdge[]>;
  /** Each cycle as the node ids along it (the first is not repeated at the end). */
  cycles: string[][];
  problems: Problem[];
  /** The node that counts for each id (the first one with that id). */
  nodesById: Record<string, NetworkNode>;
}

function edgeLabel(edge: NetworkEdge, byId: Record<string, NetworkNode>): string {
  const from = byId[edge.source] ? nodeLabel(byId[edge.source]) : `"${String(edge.source)}"`;
  const to = byId[edge.target] ? nodeLabel(byId[edge.target]) : `"${String(edge.target)}"`;
  return `${from} → ${to}`;
}

const err = (code: ProblemCode, message: string, nodeIds: string[], edgeIds: string[] = [], field?: string): Problem =>
  problem('error', code, message, nodeIds, edgeIds, field);

export function analyzeGraph(doc: NetworkDocument): GraphAnalysis {
  const problems: Problem[] = [];
  const rawNodes: unknown[] = Array.isArray(doc?.nodes) ? doc.nodes : [];
  const rawEdges: unknown[] = Array.isArray(doc?.edges) ? doc.edges : [];

  // Nodes: the first of each id counts.
  const nodesById: Record<string, NetworkNode> = Object.create(null);
  const nodes: NetworkNode[] = [];
  const index: Record<string, number> = Object.create(null);
  const reportedDupNode = new Set<string>();
  for (const raw of rawNodes) {
    if (typeof raw !== 'object' || raw === null) continue;
    const node = raw as NetworkNode;
    if (typeof node.id !== 'string') continue;
    if (!isNodeKind(node.type)) {
      problems.push(err('unknown-node-type', `${nodeLabel(node)} is of a kind this Netwright does not know ("${String(node.type)}"): it was made by a newer Netwright.`, [node.id], [], 'type'));
      continue;
    }
    if (nodesById[node.id] !== undefined) {
      if (!reportedDupNode.has(node.id)) {
        reportedDupNode.add(node.id);
        problems.push(err('duplicate-node-id', `Two nodes share the id "${node.id}": every node needs its own id.`, [node.id]));
      }
      continue;
    }
    nodesById[node.id] = node;
    index[node.id] = nodes.length;
    nodes.push(node);
  }

  const incoming: Record<string, NetworkEdge[]> = Object.create(null);
  const outgoing: Record<string, NetworkEdge[]> = Object.create(null);
  for (const node of nodes) {
    incoming[node.id] = [];
    outgoing[node.id] = [];
  }

  // Edges: both ends must exist, no self-loops; the first of each id counts; the same pair twice is reported.
  const edgeIds = new Set<string>();
  const reportedDupEdge = new Set<string>();
  const pairs = new Map<string, NetworkEdge>();
  for (const raw of rawEdges) {
    if (typeof raw !== 'object' || raw === null) continue;
    const edge = raw as NetworkEdge;
    if (typeof edge.id !== 'string') continue;
    if (edgeIds.has(edge.id)) {
      if (!reportedDupEdge.has(edge.id)) {
        reportedDupEdge.add(edge.id);
        problems.push(err('duplicate-edge-id', `Two connections share the id "${edge.id}": every connection needs its own id.`, [], [edge.id]));
      }
      continue;
    }
    edgeIds.add(edge.id);
    const source = typeof edge.source === 'string' ? nodesById[edge.source] : undefined;
    const target = typeof edge.target === 'string' ? nodesById[edge.target] : undefined;
    if (source === undefined || target === undefined) {
      const missing = [source === undefined ? `"${String(edge.source)}"` : undefined, target === undefined ? `"${String(edge.target)}"` : undefined]
        .filter((s) => s !== undefined).join(' and ');
      const known = [source?.id, target?.id].filter((s): s is string => s !== undefined);
      problems.push(err('edge-unknown-node', `The connection ${edgeLabel(edge, nodesById)} points to ${missing}, which is not in the network.`,
        known, [edge.id], source === undefined ? 'source' : 'target'));
      continue;
    }
    if (source.id === target.id) {
      problems.push(err('self-loop', `${nodeLabel(source)} is connected to itself: a node cannot take its own output as input.`, [source.id], [edge.id]));
      continue;
    }
    const pair = `${source.id}\u0000${target.id}`;
    const first = pairs.get(pair);
    if (first !== undefined) {
      problems.push(err('duplicate-edge', `${nodeLabel(source)} is connected to ${nodeLabel(target)} twice: remove one of the connections.`,
        [source.id, target.id], [first.id, edge.id]));
    } else {
      pairs.set(pair, edge);
    }
    incoming[target.id]!.push(edge);
    outgoing[source.id]!.push(edge);
  }
  for (const node of nodes) kindOf(node.type).sortInputs?.(incoming[node.id]!);

  // Per-node input counts.
  for (const node of nodes) {
    const info = kindOf(node.type);
    const ins = incoming[node.id]!;
    if (info.maxInputs === 0) {
      if (ins.length > 0) {
        problems.push(err('input-has-incoming', `${nodeLabel(node)} is ${/^[aeiou]/i.test(info.label) ? 'an' : 'a'} ${info.label}, so nothing can connect into it: remove the connection from ${ins.map((e) => nodeLabel(nodesById[e.source])).join(', ')}.`,
          [node.id], ins.map((e) => e.id)));
      }
    } else if (ins.length < info.minInputs) {
      problems.push(err('no-input', `${nodeLabel(node)} has no input: connect something into it.`, [node.id]));
    } else if (ins.length > info.maxInputs) {
      problems.push(err('too-many-inputs', `${nodeLabel(node)} takes ${info.maxInputs === 1 ? 'one input' : `at most ${info.maxInputs} inputs`} but has ${ins.length}: remove ${ins.length - info.maxInputs === 1 ? 'a connection' : 'connections'} into it.`,
        [node.id], ins.map((e) => e.id)));
    }
    if (!info.hasOutput && outgoing[node.id]!.length > 0) {
      const outs = outgoing[node.id]!;
      problems.push(err('output-has-outgoing', `${nodeLabel(node)} is ${/^[aeiou]/i.test(info.label) ? 'an' : 'a'} ${info.label} and ends the network: it cannot feed ${outs.map((e) => nodeLabel(nodesById[e.target])).join(', ')}.`,
        [node.id], outs.map((e) => e.id)));
    }
  }

  // Topological order (Kahn), ties broken by document order.
  const indegree: Record<string, number> = Object.create(null);
  for (const node of nodes) indegree[node.id] = incoming[node.id]!.length;
  const ready = new MinHeap();
  for (const n of nodes) if (indegree[n.id] === 0) ready.push(index[n.id]!);
  const order: string[] = [];
  while (ready.size > 0) {
    const node = nodes[ready.pop()]!;
    order.push(node.id);
    for (const edge of outgoing[node.id]!) {
      indegree[edge.target] = indegree[edge.target]! - 1;
      if (indegree[edge.target] === 0) ready.push(index[edge.target]!);
    }
  }

  // Cycles: one per strongly connected component with more than one node.
  const cycles = order.length === nodes.length ? [] : findCycles(nodes, index, outgoing);
  for (const cycle of cycles) {
    const names = [...cycle, cycle[0]!].map((id) => nodeLabel(nodesById[id])).join(' → ');
    const cycleEdges: string[] = [];
    for (let k = 0; k < cycle.length; k++) {
      const from = cycle[k]!;
      const to = cycle[(k + 1) % cycle.length]!;
      const e = outgoing[from]!.find((x) => x.target === to);
      if (e) cycleEdges.push(e.id);
    }
    problems.push(err('cycle', `These nodes form a cycle: ${names}. A network must flow one way: remove one of these connections.`, [...cycle], cycleEdges));
  }

  // Shapes, in topological order; nodes on or after a cycle get one when their kind needs no input shapes for it.
  const shapes: Record<string, Shape> = Object.create(null);
  const sizes: Record<string, number> = Object.create(null);
  const inferNode = (node: NetworkNode, inputsKnown: boolean) => {
    const ins = incoming[node.id]!;
    const result = kindOf(node.type).infer({ node, inputs: ins.map((e) => (inputsKnown ? shapes[e.source] : undefined)), edges: ins, nodesById });
    if (result === undefined) return;
    if ('problem' in result) problems.push(result.problem);
    else {
      shapes[node.id] = result.shape;
      sizes[node.id] = shapeSize(result.shape);
    }
  };
  for (const id of order) inferNode(nodesById[id]!, true);
  if (order.length < nodes.length) {
    const ordered = new Set(order);
    for (const node of nodes) if (!ordered.has(node.id)) inferNode(node, false);
  }

  return { order, shapes, sizes, incoming, outgoing, cycles, problems, nodesById };
}

/** Tarjan's strongly connected components; from each one with 2+ nodes, one simple cycle through its first node. */
function findCycles(nodes: NetworkNode[], index: Record<string, number>, outgoing: Record<string, NetworkEdge[]>): string[][] {
  const low: Record<string, number> = Object.create(null);
  const num: Record<string, number> = Object.create(null);
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  // Iterative to survive long chains.
  for (const root of nodes) {
    if (num[root.id] !== undefined) continue;
    const work: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    num[root.id] = low[root.id] = counter++;
    stack.push(root.id);
    onStack.add(root.id);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const outs = outgoing[frame.id]!;
      if (frame.next < outs.length) {
        const to = outs[frame.next++]!.target;
        if (num[to] === undefined) {
          num[to] = low[to] = counter++;
          stack.push(to);
          onStack.add(to);
          work.push({ id: to, next: 0 });
        } else if (onStack.has(to)) {
          low[frame.id] = Math.min(low[frame.id]!, num[to]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.id;
        low[parent] = Math.min(low[parent]!, low[frame.id]!);
      }
      if (low[frame.id] === num[frame.id]) {
        const component: string[] = [];
        let id: string;
        do {
          id = stack.pop()!;
          onStack.delete(id);
          component.push(id);
        } while (id !== frame.id);
        if (component.length > 1) components.push(component);
      }
    }
  }
  const cycles: string[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = component.reduce((a, b) => (index[a]! <= index[b]! ? a : b));
    // Breadth-first from start inside the component, back to start: a shortest cycle through it.
    const parent = new Map<string, string>();
    const queue = [start];
    let closing: string | undefined;
    for (let q = 0; q < queue.length && closing === undefined; q++) {
      const at = queue[q]!;
      for (const e of outgoing[at]!) {
        if (!members.has(e.target)) continue;
        if (e.target === start) {
          closing = at;
          break;
        }
        if (!parent.has(e.target)) {
          parent.set(e.target, at);
          queue.push(e.target);
        }
      }
    }
    if (closing === undefined) continue;
    const path: string[] = [];
    for (let id: string | undefined = closing; id !== undefined && id !== start; id = parent.get(id)) path.push(id);
    path.push(start);
    path.reverse();
    cycles.push(path);
  }
  cycles.sort((a, b) => index[a[0]!]! - index[b[0]!]!);
  return cycles;
}

/** The shape of the weight block an edge into a Neuron or Dense carries, or undefined if it carries none or a size is unknown. */
export function edgeBlockShape(analysis: GraphAnalysis, edge: NetworkEdge): { rows: number; cols: number } | undefined {
  const target = analysis.nodesById[edge.target];
  if (target === undefined || !kindOf(target.type).slots.some((slot) => slot.on === 'edge')) return undefined;
  const rows = analysis.sizes[edge.source];
  const cols = analysis.sizes[edge.target];
  if (rows === undefined || cols === undefined) return undefined;
  return { rows, cols };
}

/** A binary min-heap of numbers (node indices), so ordering a wide graph stays O(n log n). */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= value) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = value;
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
